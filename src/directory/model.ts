import type { TeamKind } from '../teams/model.ts';

// The directory of aftercare services: who they are, whom they take, and how to refer. Onward owns
// the services' criteria as coded data (no directory in use today codes them), so a criterion that
// NICE NG225 says must not decide access can be found by a rule, not by reading free text.
// Pure: the services come from the store, the time from the caller.

/** The kinds of service a referral can go to: the team kinds that receive referrals. */
export const serviceKinds = [
  'talking-therapies',
  'crisis-home-treatment',
  'community-mental-health',
  'general-practice',
  'drug-alcohol',
  'voluntary-sector',
  'liaison-follow-up',
] as const satisfies readonly TeamKind[];
export type ServiceKind = (typeof serviceKinds)[number];

export const serviceStatuses = {
  active: 'Taking referrals',
  'temporarily-closed': 'Temporarily closed to referrals',
  inactive: 'No longer running',
} as const;
export type ServiceStatus = keyof typeof serviceStatuses;

export const referralRoutes = {
  ers: 'NHS e-Referral Service',
  'secure-email': 'Secure email',
  phone: 'Phone',
  'online-form': 'Online form',
} as const;
export type ReferralRoute = keyof typeof referralRoutes;

/** The code system of Onward's criteria: its own, as no published one codes services' criteria. */
export const CRITERION_SYSTEM = 'urn:onward:codesystem:service-criterion';

/**
 * The NICE NG225 rules a criterion can conflict with. NG225 says risk tools, scales and global risk
 * categories must not decide who is offered treatment (section 1.6), and that access to
 * psychological therapy must not depend on diagnosis, age, drug or alcohol use, or co-existing
 * conditions — nor, as the guideline is about people who self-harm, on self-harm itself.
 */
export const niceRules = {
  'self-harm':
    'NICE NG225: people who have self-harmed should be offered help for it; self-harm itself must not be a reason to refuse a service.',
  'risk-level':
    'NICE NG225 (1.6): do not use risk tools, scales or a global risk level (low, medium, high) to decide who is offered treatment.',
  diagnosis: 'NICE NG225: access to psychological therapy must not depend on a diagnosis.',
  age: 'NICE NG225: access to psychological therapy must not depend on age.',
  'drugs-alcohol': 'NICE NG225: access to psychological therapy must not depend on drug or alcohol use.',
  'co-existing': 'NICE NG225: access to psychological therapy must not depend on co-existing conditions.',
} as const;
export type NiceRule = keyof typeof niceRules;

/**
 * Onward's criteria. Each says what it is about, and the NG225 rule that forbids using it to keep
 * someone out (`excluding`) or to let only some in (`requiring`); a criterion with neither is a
 * fair one (where the person lives, what help they want).
 */
export const criteria = {
  'self-harm-current': { text: 'Self-harm now or recently', excluding: 'self-harm', requiring: null },
  'self-harm-history': { text: 'A history of self-harm', excluding: 'self-harm', requiring: null },
  'suicidal-thoughts': { text: 'Thoughts of suicide', excluding: 'self-harm', requiring: null },
  'risk-high': { text: 'Judged high risk', excluding: 'risk-level', requiring: 'risk-level' },
  'risk-low-moderate': { text: 'Judged low or moderate risk', excluding: 'risk-level', requiring: 'risk-level' },
  'severe-enduring-illness': {
    text: 'Severe and enduring mental illness',
    excluding: 'diagnosis',
    requiring: 'diagnosis',
  },
  'personality-disorder': {
    text: 'A diagnosis of personality disorder',
    excluding: 'diagnosis',
    requiring: 'diagnosis',
  },
  psychosis: { text: 'Psychosis', excluding: 'diagnosis', requiring: 'diagnosis' },
  'eating-disorder': { text: 'An eating disorder', excluding: 'diagnosis', requiring: 'diagnosis' },
  'alcohol-use': { text: 'Alcohol use', excluding: 'drugs-alcohol', requiring: null },
  'drug-use': { text: 'Drug use', excluding: 'drugs-alcohol', requiring: null },
  'learning-disability': { text: 'A learning disability', excluding: 'co-existing', requiring: null },
  autism: { text: 'Autism', excluding: 'co-existing', requiring: null },
  'physical-illness': { text: 'A long-term physical illness', excluding: 'co-existing', requiring: null },
  'anxiety-depression': { text: 'Anxiety or low mood', excluding: null, requiring: null },
  'registered-gp-in-area': { text: 'Registered with a GP in the area', excluding: null, requiring: null },
  'wants-talking-therapy': { text: 'Wants a talking therapy', excluding: null, requiring: null },
  'housing-problem': { text: 'A housing problem', excluding: null, requiring: null },
  'money-problem': { text: 'Money or debt worries', excluding: null, requiring: null },
  carer: { text: 'Is a carer', excluding: null, requiring: null },
  'domestic-abuse': { text: 'Domestic abuse', excluding: null, requiring: null },
  bereavement: { text: 'Bereavement', excluding: null, requiring: null },
  loneliness: { text: 'Loneliness', excluding: null, requiring: null },
  'in-current-care': { text: 'Already under another mental health team', excluding: null, requiring: null },
} as const satisfies Record<string, { text: string; excluding: NiceRule | null; requiring: NiceRule | null }>;
export type CriterionCode = keyof typeof criteria;

