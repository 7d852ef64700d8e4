// Small-number suppression (NHS disclosure control, docs/clinical-rules.md "Small numbers"): counts from 1 to
// 7 are shown as "*", others rounded to the nearest 5, so no figure can single a person out.

export type Suppressed = { shown: string; suppressed: boolean };

export function suppress(count: number): Suppressed {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`not a count: ${count}`);
  if (count === 0) return { shown: '0', suppressed: false };
  if (count <= 7) return { shown: '*', suppressed: true };
  return { shown: String(Math.round(count / 5) * 5), suppressed: false };
}

export const imdQuintileNames = ['1 (most deprived)', '2', '3', '4', '5 (least deprived)'] as const;

export function imdQuintile(decile: number): number {
  return Math.ceil(decile / 2);
}
