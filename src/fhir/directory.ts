import type { HealthcareService } from '@medplum/fhirtypes';
import type { Clock } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { checkService, type Service } from '../directory/model.ts';
import { addServices, everyService, type ImportResult, importOpenReferral } from '../directory/service.ts';
import { r4Problems, serviceFromFhir, serviceToFhir } from './healthcare-service.ts';

// The directory in and out as FHIR R4: the whole directory as a Bundle of HealthcareService, and an
// import that is all or nothing, reporting every problem with every entry at once.

/** The whole directory as a FHIR collection Bundle. */
export async function exportDirectory(db: Db) {
  const services = await everyService(db);
  return {
    resourceType: 'Bundle' as const,
    type: 'collection' as const,
    entry: services.map((s) => ({ resource: serviceToFhir(s, s.id) })),
  };
}

/**
 * Import a Bundle of HealthcareService: every entry read and checked first, and nothing written
 * unless all of them are good; then all are added in one transaction, each as its version 1.
 */
export async function importDirectory(
  deps: { db: Db; clock: Clock },
  by: { id: string; role: string },
  bundle: unknown,
): Promise<ImportResult> {
  const b = bundle as { resourceType?: unknown; entry?: unknown };
  if (typeof b !== 'object' || b === null || b.resourceType !== 'Bundle' || !Array.isArray(b.entry))
    return { ok: false, problems: ['The file is not a FHIR Bundle with entries'] };
  const problems: string[] = [];
  const services: Service[] = [];
  for (const [i, entry] of (b.entry as { resource?: HealthcareService }[]).entries()) {
    const r = entry?.resource;
    const label = `Entry ${i + 1}${typeof r?.name === 'string' ? ` (${r.name})` : ''}`;
    if (r?.resourceType !== 'HealthcareService') {
      problems.push(`${label}: is not a HealthcareService`);
      continue;
    }
    // Read only what is valid FHIR R4: a wrong type anywhere is named and the entry goes no further.
    const invalid = r4Problems(r);
    if (invalid.length > 0) {
      problems.push(...invalid.map((p) => `${label}: ${p}`));
      continue;
    }
    const read = serviceFromFhir(r);
    if (!read.ok) {
      problems.push(...read.problems.map((p) => `${label}: ${p}`));
      continue;
    }
    const rules = checkService(read.service);
    problems.push(...rules.map((p) => `${label}: ${p.message}`));
    if (rules.length === 0) services.push(read.service);
  }
  if (problems.length > 0) return { ok: false, problems };
  await addServices(deps, by, services, 'Imported');
  return { ok: true, imported: services.length };
}

/**
 * Import a directory file in either shape Onward reads: a FHIR Bundle says what it is; anything else
 * is read as Open Referral UK. The command line and the import page both come here.
 */
export async function importDirectoryFile(
  deps: { db: Db; clock: Clock },
  by: { id: string; role: string },
  json: unknown,
): Promise<ImportResult> {
  return (json as { resourceType?: unknown } | null)?.resourceType === 'Bundle'
    ? importDirectory(deps, by, json)
    : importOpenReferral(deps, by, json);
}
