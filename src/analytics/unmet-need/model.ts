import { type EthnicCategory, ethnicCategories, type Sex, sexNames } from '../../patients/model.ts';
import { type RejectionReason, rejectionReasons } from '../../referrals/loop/model.ts';

// The unmet-need register: a rejection that ends with no alternative in place within a set time
// (UNMET_NEED_DAYS, 7 by default) is a counted gap — the evidence commissioners need of who falls
// between services. An alternative is any other referral for the person that a service had taken
// on by then (and had not already closed before the rejection), or an escalation of this referral
// resolved by then with the service accepting or another service found. A rejection the service
// later reversed is not a rejection any more. The store counts by the same rule in SQL; this is
// the rule itself, for the tests and for anyone reading what a gap is.

export type Rejection = { rejectedAt: Date };
export type Alternative = { acceptedAt: Date; closedAt: Date | null };
export type FoundByEscalation = { resolvedAt: Date };

const DAY_MS = 86_400_000;

export type GapState = 'gap' | 'alternative' | 'waiting';

/** Whether a rejection is a gap, had an alternative in time, or is still inside its days. */
export function gapState(
  r: Rejection,
  alternatives: readonly Alternative[],
  escalations: readonly FoundByEscalation[],
  days: number,
  now: Date,
): GapState {
  const by = r.rejectedAt.getTime() + days * DAY_MS;
  const inTime =
    alternatives.some(
      (a) => a.acceptedAt.getTime() <= by && (a.closedAt === null || a.closedAt.getTime() >= r.rejectedAt.getTime()),
    ) || escalations.some((e) => e.resolvedAt.getTime() <= by);
  if (inTime) return 'alternative';
  return now.getTime() >= by ? 'gap' : 'waiting';
}

/** Age bands for the register, as NHS mental health figures group them. */
export const ageBands = [
  'Under 18',
  '18 to 24',
  '25 to 34',
  '35 to 44',
  '45 to 54',
  '55 to 64',
  '65 and over',
] as const;
export type AgeBand = (typeof ageBands)[number];

export function ageBand(age: number): AgeBand {
  if (age < 18) return 'Under 18';
  if (age >= 65) return '65 and over';
  const lower = [18, 25, 35, 45, 55];
  const i = lower.findLastIndex((l) => age >= l);
  return ageBands[i + 1]!;
}

/** The area a person lives in, for the register: the outward part of the postcode (LS7, M8). */
export function postcodeDistrict(postcode: string | null): string {
  if (!postcode) return 'Not known';
  return postcode.trim().toUpperCase().split(/\s+/)[0] || 'Not known';
}

/** The ways the register is cut: each a table of its own (a cross-table would be all small numbers). */
export const dimensions = {
  service: 'Service',
  reason: 'Reason given',
  area: 'Area (postcode district)',
  ageBand: 'Age band',
  sex: 'Sex',
  ethnicity: 'Ethnic group',
  imd: 'Deprivation (IMD decile)',
} as const;
export type Dimension = keyof typeof dimensions;

/** A value as the register shows it: the coded ones in words. */
export function valueName(dimension: Dimension, value: string | null): string {
  if (value === null || value === '') return 'Not known';
  switch (dimension) {
    case 'reason':
      return rejectionReasons[value as RejectionReason]?.text ?? value;
    case 'sex':
      return sexNames[value as Sex] ?? value;
    case 'ethnicity':
      return ethnicCategories[value as EthnicCategory] ?? value;
    case 'imd':
      return value === '1' ? '1 (most deprived)' : value === '10' ? '10 (least deprived)' : value;
    default:
      return value;
  }
}
