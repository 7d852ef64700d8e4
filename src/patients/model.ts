import { ageOn } from '#platform/clock.ts';
// Patients: identity and demographics, with the rules that need no database.

export type Sex = 'male' | 'female' | 'other' | 'unknown';
export const sexes: readonly Sex[] = ['male', 'female', 'other', 'unknown'];
export const sexNames: Record<Sex, string> = {
  male: 'Male',
  female: 'Female',
  other: 'Other',
  unknown: 'Not known',
};

/** NHS Data Dictionary ETHNIC CATEGORY (2001 census classification, still the national standard). */
export const ethnicCategories = {
  A: 'White - British',
  B: 'White - Irish',
  C: 'White - Any other White background',
  D: 'Mixed - White and Black Caribbean',
  E: 'Mixed - White and Black African',
  F: 'Mixed - White and Asian',
  G: 'Mixed - Any other mixed background',
  H: 'Asian or Asian British - Indian',
  J: 'Asian or Asian British - Pakistani',
  K: 'Asian or Asian British - Bangladeshi',
  L: 'Asian or Asian British - Any other Asian background',
  M: 'Black or Black British - Caribbean',
  N: 'Black or Black British - African',
  P: 'Black or Black British - Any other Black background',
  R: 'Other ethnic groups - Chinese',
  S: 'Other ethnic groups - Any other ethnic group',
  Z: 'Not stated',
  '99': 'Not known',
} as const;
export type EthnicCategory = keyof typeof ethnicCategories;

export type Patient = {
  id: string;
  nhsNumber: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: Sex;
  ethnicCategory: EthnicCategory;
  postcode: string | null;
  imdDecile: number | null;
  gpPracticeOds: string | null;
  version: number;
  /** Traced on the demographics service, or registered untraced and not yet confirmed. */
  identity: 'traced' | 'unverified';
  /** The record this one was merged into, if it was: its contents now live there. */
  mergedInto: string | null;
  /** The number to ring, from the demographics service when traced. */
  phone?: string | null;
};

/**
 * The Modulus 11 check digit of an NHS number's first nine digits, or null when the
 * remainder gives 10 (such a number is never issued).
 */
export function nhsCheckDigit(firstNine: string): number | null {
  let total = 0;
  for (let i = 0; i < 9; i++) total += Number(firstNine[i]) * (10 - i);
  const check = 11 - (total % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** People type NHS numbers with spaces or dashes ("943 476 5919"); keep only the digits' shape. */
export function normaliseNhsNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export type NhsNumberProblem = 'empty' | 'not-ten-digits' | 'check-digit';

export function checkNhsNumber(input: string): { ok: true; value: string } | { ok: false; problem: NhsNumberProblem } {
  const value = normaliseNhsNumber(input);
  if (value === '') return { ok: false, problem: 'empty' };
  if (!/^[0-9]{10}$/.test(value)) return { ok: false, problem: 'not-ten-digits' };
  const check = nhsCheckDigit(value.slice(0, 9));
  if (check === null || check !== Number(value[9])) return { ok: false, problem: 'check-digit' };
  return { ok: true, value };
}

export function isValidNhsNumber(input: string): boolean {
  return checkNhsNumber(input).ok;
}

/** "999 123 4560": the way NHS numbers are shown, in 3-3-4 groups. */
export function formatNhsNumber(nhsNumber: string): string {
  return `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
}

export function fullName(p: Pick<Patient, 'givenName' | 'familyName'>): string {
  return `${p.givenName} ${p.familyName}`;
}

/** "SMITH, Jane": the form NHS records use in banners so the family name cannot be misread. */
export function bannerName(p: Pick<Patient, 'givenName' | 'familyName'>): string {
  return `${p.familyName.toUpperCase()}, ${p.givenName}`;
}

/** What every patient page shows at the top, so nobody acts on the wrong person's record. */
export function bannerOf(p: Patient, now: Date) {
  return {
    id: p.id,
    name: bannerName(p),
    nhsNumber: p.nhsNumber ? formatNhsNumber(p.nhsNumber) : 'Not known',
    dateOfBirth: p.dateOfBirth,
    age: ageOn(p.dateOfBirth, now),
    sex: sexNames[p.sex],
    unverified: p.identity === 'unverified',
  };
}