/** A criterion's words inside a sentence: "Excludes: a diagnosis of …", keeping "GP" as written. */
export const criterionInSentence = (code: CriterionCode): string =>
  criteria[code].text.charAt(0).toLowerCase() + criteria[code].text.slice(1);

export const isCriterionCode = (code: string): code is CriterionCode => Object.hasOwn(criteria, code);

/** One criterion of a service: the code, whether it lets people in or keeps them out, and the service's own words. */
export type Criterion = { code: CriterionCode; kind: 'eligibility' | 'exclusion'; text: string };

export type AgeRange = { min: number | null; max: number | null };

export type Service = {
  name: string;
  providerOds: string;
  kind: ServiceKind;
  status: ServiceStatus;
  /** Postcode districts ("M8", "WN5") and GP practices (ODS codes) it covers; both empty means anywhere. */
  catchment: { districts: string[]; practices: string[] };
  ages: AgeRange;
  criteria: Criterion[];
  /** What a referral to it must contain, in its words (the letter's completeness check reads these). */
  referralMustContain: string[];
  route: ReferralRoute;
  phone: string | null;
  secureEmail: string | null;
  address: string | null;
  openingTimes: string;
  waitWeeks: number | null;
  /** Working days it aims to answer a referral in. */
  responseDays: number | null;
};

export type Conflict = { code: CriterionCode | 'age'; rule: NiceRule; text: string; why: string };

/** The adult services whose remit is every adult: an upper age limit there keeps people out by age. */
const ALL_ADULTS: readonly ServiceKind[] = ['talking-therapies', 'crisis-home-treatment', 'community-mental-health'];

/**
 * The service's NICE NG225 conflicts: each criterion that keeps people out, or lets only some in,
 * on grounds the guideline says must not decide access, and an age limit beyond the service's remit.
 */
export function niceConflicts(s: Pick<Service, 'criteria' | 'ages' | 'kind'>): Conflict[] {
  const found: Conflict[] = [];
  for (const c of s.criteria) {
    const rule = c.kind === 'exclusion' ? criteria[c.code].excluding : criteria[c.code].requiring;
    if (rule)
      found.push({
        code: c.code,
        rule,
        text: niceRules[rule],
        why: `${c.kind === 'exclusion' ? 'Excludes' : 'Takes only'}: ${criterionInSentence(c.code)}`,
      });
  }
  if (ALL_ADULTS.includes(s.kind) && s.ages.max !== null && s.ages.max < 120)
    found.push({ code: 'age', rule: 'age', text: niceRules.age, why: `Takes no one over ${s.ages.max}` });
  return found;
}

/** The largest directory file an import reads (page or command line): 5,000 services are about 25 MB. */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;

export type ServiceProblem = { field: string; message: string };

const odsPattern = /^[A-Z0-9]{3,6}$/;
/** A postcode district: the outward code, "M8", "WN5", "SW1A". */
export const districtPattern = /^[A-Z]{1,2}[0-9][A-Z0-9]?$/;
const practicePattern = /^[A-Z][0-9]{5}$/;

/** A service's rules beyond the shape of each field: the age range the right way up, known codes, a way to refer. */
export function checkService(s: Service): ServiceProblem[] {
  const problems: ServiceProblem[] = [];
  if (!odsPattern.test(s.providerOds))
    problems.push({ field: 'providerOds', message: 'Enter the provider’s ODS code, like RW4 or Y02345' });
  if (s.ages.min !== null && s.ages.max !== null && s.ages.min > s.ages.max)
    problems.push({ field: 'ageMax', message: 'The oldest age must be the same as or more than the youngest' });
  for (const d of s.catchment.districts)
    if (!districtPattern.test(d))
      problems.push({
        field: 'districts',
        message: `“${d}” is not a postcode district: use the first half of a postcode, like M8`,
      });
  if (new Set(s.catchment.districts).size !== s.catchment.districts.length)
    problems.push({ field: 'districts', message: 'Each postcode district is listed once' });
  for (const p of s.catchment.practices)
    if (!practicePattern.test(p))
      problems.push({ field: 'practices', message: `“${p}” is not a GP practice ODS code, like P84001` });
  const seen = new Set<string>();
  for (const c of s.criteria) {
    if (!isCriterionCode(c.code))
      problems.push({ field: 'criteria', message: `“${c.code}” is not one of Onward’s criteria` });
    const key = `${c.kind}:${c.code}`;
    if (seen.has(key))
      problems.push({ field: 'criteria', message: `${criteria[c.code]?.text ?? c.code} is listed twice` });
    seen.add(key);
  }
  if (s.route === 'secure-email' && !s.secureEmail)
    problems.push({ field: 'secureEmail', message: 'Enter the secure email address referrals go to' });
  if (s.route === 'phone' && !s.phone)
    problems.push({ field: 'phone', message: 'Enter the phone number referrals go to' });
  return problems;
}

/** The postcode district of a full postcode: "M8 1AA" → "M8". */
export function districtOf(postcode: string): string {
  return postcode.trim().toUpperCase().split(/\s+/)[0] ?? '';
}

/** Whether a person living at this postcode, registered with this practice, is in the service's area. */
export function inCatchment(
  s: Pick<Service, 'catchment'>,
  where: { postcode: string | null; gpPracticeOds: string | null },
): boolean {
  const { districts, practices } = s.catchment;
  if (districts.length === 0 && practices.length === 0) return true;
  if (where.postcode && districts.includes(districtOf(where.postcode))) return true;
  return where.gpPracticeOds !== null && practices.includes(where.gpPracticeOds);
}
