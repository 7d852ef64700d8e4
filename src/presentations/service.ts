import type { OpenedRecord, RecordRef } from '#platform/access/record.ts';
import { auditAction } from '#platform/audit/store.ts';
import { Invalid, NotFound, refuseProblems } from '#platform/errors.ts';
import { appendEvent } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { transition } from '#platform/state.ts';
import { findVersion, keepVersion, saveVersion, type VersionedSave } from '#platform/versions.ts';
import { withdrawables, withdrawRecord } from '#platform/withdrawal.ts';
import type { Patient } from '../patients/model.ts';
import { openPatient, requireCare } from '../patients/service.ts';
import {
  changedFields,
  checkPresentation,
  kindOfChange,
  type Presentation,
  type PresentationContent,
  type PresentationInput,
  type PresentationState,
  presentationContent,
  presentationStates,
  stateOf,
} from './model.ts';
import * as store from './store.ts';

/** Record an attendance after self-harm: the row, its event and its audit entry land together or not at all. */
export async function recordPresentation(actor: Actor, patientId: string, input: PresentationInput): Promise<string> {
  await requireCare(actor, patientId);
  const now = actor.clock.now();
  return actor.db.transaction().execute(async (tx) => {
    const id = await store.insertPresentation(tx, { ...input, patientId, recordedBy: actor.user.id, recordedAt: now });
    await appendEvent(tx, {
      at: now,
      userId: actor.user.id,
      patientId,
      subjectType: 'presentation',
      subjectId: id,
      type: 'presentation.recorded',
      fromState: null,
      data: {
        arrivedAt: input.arrivedAt.toISOString(),
        leftAt: input.leftAt?.toISOString() ?? null,
        outcome: input.outcome,
        methods: input.methods,
      },
    });
    // Version 1 is kept as recorded, so a later completion or amendment never loses what was first written.
    await keepVersion(tx, {
      subjectType: 'presentation',
      subjectId: id,
      patientId,
      version: 1,
      content: presentationContent(input),
      savedBy: actor.user.id,
      savedAt: now,
    });
    await auditAction(tx, actor, patientId, 'ok', { presentation: id });
    return id;
  });
}

export type PresentationChange = { input: PresentationInput; baseVersion: number; reason: string };

const inputFromContent = (c: PresentationContent): PresentationInput => ({
  teamId: c.teamId,
  arrivedAt: new Date(c.arrivedAt),
  leftAt: c.leftAt ? new Date(c.leftAt) : null,
  outcome: c.outcome,
  methods: c.methods,
});

const inputOf = (p: Presentation): PresentationInput => ({
  teamId: p.teamId,
  arrivedAt: p.arrivedAt,
  leftAt: p.leftAt,
  outcome: p.outcome,
  methods: p.methods,
});

/**
 * Complete or amend a presentation through the one versioned save: based on the version the
 * person opened, refused as stale if someone changed it since, the earlier version kept whole.
 * Completing (leaving time and outcome added to an open presentation) needs no reason; any other
 * change does.
 */
export async function changePresentation(
  actor: Actor,
  patientId: string,
  presentationId: string,
  change: PresentationChange,
): Promise<VersionedSave<PresentationContent>> {
  const opened = await requireCare(actor, patientId);
  const before = await presentationOf(actor, opened, presentationId);
  transition(presentationStates, stateOf(before), 'presentation.changed');
  // Whether this is a completion or an amendment is judged against the version the person opened,
  // so that a colleague's change in between is answered as stale, not as a missing reason.
  const openedVersion = await findVersion<PresentationContent>(actor.db, presentationId, change.baseVersion);
  const kind = kindOfChange(openedVersion ? inputFromContent(openedVersion.content) : inputOf(before), change.input);
  if (kind === 'amended' && change.reason === '')
    throw new Invalid({ reason: 'Say why the presentation is being changed' });
  const problems = checkPresentation(change.input, actor.clock.now());
  refuseProblems(problems);
  return saveVersion(actor, {
    subjectType: 'presentation',
    patientId,
    baseVersion: change.baseVersion,
    content: presentationContent(change.input),
    missing: 'There is no such presentation for this person.',
    lock: async (tx) => {
      const row = await store.lockPresentation(tx, presentationId);
      return row && row.patient_id === patientId
        ? { id: row.id, version: row.version, state: row.entered_in_error_at ? 'entered-in-error' : 'current' }
        : undefined;
    },
    current: async (tx) => {
      const now = (await store.findPresentation(tx, presentationId))!;
      const by = await store.lastChangedBy(tx, presentationId);
      return {
        version: now.version,
        updatedByName: by.name,
        updatedAt: by.at,
        content: presentationContent(inputOf(now)),
      };
    },
    read: (raw) => (raw ?? presentationContent(inputOf(before))) as PresentationContent,
    step: async (tx, locked) => {
      // A withdrawn presentation is read, never changed.
      transition(presentationStates, locked.state as PresentationState, 'presentation.changed');
      const current = (await store.findPresentation(tx, presentationId))!;
      const changed = changedFields(inputOf(current), change.input);
      if (changed.length === 0) return 'unchanged';
      const event =
        kindOfChange(inputOf(current), change.input) === 'completed'
          ? 'presentation.completed'
          : 'presentation.amended';
      return { event, fromState: null, data: { changed, ...(change.reason ? { reason: change.reason } : {}) } };
    },
    write: (tx) =>
      store.updatePresentation(tx, { ...change.input, id: presentationId, baseVersion: change.baseVersion }),
  });
}

/**
 * Withdraw a presentation as entered in error (the shared withdrawal: its author or a senior
 * clinician, with a reason; kept and readable, out of the default views).
 */
export async function withdrawPresentation(
  actor: Actor,
  patientId: string,
  presentationId: string,
  reason: string,
): Promise<void> {
  await requireCare(actor, patientId);
  await withdrawRecord(actor, withdrawables.presentation, patientId, presentationId, reason);
}

/** One presentation with every kept version and why each change was made, for its own page. Audited. */
export async function presentationHistory(actor: Actor, patientId: string, presentationId: string) {
  const patient = await openPatient(actor, patientId, { presentation: presentationId });
  const presentation = await presentationOf(actor, patient, presentationId);
  const versions = await store.presentationVersions(actor.db, presentationId);
  return { patient, presentation, versions };
}

/** The presentations on a patient's timeline. The caller has opened (checked and audited) the record. */
/** What the timeline reads of presentations (run with the other parts' lists in one statement). */
export function presentationsForTimeline(actor: Actor, opened: RecordRef) {
  return store.presentationsOfPatient(actor.db, opened.id, 100);
}

/** One presentation of this patient, for a use case that has already checked the care relationship. */
export async function presentationOf(
  actor: Actor,
  opened: OpenedRecord<Patient>,
  presentationId: string,
): Promise<Presentation> {
  const found = await store.findPresentation(actor.db, presentationId);
  if (!found || found.patientId !== opened.id) throw new NotFound('There is no such presentation for this person.');
  return found;
}

/** The presentation behind a form, checked but not audited as a read (the refusal or save is). */
export async function presentationForForm(actor: Actor, patientId: string, presentationId: string) {
  const patient = await requireCare(actor, patientId);
  return { patient, presentation: await presentationOf(actor, patient, presentationId) };
}
