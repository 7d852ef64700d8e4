import type { Config } from '#platform/config.ts';
import type { Db } from '#platform/db/schema.ts';
import {
  type DemographicsService,
  DemographicsUnavailable,
  fromFhirPatient,
  matchesOf,
  searchParams,
  type TraceMatch,
  type TraceQuery,
} from './model.ts';
import { pdsClient } from './pds.ts';
import { populationRegister } from './register.ts';

/** The configured service: PDS when PDS_URL is set, else the embedded register in this database. */
export function demographicsService(deps: { db: Db; config: Config }): DemographicsService {
  return deps.config.pds ? pdsClient(deps.config.pds) : populationRegister(deps.db);
}

export type TraceResult =
  | { ok: true; matches: TraceMatch[]; source: string }
  | { ok: false; problem: 'unavailable'; source: string };

/** A trace, as an answer the page can act on: the matches, best first, or why there are none. */
export async function trace(service: DemographicsService, query: TraceQuery): Promise<TraceResult> {
  try {
    if (query.by === 'nhs-number') {
      const found = await service.read(query.nhsNumber);
      const person = found && fromFhirPatient(found);
      return { ok: true, matches: person ? [{ person, score: 1 }] : [], source: service.name };
    }
    return { ok: true, matches: matchesOf(await service.search(searchParams(query))), source: service.name };
  } catch (error) {
    if (error instanceof DemographicsUnavailable) return { ok: false, problem: 'unavailable', source: service.name };
    throw error;
  }
}
