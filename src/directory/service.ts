import { z } from 'zod';
import { auditAction } from '#platform/audit/store.ts';
import type { Clock } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { Conflict, Invalid, NotFound, refuseProblems } from '#platform/errors.ts';
import type { Actor } from '#platform/http/pages.ts';
import { decodeCursor, PAGE_SIZE, pageOf } from '#platform/worklist.ts';
import { checkService, niceConflicts, type Service } from './model.ts';
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
