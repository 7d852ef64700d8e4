// Number formatting for the markdown report, in one place so every table reads the same.

export const whole = (n: number) => Math.round(n).toLocaleString('en-GB');

export const milliseconds = (n: number) => `${whole(n)} ms`;

export const seconds = (n: number) => `${n.toFixed(1)} s`;

/** Latency in ms: sub-millisecond values keep two decimals, so a bare route does not read as 0. */
export const latency = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0));

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/** Milliseconds in a table cell: a dash for none, three decimals below 0.1 ms, else as latency(). */
export const ms = (n: number | undefined) => (n === undefined ? '–' : n < 0.1 ? n.toFixed(3) : latency(n));

/** A ratio in a table cell: ×1.8 or ×65 above one, 1/65 below. */
export const ratio = (n: number) => (n >= 1 ? `×${n < 10 ? n.toFixed(1) : whole(n)}` : `1/${whole(1 / n)}`);
