// A small, fast, seeded generator (sfc32), so the same seed gives the same demo on any machine
// and a million patients take seconds, not minutes.

export type Random = {
  /** A float in [0, 1). */
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  /** Pick by weight: weights need not sum to 1. */
  weighted<T>(table: readonly (readonly [T, number])[]): T;
  uuid(): string;
};

export function seededRandom(seed: number): Random {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
  let d = 1;
  const u32 = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) u32();
  const next = () => u32() / 4294967296;
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const cumulative = new WeakMap<object, { total: number; edges: number[] }>();
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(table) {
      let c = cumulative.get(table);
      if (!c) {
        let total = 0;
        const edges = table.map(([, w]) => (total += w));
        c = { total, edges };
        cumulative.set(table, c);
      }
      const x = next() * c.total;
      let i = 0;
      while (i < c.edges.length - 1 && x >= c.edges[i]!) i++;
      return table[i]![0];
    },
    uuid() {
      // Version 4 layout, so ids look like any other uuid in the system.
      const h = hex(u32()) + hex(u32()) + hex(u32()) + hex(u32());
      const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}
