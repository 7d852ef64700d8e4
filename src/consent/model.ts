// Consent to share with an aftercare service (NICE NG225: share with consent). A referral can be
// written without it but not sent: what the person agreed to share, with which service, recorded
// by whom, when and how, until they withdraw it — and a withdrawal stops anything not yet sent.

export const shareable = {
  letter: 'The referral letter',
  assessment: 'The psychosocial assessment',
  'care-plan': 'The care plan',
  'safety-plan': 'The safety plan',
} as const;
export type Shareable = keyof typeof shareable;
export const isShareable = (s: string): s is Shareable => Object.hasOwn(shareable, s);

export const consentWays = {
  'in-person': 'Said so in person',
  phone: 'Said so on the phone',
  written: 'In writing',
} as const;
export type ConsentWay = keyof typeof consentWays;

export const REASON_MAX = 2000;

export type Consent = {
  serviceId: string;
  shares: Shareable[];
  way: ConsentWay;
  givenOn: string;
  withdrawnAt: Date | null;
};

export type ConsentProblem = { field: 'shares' | 'givenOn'; message: string };

/** Consent names what may be shared (the letter always: a referral is a letter), and a day not in the future. */
export function checkConsent(c: Pick<Consent, 'shares' | 'givenOn'>, today: string): ConsentProblem[] {
  const problems: ConsentProblem[] = [];
  if (c.shares.length === 0) problems.push({ field: 'shares', message: 'Select what the person agreed to share' });
  else if (!c.shares.includes('letter'))
    problems.push({
      field: 'shares',
      message: 'A referral is a letter: the person must agree to the letter being shared',
    });
  if (c.givenOn > today)
    problems.push({ field: 'givenOn', message: 'The day they agreed must be today or in the past' });
  return problems;
}

/**
 * What may be sent to a service now: the items of its consent still in force (none once withdrawn).
 * Anything not listed stays with the hospital.
 */
export function mayShare(consents: readonly Consent[], serviceId: string): Set<Shareable> {
  const current = consents.filter((c) => c.serviceId === serviceId && c.withdrawnAt === null);
  return new Set(current.flatMap((c) => c.shares));
}
