import type { MethodCode, Outcome } from '../presentations/model.ts';
import type { Random } from './random.ts';

// Hospital presentations for the demo's patients, shaped like those the Multicentre Study of
// Self-harm in England describes: about four in five are self-poisoning (paracetamol most of all,
// often with alcohol), cutting is the commonest self-injury, and roughly a fifth of people return
// within a year.

const poisoning: readonly (readonly [MethodCode, number])[] = [
  ['X60', 45],
  ['X61', 25],
  ['X64', 10],
  ['X62', 8],
  ['X65', 8],
  ['X69', 2],
  ['X68', 1],
  ['X67', 1],
];
const injury: readonly (readonly [MethodCode, number])[] = [
  ['X78', 70],
  ['X70', 12],
  ['X80', 5],
  ['X81', 3],
  ['X76', 2],
  ['X79', 3],
  ['X84', 5],
];
const outcomes: readonly (readonly [Outcome, number])[] = [
  ['discharged', 58],
  ['admitted', 30],
  ['left-before-assessment', 9],
  ['transferred', 3],
];

const HOUR = 3_600_000;

export type DemoPresentation = { arrivedAt: Date; leftAt: Date; outcome: Outcome; methods: MethodCode[] };

/** One presentation ending when care began, and for about one person in five an earlier one. */
export function presentationsFor(random: Random, careStartedAt: Date): DemoPresentation[] {
  const one = (leftAt: Date): DemoPresentation => {
    const methods: MethodCode[] = [];
    if (random.next() < 0.8) {
      methods.push(random.weighted(poisoning));
      // Alcohol taken alongside an overdose is common and recorded as a second method.
      if (methods[0] !== 'X65' && random.next() < 0.25) methods.push('X65');
    } else methods.push(random.weighted(injury));
    const hours = 2 + random.next() * 20;
    return {
      arrivedAt: new Date(leftAt.getTime() - hours * HOUR),
      leftAt,
      outcome: random.weighted(outcomes),
      methods,
    };
  };
  const list = [one(careStartedAt)];
  if (random.next() < 0.2) list.push(one(new Date(careStartedAt.getTime() - (14 + random.next() * 300) * 24 * HOUR)));
  return list;
}
