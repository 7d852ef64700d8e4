import type { EthnicCategory, Sex } from '../patients/model.ts';

// The shape of the people who present to hospital after self-harm, so the demo's figures look
// like a real service's. Sources are named beside each table; all are approximations.

/**
 * Age bands of hospital presentations after self-harm: most are young adults, with a long tail
 * (Multicentre Study of Self-harm in England reports peak rates at 15–24 and a median age
 * around 30). Onward's liaison services see people aged 16 and over.
 */
export const ageBands: readonly (readonly [[number, number], number])[] = [
  [[16, 17], 7],
  [[18, 24], 25],
  [[25, 34], 22],
  [[35, 44], 17],
  [[45, 54], 14],
  [[55, 64], 8],
  [[65, 74], 4],
  [[75, 95], 3],
];

/** About 60% of presentations after self-harm are female. */
export const sexWeights: readonly (readonly [Sex, number])[] = [
  ['female', 59.6],
  ['male', 40.0],
  ['other', 0.2],
  ['unknown', 0.2],
];

/**
 * England and Wales Census 2021 ethnic groups mapped to the NHS ethnic category codes, with
 * about 4% not stated, as in hospital records.
 */
export const ethnicityWeights: readonly (readonly [EthnicCategory, number])[] = [
  ['A', 71.0],
  ['B', 0.9],
  ['C', 6.2],
  ['D', 0.9],
  ['E', 0.4],
  ['F', 0.8],
  ['G', 0.6],
  ['H', 3.1],
  ['J', 2.7],
  ['K', 1.0],
  ['L', 1.5],
  ['M', 1.0],
  ['N', 2.5],
  ['P', 0.5],
  ['R', 0.7],
  ['S', 2.1],
  ['Z', 3.5],
  ['99', 0.6],
];

/** Self-harm presentations rise with deprivation: decile 1 (most deprived) about twice decile 10. */
export const imdWeights: readonly (readonly [number, number])[] = [
  [1, 15],
  [2, 13.5],
  [3, 12],
  [4, 11],
  [5, 10],
  [6, 9],
  [7, 8.5],
  [8, 7.5],
  [9, 7],
  [10, 6.5],
];

/** Which name pool to draw from, so names and recorded ethnicity are not at odds. */
export function namePoolFor(category: EthnicCategory): 'british' | 'south-asian' | 'african' {
  if (category === 'H' || category === 'J' || category === 'K' || category === 'L') return 'south-asian';
  if (category === 'N' || category === 'P' || category === 'E') return 'african';
  return 'british';
}
