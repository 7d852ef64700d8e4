import {
  type Conflict,
  type CriterionCode,
  criterionInSentence,
  inCatchment,
  niceConflicts,
  type Service,
} from '../model.ts';

// Needs-led matching: a person's needs, confirmed by the practitioner from the assessment
// as tags (never guessed from free text), against each service's coded criteria, area and ages.

export const needs = {
  mood: { text: 'Low mood or anxiety', criterion: 'anxiety-depression' },
  'talking-therapy': { text: 'Wants a talking therapy', criterion: 'wants-talking-therapy' },
  housing: { text: 'Housing', criterion: 'housing-problem' },
  money: { text: 'Money or debt', criterion: 'money-problem' },
  alcohol: { text: 'Alcohol', criterion: 'alcohol-use' },
  drugs: { text: 'Drugs', criterion: 'drug-use' },
  relationships: { text: 'Relationships', criterion: null },
  loneliness: { text: 'Loneliness', criterion: 'loneliness' },
  trauma: { text: 'Trauma', criterion: null },
  bereavement: { text: 'Bereavement', criterion: 'bereavement' },
  'domestic-abuse': { text: 'Domestic abuse', criterion: 'domestic-abuse' },
  eating: { text: 'Eating', criterion: 'eating-disorder' },
  'physical-health': { text: 'Physical health', criterion: 'physical-illness' },
  carers: { text: 'Caring for someone', criterion: 'carer' },
  safeguarding: { text: 'Safeguarding', criterion: null },
  'crisis-support': { text: 'Support in a crisis, out of hours', criterion: null },
} as const satisfies Record<string, { text: string; criterion: CriterionCode | null }>;
export type Need = keyof typeof needs;
export const isNeed = (n: string): n is Need => Object.hasOwn(needs, n);

/** What matching knows of the person: confirmed needs, age, where they live and their GP. */
export type Person = {
  needs: readonly Need[];
  age: number;
  postcode: string | null;
  gpPracticeOds: string | null;
};

export type Match<S> = { service: S; score: number; reasons: string[]; conflicts: Conflict[] };
export type Excluded<S> = { service: S; reasons: string[]; conflicts: Conflict[] };

/**
 * Which coded criteria hold for the person: every person Onward refers presented after self-harm,
 * and one registered with a GP is (whether that GP is in a service's area is its catchment's rule).
 */
export function criteriaThatHold(p: Person): Set<CriterionCode> {
  const hold = new Set<CriterionCode>(['self-harm-current', 'self-harm-history']);
  if (p.gpPracticeOds !== null) hold.add('registered-gp-in-area');
  for (const n of p.needs) {
    const c = needs[n].criterion;
    if (c) hold.add(c);
  }
  return hold;
}

/**
 * The services that fit the person, ranked (most of their needs met first), each with its reasons;
 * and those that would exclude them, each with why — never hidden, so a NICE conflict among the
 * reasons can be challenged. Services no longer running are left out altogether.
 */
export function matchServices<S extends Service>(
  p: Person,
  services: readonly S[],
): { fits: Match<S>[]; excluded: Excluded<S>[] } {
  const hold = criteriaThatHold(p);
  const fits: Match<S>[] = [];
  const excluded: Excluded<S>[] = [];
  for (const s of services) {
    if (s.status === 'inactive') continue;
    const conflicts = niceConflicts(s);
    const out: string[] = [];
    if (s.status === 'temporarily-closed') out.push('Temporarily closed to referrals');
    if (!inCatchment(s, p)) out.push('The person lives outside its area');
    if (s.ages.min !== null && p.age < s.ages.min) out.push(`Takes people from ${s.ages.min}`);
    if (s.ages.max !== null && p.age > s.ages.max) out.push(`Takes no one over ${s.ages.max}`);
    for (const c of s.criteria)
      if (c.kind === 'exclusion' && hold.has(c.code)) out.push(`Excludes: ${criterionInSentence(c.code)}`);
    const required = s.criteria.filter((c) => c.kind === 'eligibility');
    const met = required.filter((c) => hold.has(c.code));
    // "Takes only" criteria: one of them must hold (a service for alcohol or drugs takes either).
    if (required.length > 0 && met.length === 0)
      out.push(`Takes only: ${required.map((c) => criterionInSentence(c.code)).join(' or ')}`);
    if (out.length > 0) {
      excluded.push({ service: s, reasons: out, conflicts });
      continue;
    }
    const needsMet = met.filter((c) => c.code !== 'self-harm-current' && c.code !== 'self-harm-history');
    const reasons = [
      ...needsMet.map((c) => `Meets a need: ${criterionInSentence(c.code)}`),
      ...(met.some((c) => c.code === 'self-harm-current') ? ['Takes people after self-harm'] : []),
      s.catchment.districts.length + s.catchment.practices.length > 0
        ? 'Covers where the person lives'
        : 'Open to anyone',
      ...(s.waitWeeks !== null ? [`Published wait: ${s.waitWeeks} week${s.waitWeeks === 1 ? '' : 's'}`] : []),
    ];
    // Needs met count most; a shorter published wait breaks ties.
    const score = 10 * needsMet.length + (met.length > needsMet.length ? 5 : 0) - Math.min(s.waitWeeks ?? 10, 52) / 10;
    fits.push({ service: s, score, reasons, conflicts });
  }
  fits.sort((a, b) => b.score - a.score || a.service.name.localeCompare(b.service.name));
  excluded.sort((a, b) => a.service.name.localeCompare(b.service.name));
  return { fits, excluded };
}
