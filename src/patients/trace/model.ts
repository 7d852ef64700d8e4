import { doubleMetaphone } from 'double-metaphone';
import type { Sex } from '../model.ts';

// Tracing a person against the population the organisation may see, in the shape of the NHS
// Personal Demographics Service's FHIR API: a Patient search by NHS number, or by family name,
// given name, sex, date of birth and postcode, answering a searchset Bundle whose entries carry a
// match score from 0 to 1. The embedded population register and a real PDS client both answer in
// that shape, so the front door does not know which one it is talking to.

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/** The most matches a trace returns: PDS's `_max-results` allows 1 to 50. */
export const MAX_TRACE_RESULTS = 10;

export type TraceQuery =
  | { by: 'nhs-number'; nhsNumber: string }
  | {
      by: 'demographics';
      familyName: string;
      givenName: string;
      dateOfBirth: string;
      sex: Sex;
      postcode: string | null;
    };

/** One person as a trace finds them: what the front door shows and keeps. */
export type TracedPerson = {
  nhsNumber: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: Sex;
  postcode: string | null;
  gpPracticeOds: string | null;
  /** The number to ring, as the service holds it (Patient.telecom); absent where it holds none. */
  phone?: string | null;
};

export type TraceMatch = { person: TracedPerson; score: number };

/**
 * The one seam between Onward and a demographics service, in the shape of the NHS Personal
 * Demographics Service's FHIR API: read a Patient by NHS number, search Patients by PDS's own
 * parameters. The embedded population register and the PDS client both implement it.
 */
export type DemographicsService = {
  /** What the practitioner is told the trace was made against. */
  readonly name: string;
  read(nhsNumber: string): Promise<FhirPatient | undefined>;
  search(params: URLSearchParams): Promise<SearchBundle>;
};

/** The service that could not answer (unreachable, timed out, refused Onward's credentials). */
export class DemographicsUnavailable extends Error {}

/** A name as it is compared: lower case, accents and punctuation gone ("O'Brien-Smith" → "obriensmith"). */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}]/gu, '');
}

/** A postcode as the register keeps it: capitals, one space before the last three characters. */
export function normalisePostcode(postcode: string): string {
  const compact = postcode.toUpperCase().replace(/\s+/g, '');
  return compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}

/** Whether two names sound alike (Double Metaphone: "Smith" and "Smyth", "Catherine" and "Kathryn"). */
export function soundAlike(a: string, b: string): boolean {
  const na = normaliseName(a);
  const nb = normaliseName(b);
  if (na === '' || nb === '') return false;
  if (na === nb) return true;
  const [pa, sa] = doubleMetaphone(na);
  const [pb, sb] = doubleMetaphone(nb);
  return pa === pb || pa === sb || sa === pb || (sa !== '' && sa === sb);
}

export type NameMatch = 'same' | 'sounds-alike' | 'different';

export function compareNames(a: string, b: string): NameMatch {
  if (normaliseName(a) === normaliseName(b)) return 'same';
  return soundAlike(a, b) ? 'sounds-alike' : 'different';
}

/**
 * How closely a person on the register matches a demographic query, from 0 to 1, as PDS scores
 * its fuzzy matches: the share of the details given that agree, weighted (family name most, then
 * given name, sex, postcode). 1 only when every detail given is the same; a name that only sounds
 * alike, a different sex or another postcode each lowers it. Someone whose family name differs is
 * a candidate only when the given name was typed and agrees (a name changed at marriage) — never
 * on date of birth and sex alone, which would show strangers' details to the person tracing.
 */
export function matchScore(query: Extract<TraceQuery, { by: 'demographics' }>, person: TracedPerson): number {
  if (person.dateOfBirth !== query.dateOfBirth) return 0;
  const family = compareNames(query.familyName, person.familyName);
  const given = query.givenName ? compareNames(query.givenName, person.givenName) : null;
  if (family === 'different' && (given === null || given === 'different')) return 0;
  let earned = family === 'same' ? 0.5 : family === 'sounds-alike' ? 0.35 : 0;
  let possible = 0.5;
  if (given !== null) {
    earned += given === 'same' ? 0.25 : given === 'sounds-alike' ? 0.15 : 0;
    possible += 0.25;
  }
  possible += 0.15;
  if (query.sex === person.sex) earned += 0.15;
  if (query.postcode) {
    possible += 0.1;
    if (person.postcode && normalisePostcode(query.postcode) === person.postcode) earned += 0.1;
    else if (person.postcode && outcode(query.postcode) === outcode(person.postcode)) earned += 0.05;
  }
  return Math.floor((earned / possible) * 100 + 1e-9) / 100;
}

export const MIN_SCORE = 0.5;

function outcode(postcode: string): string {
  return normalisePostcode(postcode).split(' ')[0]!;
}

/** What the practitioner is told about a score: PDS's own bands, in words. */
export function confidenceOf(score: number): { text: string; colour: 'green' | 'yellow' | 'orange' } {
  if (score >= 1) return { text: 'Exact match', colour: 'green' };
  if (score >= 0.9) return { text: 'Close match', colour: 'yellow' };
  return { text: 'Possible match: check with the person', colour: 'orange' };
}

/** Best first; a tie goes to the family name, so the order is the same every time. */
export function rankMatches(matches: TraceMatch[]): TraceMatch[] {
  return [...matches]
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.person.familyName.localeCompare(b.person.familyName) ||
        a.person.givenName.localeCompare(b.person.givenName) ||
        (a.person.nhsNumber ?? '').localeCompare(b.person.nhsNumber ?? ''),
    )
    .slice(0, MAX_TRACE_RESULTS);
}

