import { z } from 'zod';
import { auditAction } from '#platform/audit/store.ts';
import { ageOn, type Clock } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { Conflict, Invalid, NotFound } from '#platform/errors.ts';
import { appendEvent } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { decodeCursor, PAGE_SIZE, pageOf } from '#platform/worklist.ts';
import { finalisedAssessmentOf } from '../assessments/service.ts';
import { openPatient, requireCare } from '../patients/service.ts';
import { checkService, matchServices, type Need, niceConflicts, type Service } from './model.ts';
import * as store from './store.ts';

// The directory's use cases: administrators create and edit services, each save a kept version
// with who and why; everyone who refers reads them, with their NICE conflicts worked out.

function refuseProblems(s: Service) {
  const problems = checkService(s);
  if (problems.length > 0) {
    const issues: Record<string, string> = {};
    for (const p of problems) issues[p.field] ??= p.message;
    throw new Invalid(issues);
  }
}

export async function createService(actor: Actor, s: Service): Promise<string> {
  refuseProblems(s);
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
  refuseProblems(s);
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

// Needs-led matching for a person: the needs a practitioner confirms from a finalised assessment,
// then the directory matched against them, their age and where they live.

async function assessedPerson(actor: Actor, patientId: string, assessmentId: string, read: boolean) {
  const patient = read
    ? await openPatient(actor, patientId, { assessment: assessmentId })
    : await requireCare(actor, patientId);
  const assessment = await finalisedAssessmentOf(actor, patient, assessmentId);
  return { patient, assessment, needs: await store.needsOfAssessment(actor.db, assessmentId) };
}

/** The needs form: the assessment it is from, and the needs confirmed so far. */
export async function needsOf(actor: Actor, patientId: string, assessmentId: string) {
  return assessedPerson(actor, patientId, assessmentId, true);
}

/** The needs behind a refused form, shown again: checked, not audited as a read. */
export async function needsForForm(actor: Actor, patientId: string, assessmentId: string) {
  return assessedPerson(actor, patientId, assessmentId, false);
}

/** Confirm (or change) the person's needs from the assessment, over the version the practitioner opened. */
export async function confirmNeeds(
  actor: Actor,
  patientId: string,
  assessmentId: string,
  confirmed: { needs: Need[]; wants: string },
  openedVersion: number,
): Promise<void> {
  const { patient } = await assessedPerson(actor, patientId, assessmentId, false);
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    const saved = await store.saveNeeds(tx, {
      assessmentId,
      patientId: patient.id,
      ...confirmed,
      openedVersion,
      by: actor.user.id,
      at: now,
    });
    if (!saved)
      throw new Conflict(
        'Someone else has confirmed these needs since you opened them. Open them again to see theirs, then make your change.',
        'stale-version',
      );
    await appendEvent(tx, {
      at: now,
      userId: actor.user.id,
      patientId: patient.id,
      subjectType: 'assessment',
      subjectId: assessmentId,
      type: 'assessment.needs-confirmed',
      fromState: null,
      data: { needs: confirmed.needs, version: openedVersion + 1 },
    });
    await auditAction(tx, actor, patient.id, 'ok', { assessment: assessmentId, needs: confirmed.needs.length });
  });
}

/** The services for a person, matched to their confirmed needs: fits ranked, exclusions with why. */
export async function servicesFor(actor: Actor, patientId: string, assessmentId: string) {
  const found = await assessedPerson(actor, patientId, assessmentId, true);
  if (!found.needs) return { ...found, matched: undefined };
  const now = actor.clock.now();
  const matched = matchServices(
    {
      needs: found.needs.needs,
      age: ageOn(found.patient.dateOfBirth, now),
      postcode: found.patient.postcode,
      gpPracticeOds: found.patient.gpPracticeOds,
    },
    await store.servicesForMatching(actor.db),
  );
  return { ...found, matched };
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
