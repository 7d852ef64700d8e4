import type { OpenedRecord, RecordRef } from '#platform/access/record.ts';
import { auditAction } from '#platform/audit/store.ts';
import type { Db } from '#platform/db/schema.ts';
import { runList } from '#platform/db/together.ts';
import { Conflict, NotFound } from '#platform/errors.ts';
import type { Actor } from '#platform/http/pages.ts';
import {
  findVersion,
  listVersions,
  type StaleSave,
  saveVersion,
  type VersionEntry,
  type VersionedSave,
  versionsOfPatient,
} from '#platform/versions.ts';
import { withdrawables, withdrawRecord } from '#platform/withdrawal.ts';
import type { Patient } from '../../patients/model.ts';
import { requireCare } from '../../patients/service.ts';
import type { SafetyPlanSave } from './forms.ts';
import {
  changedSections,
  emptySections,
  type SafetyPlan,
  type SectionKey,
  type Sections,
  toSections,
} from './model.ts';
import * as store from './store.ts';

// The safety plan's use cases. Every read is audited with the version read, every save keeps the
// whole version, appends an event and is audited in one transaction, and a save based on a version
// someone else has moved on from is refused with what they changed (DESIGN rule 5).

const noPlan = 'There is no safety plan for this person yet.';

export type SavedVersionEntry = Awaited<ReturnType<typeof listVersions>>[number];

/** The plan page: the current plan (or none yet) and every saved version, newest first. */
export async function openSafetyPlan(
  actor: Actor,
  patientId: string,
): Promise<{
  patient: OpenedRecord<Patient>;
  plan: SafetyPlan | null;
  versions: SavedVersionEntry[];
  withdrawn: { id: string; at: Date; byName: string }[];
}> {
  const patient = await requireCare(actor, patientId);
  const plan = (await store.findPlanOfPatient(actor.db, patientId)) ?? null;
  const versions = plan ? await listVersions(actor.db, plan.id) : [];
  const withdrawn = await runList(store.withdrawnPlansOf(actor.db, patientId));
  await auditAction(actor.db, actor, patientId, 'ok', plan ? { safetyPlan: plan.id, version: plan.version } : {});
  return { patient, plan, versions, withdrawn };
}

/**
 * The plan behind the form. Opening the form is a read of the plan, so it is audited; showing the
 * form again after a refused save is not (the refusal was audited instead).
 */
export async function safetyPlanForForm(
  actor: Actor,
  patientId: string,
  options: { audit: boolean },
): Promise<{ patient: OpenedRecord<Patient>; plan: SafetyPlan | null }> {
  const patient = await requireCare(actor, patientId);
  const plan = (await store.findPlanOfPatient(actor.db, patientId)) ?? null;
  if (options.audit) {
    await auditAction(actor.db, actor, patientId, 'ok', plan ? { safetyPlan: plan.id, version: plan.version } : {});
  }
  return { patient, plan };
}

/** One saved version, read only, with how many there are and which sections differ from the plan now. */
export async function openSafetyPlanVersion(
  actor: Actor,
  patientId: string,
  version: number,
): Promise<{
  patient: OpenedRecord<Patient>;
  plan: SafetyPlan;
  saved: { version: number; sections: Sections; savedByName: string; savedAt: Date };
  changedSince: SectionKey[];
}> {
  const patient = await requireCare(actor, patientId);
  const plan = await store.findPlanOfPatient(actor.db, patientId);
  const found = plan && (await findVersion<unknown>(actor.db, plan.id, version));
  if (!plan || !found) {
    await auditAction(actor.db, actor, patientId, 'refused', { reason: 'no-such-version', version });
    throw new NotFound(plan ? `There is no version ${version} of this safety plan.` : noPlan);
  }
  await auditAction(actor.db, actor, patientId, 'ok', { safetyPlan: plan.id, version });
  const sections = toSections(found.content);
  return {
    patient,
    plan,
    saved: { version: found.version, sections, savedByName: found.savedByName, savedAt: found.savedAt },
    changedSince: changedSections(sections, plan.sections),
  };
}

/** The person's own copy, on screen or as a PDF: a read of the current version, audited as one. */
export async function safetyPlanCopy(
  actor: Actor,
  patientId: string,
  format: 'html' | 'pdf',
): Promise<{ patient: OpenedRecord<Patient>; plan: SafetyPlan }> {
  const patient = await requireCare(actor, patientId);
  const plan = await store.findPlanOfPatient(actor.db, patientId);
  if (!plan) {
    await auditAction(actor.db, actor, patientId, 'refused', { reason: 'no-safety-plan', format });
    throw new NotFound(noPlan);
  }
  await auditAction(actor.db, actor, patientId, 'ok', { safetyPlan: plan.id, version: plan.version, format });
  return { patient, plan };
}

export type StaleSafetyPlan = StaleSave<Sections>;

export type SaveOutcome = VersionedSave<Sections>;

/**
 * Save a new version of the person's plan, based on the version the writer opened (0 when there
 * was none). If anyone else has saved since — including creating the first version at the same
 * moment — nothing is written and the caller gets what changed, so the writer can merge instead of
 * silently overwriting. Saving exactly what is already there writes nothing.
 */
