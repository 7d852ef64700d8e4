import { z } from 'zod';
import { auditAction } from '#platform/audit/store.ts';
import type { Clock } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { Conflict, Invalid, NotFound, refuseProblems } from '#platform/errors.ts';
import type { Actor } from '#platform/http/pages.ts';
import { decodeCursor, PAGE_SIZE, pageOf } from '#platform/worklist.ts';
import { checkService, niceConflicts, type Service } from './model.ts';
import { openReferralList, serviceFromOpenReferral, servicesInFile, serviceToOpenReferral } from './open-referral.ts';
import * as store from './store.ts';

// The directory's use cases: administrators create and edit services, each save a kept version
// with who and why; everyone who refers reads them, with their NICE conflicts worked out.

export async function createService(actor: Actor, s: Service): Promise<string> {
  refuseProblems(checkService(s));
  const now = actor.clock.now();
  return actor.db.transaction().execute(async (tx) => {
    const id = await store.insertService(tx, s, actor.user.id, now);
    await store.keepServiceVersion(tx, {
      serviceId: id,
      version: 1,
      service: s,
      reason: 'Added to the directory',
      by: actor.user.id,
      at: now,
    });
    await auditAction(tx, actor, null, 'ok', { service: id, version: 1 });
    return id;
  });
}

/**
 * Save a service over the version the administrator opened, saying why. Two administrators at
 * once: the second is told the service has changed since they opened it, and nothing of theirs is written.
 */
export async function editService(actor: Actor, id: string, openedVersion: number, s: Service, reason: string) {
  if (reason.trim() === '') throw new Invalid({ reason: 'Say why you are changing this service' });
  refuseProblems(checkService(s));
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    if (!(await store.findService(tx, id))) throw new NotFound('There is no such service in the directory.');
    const saved = await store.updateService(tx, id, openedVersion, s, actor.user.id, now);
    if (!saved)
      throw new Conflict(
        'Someone else has saved this service since you opened it. Open it again to see their changes, then make yours.',
        'stale-version',
      );
    await store.keepServiceVersion(tx, {
      serviceId: id,
      version: openedVersion + 1,
      service: s,
      reason,
      by: actor.user.id,
      at: now,
    });
    await auditAction(tx, actor, null, 'ok', { service: id, version: openedVersion + 1 });
  });
}

export async function openService(actor: Actor, id: string) {
  const service = await store.findService(actor.db, id);
  if (!service) throw new NotFound('There is no such service in the directory.');
  return { service, conflicts: niceConflicts(service), versions: await store.versionsOfService(actor.db, id) };
}

const cursor = z.tuple([z.string().max(200), z.uuid()]);

/** A page of the directory by name, each service with its NICE conflicts. */
export async function directoryPage(actor: Actor, after: string | undefined, filter: store.DirectoryFilter = {}) {
  const rows = await store.servicesByName(actor.db, PAGE_SIZE + 1, decodeCursor(after, cursor), filter);
  const page = pageOf(rows, PAGE_SIZE, (r) => [r.nameKey, r.id]);
  return { ...page, items: page.items.map((s) => ({ ...s, conflicts: niceConflicts(s) })) };
}

/** The whole directory, for an export (fhir/directory.ts). */
export async function everyService(db: Db) {
  return store.allServices(db);
}

/** Services added together, each as its version 1 with the reason given: all or none (an import). */
export async function addServices(
  deps: { db: Db; clock: Clock },
  by: { id: string; role: string },
  services: readonly Service[],
  reason: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    for (const s of services) {
      const id = await store.insertService(tx, s, by.id, now);
      await store.keepServiceVersion(tx, { serviceId: id, version: 1, service: s, reason, by: by.id, at: now });
    }
    await auditAction(tx, { clock: deps.clock, user: by, action: 'directory.import' }, null, 'ok', {
      imported: services.length,
    });
  });
}

export type ImportResult = { ok: true; imported: number } | { ok: false; problems: string[] };

/**
 * Import services in the Open Referral UK shape (the profile's list response, an array, or one
 * service): every service read and checked first, naming every problem of every one, and nothing
 * written unless all are good.
 */
export async function importOpenReferral(
  deps: { db: Db; clock: Clock },
  by: { id: string; role: string },
  json: unknown,
): Promise<ImportResult> {
  const raw = servicesInFile(json);
  if (!raw) return { ok: false, problems: ['The file is not an Open Referral UK service list, array or service'] };
  const problems: string[] = [];
  const services: Service[] = [];
  for (const [i, entry] of raw.entries()) {
    const name = (entry as { name?: unknown } | null)?.name;
    const label = `Service ${i + 1}${typeof name === 'string' && name ? ` (${name.slice(0, 80)})` : ''}`;
    const read = serviceFromOpenReferral(entry);
    if (!read.ok) {
      problems.push(...read.problems.map((p) => `${label}: ${p}`));
      continue;
    }
    const rules = checkService(read.service);
    problems.push(...rules.map((p) => `${label}: ${p.message}`));
    if (rules.length === 0) services.push(read.service);
  }
  if (raw.length === 0) problems.push('The file has no services in it');
  if (problems.length > 0) return { ok: false, problems };
  await addServices(deps, by, services, 'Imported (Open Referral UK)');
  return { ok: true, imported: services.length };
}

/** The whole directory as the Open Referral UK list response, each provider named where Onward knows it. */
export async function exportOpenReferral(db: Db) {
  const services = await store.allServices(db);
  const names = await store.organisationNames(db, [...new Set(services.map((s) => s.providerOds))]);
  return openReferralList(services.map((s) => serviceToOpenReferral(s, names.get(s.providerOds) ?? null)));
}
