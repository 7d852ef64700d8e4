import type { ServiceKind } from '../../directory/model.ts';
import type { Outcome } from '../escalation/model.ts';
import type { RejectionReason, Stage } from '../loop/model.ts';

// The rock-and-a-hard-place detector. People seen after self-harm are refused by primary care as
// "too risky" (Talking Therapies, for self-harm or risk) and by secondary care as "not unwell
// enough" (crisis and home treatment, community mental health teams): too well for hospital, too
// high a risk for primary care, and nobody counts them. The rule reads a person's referrals and
// names that pattern, or the wider one where every service they were referred to said no, so the
// team and its senior clinicians see it and an escalation is opened. Pure: the referrals come from
// the store, the time from the caller.

/** Which side of the gap a kind of service sits on; the rest (drug and alcohol, voluntary sector) on neither. */
export const careLevel: Record<ServiceKind, 'primary' | 'secondary' | null> = {
  'talking-therapies': 'primary',
  'general-practice': 'primary',
  'crisis-home-treatment': 'secondary',
  'community-mental-health': 'secondary',
  'drug-alcohol': null,
  'voluntary-sector': null,
  'liaison-follow-up': null,
};

/** Primary care saying no because the person is "too risky": for risk itself, or for self-harm. */
export const tooRisky: readonly RejectionReason[] = ['risk-too-high', 'self-harm'];
/** Secondary care saying no because the person is "not unwell enough". */
export const notUnwellEnough: readonly RejectionReason[] = ['not-severe-enough'];

/** Referrals sent this long ago or less are read: one episode of seeking care, not a lifetime. */
export const HARD_PLACE_WINDOW_DAYS = 90;

/** Aftercare a service took on: the person is not stuck. */
const takenOn: readonly Stage[] = ['accepted', 'booked', 'attended', 'did-not-attend', 'completed'];
/** Not a referral any more: discarded, cancelled or withdrawn. */
const notCounted: readonly Stage[] = ['draft', 'cancelled', 'entered-in-error'];

export type ReferralFacts = {
  id: string;
  serviceName: string;
  serviceKind: ServiceKind;
  stage: Stage;
  rejectionReason: RejectionReason | null;
  sentAt: Date | null;
  rejectedAt: Date | null;
};

export type EscalationFacts = { outcome: Outcome | null; resolvedAt: Date | null };

export const patterns = {
  'between-services': 'Rock and a hard place',
  'every-referral-rejected': 'Every service said no',
} as const;
export type Pattern = keyof typeof patterns;

export type HardPlace = { pattern: Pattern; referralIds: string[]; words: string };

const DAY_MS = 86_400_000;

const names = (rs: readonly ReferralFacts[]) => [...new Set(rs.map((r) => r.serviceName))].join(' and ');

/**
 * The pattern a person's referrals show, or null. Fires when, within the window and with no
 * aftercare taken on (nor an escalation since the last refusal that found some): primary care
 * refused them as too risky and secondary care as not unwell enough; or every referral sent — two
 * or more, none still waiting — was refused. One refusal alone is not a pattern: it is on the
 * referrer's home page to answer already.
 */
export function hardPlace(
  referrals: readonly ReferralFacts[],
  escalations: readonly EscalationFacts[],
  now: Date,
): HardPlace | null {
  const since = now.getTime() - HARD_PLACE_WINDOW_DAYS * DAY_MS;
  const sent = referrals.filter(
    (r) => r.sentAt !== null && r.sentAt.getTime() >= since && !notCounted.includes(r.stage),
  );
  if (sent.some((r) => takenOn.includes(r.stage))) return null;
  const refused = sent.filter((r) => r.stage === 'rejected');
  if (refused.length === 0) return null;
  const lastRefusal = Math.max(...refused.map((r) => r.rejectedAt?.getTime() ?? 0));
  const foundCare = escalations.some(
    (e) =>
      (e.outcome === 'accepted' || e.outcome === 'alternative-found') &&
      e.resolvedAt !== null &&
      e.resolvedAt.getTime() >= lastRefusal,
  );
  if (foundCare) return null;
  const primary = refused.filter(
    (r) => careLevel[r.serviceKind] === 'primary' && r.rejectionReason && tooRisky.includes(r.rejectionReason),
  );
  const secondary = refused.filter(
    (r) => careLevel[r.serviceKind] === 'secondary' && r.rejectionReason && notUnwellEnough.includes(r.rejectionReason),
  );
  if (primary.length > 0 && secondary.length > 0)
    return {
      pattern: 'between-services',
      referralIds: [...primary, ...secondary].map((r) => r.id),
      words: `Too risky for ${names(primary)}, not unwell enough for ${names(secondary)}: no aftercare in place`,
    };
  if (refused.length >= 2 && refused.length === sent.length)
    return {
      pattern: 'every-referral-rejected',
      referralIds: refused.map((r) => r.id),
      words: `Refused by every service referred to (${names(refused)}): no aftercare in place`,
    };
  return null;
}

/** Why a standing flag no longer holds, in words for its history. */
export function whyCleared(referrals: readonly ReferralFacts[], escalations: readonly EscalationFacts[]): string {
  if (referrals.some((r) => takenOn.includes(r.stage))) return 'A service took the person on';
  if (escalations.some((e) => e.outcome === 'accepted' || e.outcome === 'alternative-found'))
    return 'An escalation found aftercare';
  return 'The pattern no longer holds';
}
