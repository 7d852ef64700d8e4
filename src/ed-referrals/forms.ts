import { z } from 'zod';
import { type DateParts, dateField, dateParts, formParser, type Parsed, proseText, text } from '#platform/forms.ts';
import { namePattern, nhsNumberMessages } from '../patients/forms.ts';
import { checkNhsNumber, type Sex, sexes } from '../patients/model.ts';
import { normalisePostcode, type TraceQuery } from '../patients/trace/model.ts';
import { type CareStart, type CareStartReason, careStartReasons, type NewPerson, START_REASON_MAX } from './model.ts';

// The front door's forms: a trace (by NHS number, or by a person's details), the decision to take
// someone into care, and the details of someone who cannot be traced.

export type PersonAnswers = {
  familyName: string;
  givenName: string;
  dateOfBirth: DateParts;
  sex: string;
  postcode: string;
};

export type TraceAnswers = PersonAnswers & { by: string; nhsNumber: string };

export type StartAnswers = { teamId: string; reason: string; reasonText: string };

export function personAnswers(body: unknown): PersonAnswers {
  return {
    familyName: text(body, 'familyName'),
    givenName: text(body, 'givenName'),
    dateOfBirth: dateParts(body, 'dateOfBirth'),
    sex: text(body, 'sex'),
    postcode: text(body, 'postcode'),
  };
}

export function traceAnswers(body: unknown): TraceAnswers {
  return { by: text(body, 'by'), nhsNumber: text(body, 'nhsNumber'), ...personAnswers(body) };
}

export function startAnswers(body: unknown): StartAnswers {
  return { teamId: text(body, 'teamId'), reason: text(body, 'reason'), reasonText: text(body, 'reasonText') };
}

const name = (label: string, required: boolean) =>
  z
    .string()
    .transform((v) => v.trim())
    .refine((v) => !required || v !== '', { message: `Enter the person’s ${label}` })
    .refine((v) => v.length <= 100, { message: `The ${label} must be 100 characters or fewer` })
    .refine((v) => v === '' || namePattern.test(v), {
      message: `The ${label} must only include letters, spaces, hyphens and apostrophes`,
    });

const postcodePattern = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;

const postcode = z
  .string()
  .max(20, { message: 'Enter a real postcode, like LS1 4AP' })
  .transform((v) => (v.trim() === '' ? null : normalisePostcode(v)))
  .refine((v) => v === null || postcodePattern.test(v), { message: 'Enter a real postcode, like LS1 4AP' });

const sex = z.enum(sexes as [Sex, ...Sex[]], { message: 'Select the person’s sex' });

function personSchema(today: string, givenRequired: boolean) {
  return z.object({
    familyName: name('last name', true),
    givenName: name('first name', givenRequired),
    dateOfBirth: dateField('Date of birth', today, 'past'),
    sex,
    postcode,
  });
}

export function parseTrace(a: TraceAnswers, today: string): Parsed<TraceQuery> {
  if (a.by === 'nhs-number') {
    const checked =
      a.nhsNumber.length > 50
        ? { ok: false as const, problem: 'not-ten-digits' as const }
        : checkNhsNumber(a.nhsNumber);
    if (!checked.ok) return { ok: false, issues: { nhsNumber: nhsNumberMessages[checked.problem] } };
    return { ok: true, value: { by: 'nhs-number', nhsNumber: checked.value } };
  }
  if (a.by !== 'demographics') return { ok: false, issues: { by: 'Select how to trace the person' } };
  const parsed = formParser(personSchema(today, false))(a);
  return parsed.ok ? { ok: true, value: { by: 'demographics', ...parsed.value } } : parsed;
}

/** An untraced person's details: both names are needed to register a record. */
export function parsePerson(a: PersonAnswers, today: string): Parsed<NewPerson> {
  return formParser(personSchema(today, true))(a);
}

const reasons = Object.keys(careStartReasons) as [CareStartReason, ...CareStartReason[]];

export function parseStart(a: StartAnswers): Parsed<CareStart> {
  return formParser(
    z.object({
      teamId: z
        .string()
        .max(100)
        .transform((v) => v.toLowerCase()),
      reason: z.enum(reasons, { message: 'Select why your team is taking this person on' }),
      reasonText: proseText('The reason', START_REASON_MAX),
    }),
  )(a);
}

/** The NHS number a "take into care" button carries: checked as any typed one is. */
export function parseChosenNumber(body: unknown): string | undefined {
  const checked = checkNhsNumber(text(body, 'nhsNumber').slice(0, 50));
  return checked.ok ? checked.value : undefined;
}