// The FHIR shape: a UK Core Patient and a searchset Bundle, as PDS answers.

export type FhirPatient = {
  resourceType: 'Patient';
  id: string;
  identifier?: { system: string; value: string }[];
  name?: { use?: string; family?: string; given?: string[] }[];
  gender?: 'male' | 'female' | 'other' | 'unknown';
  birthDate?: string;
  address?: { use?: string; postalCode?: string }[];
  generalPractitioner?: { type?: string; identifier?: { system: string; value: string } }[];
  telecom?: { system?: string; value?: string; use?: string }[];
};

export type SearchBundle = {
  resourceType: 'Bundle';
  type: 'searchset';
  total: number;
  entry?: { fullUrl?: string; search?: { score?: number }; resource: FhirPatient }[];
};

const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

export function toFhirPatient(p: TracedPerson, id: string): FhirPatient {
  return {
    resourceType: 'Patient',
    id: p.nhsNumber ?? id,
    ...(p.nhsNumber ? { identifier: [{ system: NHS_NUMBER_SYSTEM, value: p.nhsNumber }] } : {}),
    name: [{ use: 'usual', family: p.familyName, given: [p.givenName] }],
    gender: p.sex,
    birthDate: p.dateOfBirth,
    ...(p.postcode ? { address: [{ use: 'home', postalCode: p.postcode }] } : {}),
    ...(p.gpPracticeOds
      ? { generalPractitioner: [{ type: 'Organization', identifier: { system: ODS_SYSTEM, value: p.gpPracticeOds } }] }
      : {}),
    ...(p.phone ? { telecom: [{ system: 'phone', value: p.phone, use: 'mobile' }] } : {}),
  };
}

const postcodePattern = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;
const gpPattern = /^[A-Z][0-9]{5}$/;
/** A UK or international number as Onward keeps it: digits and spaces, an optional leading +. */
export const phonePattern = /^\+?[0-9 ]{7,20}$/;

/**
 * A Patient from a demographics service, as Onward keeps it; undefined when it lacks what a
 * record needs (a name, a date of birth). A detail in a shape Onward does not store (an overseas
 * postcode, a practice code of another kind) is left out, not guessed at.
 */
export function fromFhirPatient(r: FhirPatient): TracedPerson | undefined {
  const name = r.name?.find((n) => n.use === 'usual' || n.use === 'official') ?? r.name?.[0];
  const familyName = name?.family?.trim();
  const givenName = name?.given?.join(' ').trim();
  if (!familyName || !givenName || !r.birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(r.birthDate)) return undefined;
  const nhsNumber = r.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value ?? null;
  const postcode = r.address?.find((a) => a.use === 'home')?.postalCode ?? r.address?.[0]?.postalCode;
  const gp = r.generalPractitioner?.[0]?.identifier?.value;
  const tidy = postcode ? normalisePostcode(postcode) : null;
  // A phone the person is not to be rung on (an old one) has a period that ended; any phone will do otherwise.
  const phone = r.telecom?.find((t) => t.system === 'phone' && t.value)?.value?.trim();
  return {
    nhsNumber: nhsNumber && /^[0-9]{10}$/.test(nhsNumber) ? nhsNumber : null,
    givenName: givenName.slice(0, 100),
    familyName: familyName.slice(0, 100),
    dateOfBirth: r.birthDate,
    sex: r.gender ?? 'unknown',
    postcode: tidy && postcodePattern.test(tidy) ? tidy : null,
    gpPracticeOds: gp && gpPattern.test(gp) ? gp : null,
    phone: phone && phonePattern.test(phone) ? phone : null,
  };
}

export function bundleOf(matches: TraceMatch[], idOf: (p: TracedPerson, i: number) => string): SearchBundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    entry: matches.map((m, i) => ({
      search: { score: m.score },
      resource: toFhirPatient(m.person, idOf(m.person, i)),
    })),
  };
}

export function matchesOf(bundle: SearchBundle): TraceMatch[] {
  return (bundle.entry ?? []).flatMap((e) => {
    const person = fromFhirPatient(e.resource);
    return person ? [{ person, score: typeof e.search?.score === 'number' ? e.search.score : 1 }] : [];
  });
}

/** PDS's search parameters for a query, as the real service and the stand-in both take them. */
export function searchParams(q: Extract<TraceQuery, { by: 'demographics' }>): URLSearchParams {
  const params = new URLSearchParams();
  params.set('_fuzzy-match', 'true');
  params.set('family', q.familyName);
  if (q.givenName) params.set('given', q.givenName);
  params.set('gender', q.sex);
  params.set('birthdate', `eq${q.dateOfBirth}`);
  if (q.postcode) params.set('address-postalcode', q.postcode);
  params.set('_max-results', String(MAX_TRACE_RESULTS));
  return params;
}

const sexValues: readonly string[] = ['male', 'female', 'other', 'unknown'];

/** The other way: a search's parameters as a query, or undefined when PDS would refuse them. */
export function queryFromParams(params: URLSearchParams): Extract<TraceQuery, { by: 'demographics' }> | undefined {
  const familyName = params.get('family')?.trim();
  const birth = /^eq(\d{4}-\d{2}-\d{2})$/.exec(params.get('birthdate') ?? '');
  const sex = params.get('gender') ?? 'unknown';
  if (!familyName || !birth || !sexValues.includes(sex)) return undefined;
  return {
    by: 'demographics',
    familyName,
    givenName: params.get('given')?.trim() ?? '',
    dateOfBirth: birth[1]!,
    sex: sex as Sex,
    postcode: params.get('address-postalcode')?.trim() || null,
  };
}
