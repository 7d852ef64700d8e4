import { type DateParts, type Parsed, parseDateParts } from '#platform/forms.ts';
import { checkNhsNumber } from './model.ts';

export type PatientQuery =
  | { by: 'nhs-number'; nhsNumber: string }
  | { by: 'name'; familyName: string; givenName: string; dateOfBirth: string };

export const nhsNumberMessages = {
  empty: 'Enter an NHS number',
  'not-ten-digits': 'NHS number must be 10 digits',
  'check-digit': 'Enter a valid NHS number: this one has a wrong digit (the check digit does not match)',
} as const;

export function parseNhsNumberSearch(input: { nhsNumber: string }): Parsed<PatientQuery> {
  if (input.nhsNumber.length > 50) return { ok: false, issues: { nhsNumber: nhsNumberMessages['not-ten-digits'] } };
  const checked = checkNhsNumber(input.nhsNumber);
  if (!checked.ok) return { ok: false, issues: { nhsNumber: nhsNumberMessages[checked.problem] } };
  return { ok: true, value: { by: 'nhs-number', nhsNumber: checked.value } };
}

// Letters of any alphabet, spaces, hyphens and apostrophes: names are not only ASCII.
// The typographic apostrophe too: phones and Macs type O’Reilly by default.
export const namePattern = /^[\p{L}\p{M}'’ .-]+$/u;

export function parseNameSearch(
  input: { familyName: string; givenName: string; dateOfBirth: DateParts },
  today: string,
): Parsed<PatientQuery> {
  const issues: Record<string, string> = {};
  const familyName = input.familyName.trim();
  const givenName = input.givenName.trim();
  if (!familyName) issues.familyName = 'Enter a last name';
  else if (familyName.length > 100) issues.familyName = 'Last name must be 100 characters or fewer';
  else if (!namePattern.test(familyName))
    issues.familyName = 'Last name must only include letters, spaces, hyphens and apostrophes';
  if (givenName.length > 100) issues.givenName = 'First name must be 100 characters or fewer';
  else if (givenName && !namePattern.test(givenName))
    issues.givenName = 'First name must only include letters, spaces, hyphens and apostrophes';
  const dob = parseDateParts(input.dateOfBirth, 'Date of birth', today, 'past');
  if (!dob.ok) issues.dateOfBirth = dob.message;
  if (Object.keys(issues).length > 0 || !dob.ok) return { ok: false, issues };
  return { ok: true, value: { by: 'name', familyName, givenName, dateOfBirth: dob.value } };
}
