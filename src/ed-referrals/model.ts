import type { Sex } from '../patients/model.ts';
import { compareNames, normalisePostcode } from '../patients/trace/model.ts';

// The front door: a person referred by the emergency department is found (traced, or registered
// as untraced after a check for a record of them already), then taken into the team's care by a
// recorded decision. The care relationship is the legitimate relationship that lets the team see
// the record (as NHS smartcard "self-claimed" relationships are): who started it, when, why, and
// how the person was found are kept, audited and shown to the team manager.

/** Why the team is taking the person into care: the relationship that lets them see the record. */
export const careStartReasons = {
  'ed-referral': 'Referred by the emergency department',
  'ward-referral': 'Referred by a hospital ward',
  returned: 'Came back to the team',
  other: 'Another reason',
} as const;
export type CareStartReason = keyof typeof careStartReasons;

/** How the record the team took on was found. */
export const foundByNames = {
  trace: 'Traced',
  'existing-record': 'Chosen from possible duplicates',
  'registered-untraced': 'Registered as untraced',
} as const;
export type FoundBy = keyof typeof foundByNames;

export const START_REASON_MAX = 2000;

export type CareStart = { teamId: string; reason: CareStartReason; reasonText: string };

export function checkCareStart(s: CareStart, myTeamIds: readonly string[]): Record<string, string> {
  const issues: Record<string, string> = {};
  if (!myTeamIds.includes(s.teamId)) issues.teamId = 'Select one of your teams';
  if (s.reason === 'other' && s.reasonText.trim() === '')
    issues.reasonText = 'Say why your team is taking this person on';
  return issues;
}

// Possible duplicates. Before an untraced person is registered, Onward looks for a record of them
// already: the same NHS number; the same date of birth with a name that is the same or sounds
// alike; the same postcode with both names alike. The practitioner sees each candidate with why
// it was offered, and chooses.

export type NewPerson = {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: Sex;
  postcode: string | null;
};

export type KnownPerson = NewPerson & { nhsNumber: string | null };

export type DuplicateReason = 'same-nhs-number' | 'same-birth-and-name' | 'same-postcode-and-name';
export const duplicateReasonNames: Record<DuplicateReason, string> = {
  'same-nhs-number': 'Same NHS number',
  'same-birth-and-name': 'Same date of birth, similar name',
  'same-postcode-and-name': 'Same postcode, similar name',
};

export function duplicateReasons(
  typed: NewPerson & { nhsNumber?: string | null },
  known: KnownPerson,
): DuplicateReason[] {
  const reasons: DuplicateReason[] = [];
  if (typed.nhsNumber && typed.nhsNumber === known.nhsNumber) reasons.push('same-nhs-number');
  const family = compareNames(typed.familyName, known.familyName);
  const given = compareNames(typed.givenName, known.givenName);
  // Either name alike is enough on the same birthday: a family name changes at marriage, a given
  // name is shortened or anglicised.
  if (typed.dateOfBirth === known.dateOfBirth && (family !== 'different' || given !== 'different'))
    reasons.push('same-birth-and-name');
  if (
    typed.postcode &&
    known.postcode &&
    normalisePostcode(typed.postcode) === normalisePostcode(known.postcode) &&
    family !== 'different' &&
    given !== 'different'
  )
    reasons.push('same-postcode-and-name');
  return reasons;
}

/** The known people who may be this one, each with why; strongest first. */
export function possibleDuplicates<K extends KnownPerson>(
  typed: NewPerson & { nhsNumber?: string | null },
  known: readonly K[],
): { person: K; reasons: DuplicateReason[] }[] {
  return known
    .map((person) => ({ person, reasons: duplicateReasons(typed, person) }))
    .filter((c) => c.reasons.length > 0)
    .sort((a, b) => b.reasons.length - a.reasons.length || a.person.familyName.localeCompare(b.person.familyName));
}