export async function saveSafetyPlan(actor: Actor, patientId: string, save: SafetyPlanSave): Promise<SaveOutcome> {
  await requireCare(actor, patientId);
  const now = actor.clock.now();
  const current = async (tx: Db) => {
    const plan = await store.findPlanOfPatient(tx, patientId);
    if (!plan) throw new Conflict();
    return { ...plan, content: plan.sections };
  };
  return saveVersion(actor, {
    subjectType: 'safety-plan',
    patientId,
    baseVersion: save.baseVersion,
    content: save.sections,
    missing: 'There is no patient at this address that your team is caring for.',
    lock: (tx) => store.lockPlanOfPatient(tx, patientId),
    create: async (tx) => {
      const teamId = await store.caringTeamOf(tx, patientId, actor.user.teamIds);
      if (!teamId) throw new NotFound('There is no patient at this address that your team is caring for.');
      // Undefined when someone else created the plan between our look and our insert: theirs stands.
      const id = await store.insertPlan(tx, {
        patientId,
        teamId,
        sections: save.sections,
        userId: actor.user.id,
        at: now,
      });
      return id ? { id, data: { changed: changedSections(emptySections(), save.sections) } } : undefined;
    },
    current,
    read: (raw) => toSections(raw ?? {}),
    step: async (tx) => {
      const changed = changedSections((await current(tx)).content, save.sections);
      // Which sections changed, never their text: the text is in the version itself.
      return changed.length === 0 ? 'unchanged' : { event: 'safety-plan.saved', fromState: null, data: { changed } };
    },
    write: (tx, locked) =>
      store.updatePlan(tx, {
        id: locked.id,
        baseVersion: save.baseVersion,
        sections: save.sections,
        userId: actor.user.id,
        at: now,
      }),
  });
}

export type SafetyPlanTimelineEntry = { at: Date; kind: 'safety-plan'; title: string; text: string; href: string };

/**
 * The safety plan on a patient's timeline: one entry per saved version, newest first. The caller
 * has opened (checked and audited) the record.
 */
/** What the timeline reads of the safety plan: its versions (run with the other parts' lists in one statement). */
export function safetyPlanTimelineList(actor: Actor, opened: RecordRef) {
  return versionsOfPatient(actor.db, opened.id, 'safety-plan', 100);
}

/** The person's withdrawn plans, for the timeline: read in the same statement as the rest. */
export function withdrawnSafetyPlansList(actor: Actor, opened: RecordRef) {
  return store.withdrawnPlansOf(actor.db, opened.id);
}

export function safetyPlanTimelineEntries(
  opened: OpenedRecord<Patient>,
  versions: readonly VersionEntry[],
  withdrawn: readonly { id: string; at: Date; byName: string }[] = [],
): SafetyPlanTimelineEntry[] {
  const gone = new Set(withdrawn.map((w) => w.id));
  // The current plan's newest version opens the plan; a withdrawn plan's versions open that plan.
  const current = Math.max(0, ...versions.filter((v) => !gone.has(v.subjectId)).map((v) => v.version));
  const base = `/patients/${opened.id}/safety-plan`;
  return [
    ...versions.map((v) => ({
      at: v.savedAt,
      kind: 'safety-plan' as const,
      title: gone.has(v.subjectId)
        ? `Safety plan (withdrawn), version ${v.version}`
        : `Safety plan, version ${v.version}`,
      text: `Saved by ${v.savedByName}`,
      href: gone.has(v.subjectId)
        ? `/patients/${opened.id}/safety-plans/${v.subjectId}`
        : v.version === current
          ? base
          : `${base}/versions/${v.version}`,
    })),
    ...withdrawn.map((w) => ({
      at: w.at,
      kind: 'safety-plan' as const,
      title: 'Safety plan withdrawn: entered in error',
      text: `Withdrawn by ${w.byName}`,
      href: `/patients/${opened.id}/safety-plans/${w.id}`,
    })),
  ];
}

/** One of the person's plans by id, current or withdrawn, read whole: audited as a read. */
export async function openSafetyPlanById(actor: Actor, patientId: string, planId: string) {
  const patient = await requireCare(actor, patientId);
  const plan = await store.findPlan(actor.db, planId);
  if (!plan || plan.patientId !== patientId) {
    await auditAction(actor.db, actor, patientId, 'refused', { reason: 'no-such-safety-plan' });
    throw new NotFound('There is no such safety plan for this person.');
  }
  await auditAction(actor.db, actor, patientId, 'ok', { safetyPlan: plan.id, version: plan.version });
  return { patient, plan };
}

/** The plan behind the withdrawal form: checked, not audited as a read (the withdrawal or refusal is). */
export async function safetyPlanByIdForForm(actor: Actor, patientId: string, planId: string) {
  const patient = await requireCare(actor, patientId);
  const plan = await store.findPlan(actor.db, planId);
  if (!plan || plan.patientId !== patientId) throw new NotFound('There is no such safety plan for this person.');
  return { patient, plan };
}

/** Withdraw a safety plan as entered in error (the shared withdrawal): the person then has none until a new one is written. */
export async function withdrawSafetyPlan(actor: Actor, patientId: string, planId: string, reason: string) {
  await requireCare(actor, patientId);
  await withdrawRecord(actor, withdrawables['safety-plan'], patientId, planId, reason);
}
