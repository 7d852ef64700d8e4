import type { Db } from '#platform/db/schema.ts';
import type { Sex } from '../model.ts';
import {
  bundleOf,
  type DemographicsService,
  MIN_SCORE,
  matchScore,
  queryFromParams,
  rankMatches,
  type SearchBundle,
  type TracedPerson,
  toFhirPatient,
} from './model.ts';

// The embedded population register: the demo Integrated Care System's people, answering as the
// national demographics service would. A search reads everyone born that day (an index, a few
// dozen rows even among a million people) and scores the names and postcode in the model.

const columns = [
  'id',
  'nhs_number',
  'given_name',
  'family_name',
  'date_of_birth',
  'sex',
  'postcode',
  'gp_practice_ods',
  'phone',
] as const;

type Row = {
  id: string;
  nhs_number: string | null;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  sex: string;
  postcode: string | null;
  gp_practice_ods: string | null;
  phone: string | null;
};

function toPerson(r: Row): TracedPerson {
  return {
    nhsNumber: r.nhs_number,
    givenName: r.given_name,
    familyName: r.family_name,
    dateOfBirth: r.date_of_birth,
    sex: r.sex as Sex,
    postcode: r.postcode,
    gpPracticeOds: r.gp_practice_ods,
    phone: r.phone,
  };
}

/** How many people born on one day the search reads at most: a guard, far above any real day's count. */
const BORN_SAME_DAY_LIMIT = 2000;

export async function registerByNhsNumber(db: Db, nhsNumber: string): Promise<TracedPerson | undefined> {
  const row = await db
    .selectFrom('population_register')
    .select(columns)
    .where('nhs_number', '=', nhsNumber)
    .executeTakeFirst();
  return row && toPerson(row);
}

export async function registerBornOn(db: Db, dateOfBirth: string): Promise<TracedPerson[]> {
  const rows = await db
    .selectFrom('population_register')
    .select(columns)
    .where('date_of_birth', '=', dateOfBirth)
    .limit(BORN_SAME_DAY_LIMIT)
    .execute();
  return rows.map(toPerson);
}

/** The register behind the same seam as PDS: a Patient read by NHS number, and a scored search. */
export function populationRegister(db: Db): DemographicsService {
  return {
    name: 'the population register',
    async read(nhsNumber) {
      const person = await registerByNhsNumber(db, nhsNumber);
      return person && toFhirPatient(person, nhsNumber);
    },
    async search(params): Promise<SearchBundle> {
      const query = queryFromParams(params);
      if (!query) return { resourceType: 'Bundle', type: 'searchset', total: 0 };
      const scored = (await registerBornOn(db, query.dateOfBirth))
        .map((person) => ({ person, score: matchScore(query, person) }))
        .filter((m) => m.score >= MIN_SCORE);
      return bundleOf(rankMatches(scored), (p, i) => p.nhsNumber ?? `unnumbered-${i}`);
    },
  };
}
