import { randomUUID } from 'node:crypto';
import type { OpenedRecord, RecordRef } from '#platform/access/record.ts';
import { Conflict, Invalid, NotFound } from '#platform/errors.ts';
import { changeState } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { transition } from '#platform/state.ts';
import { recordVersion, type StaleSave, saveVersion } from '#platform/versions.ts';
import { refuseIfWithdrawn, withdrawables, withdrawRecord } from '#platform/withdrawal.ts';
import { checkAssessedAt, dueAfter } from '../followup/model.ts';
import { startFollowUp } from '../followup/service.ts';
import type { Patient } from '../patients/model.ts';
import { openPatient, requireCare } from '../patients/service.ts';
import { presentationOf } from '../presentations/service.ts';
import type { AssessmentSave } from './forms.ts';
import { type Assessment, assessmentStates, emptySections, type Sections, toSections } from './model.ts';
import * as store from './store.ts';

/**
 * Start the assessment of a presentation, or go back to the one already started: one assessment
 * per attendance, so a second click never makes a second record.
 */
export async function startAssessment(actor: Actor, patientId: string, presentationId: string): Promise<string> {
  const patient = await requireCare(actor, patientId);
  const presentation = await presentationOf(actor, patient, presentationId);
  if (presentation.enteredInError)
    throw new Conflict(
      'This presentation has been withdrawn as entered in error, so it takes no assessment',
      'entered-in-error',
    );
  const now = actor.clock.now();
  return actor.db.transaction().execute(async (tx) => {
    const existing = await store.findAssessmentOfPresentation(tx, presentationId);
    if (existing) return existing;
    const sections = emptySections();
    const id = await store.insertAssessment(tx, {
      patientId,
      presentationId,
      teamId: presentation.teamId,
      userId: actor.user.id,
      at: now,
      sections,
    });
    await recordVersion(tx, actor, {
      subjectType: 'assessment',
      subjectId: id,
      patientId,
      version: 1,
      content: sections,
      event: 'assessment.started',
      fromState: null,
      data: { presentationId },
      audit: { assessment: id },
    });
    return id;
  });
}

/** Open an assessment to read or go on writing it: the record is checked and the read audited. */
export async function openAssessment(
  actor: Actor,
  patientId: string,
  assessmentId: string,
): Promise<{ patient: OpenedRecord<Patient>; assessment: Assessment; addenda: store.Addendum[] }> {
  const patient = await openPatient(actor, patientId, { assessment: assessmentId });
  const assessment = await store.findAssessment(actor.db, assessmentId);
  if (!assessment || assessment.patientId !== patientId)
    throw new NotFound('There is no such assessment for this person.');
  return { patient, assessment, addenda: await store.addendaOf(actor.db, assessmentId) };
}

/**
 * Add to a finalised assessment: attributed, dated and shown after the signed text, which is never
 * edited. The assessment's row is held so the check that it is final cannot race a finalise.
 */
export async function addAddendum(actor: Actor, patientId: string, assessmentId: string, text: string): Promise<void> {
  await requireCare(actor, patientId);
  const now = actor.clock.now();
  const id = randomUUID();
  await actor.db.transaction().execute(async (tx) => {
    const locked = await store.lockAssessment(tx, assessmentId);
    if (!locked || locked.patientId !== patientId) throw new NotFound('There is no such assessment for this person.');
    refuseIfWithdrawn(locked.enteredInError, 'assessment');
    await changeState(tx, actor, assessmentStates, {
      subjectType: 'assessment',
      subjectId: assessmentId,
      patientId,
      current: locked.status,
      event: 'assessment.addendum-added',
      data: { addendum: id },
      audit: { assessment: assessmentId, addendum: id },
      write: () => store.insertAddendum(tx, { id, assessmentId, patientId, text, userId: actor.user.id, at: now }),
    });
  });
}

/** Withdraw an assessment as entered in error (the shared withdrawal: its author or a senior clinician). */
export async function withdrawAssessment(actor: Actor, patientId: string, assessmentId: string, reason: string) {
  await requireCare(actor, patientId);
  await withdrawRecord(actor, withdrawables.assessment, patientId, assessmentId, reason);
}

/** The assessment behind a refused form, shown again with the person's text: the refusal was audited, not a read. */
export async function assessmentForForm(actor: Actor, patientId: string, assessmentId: string) {
  const patient = await requireCare(actor, patientId);
  const assessment = await store.findAssessment(actor.db, assessmentId);
  if (!assessment || assessment.patientId !== patientId)
    throw new NotFound('There is no such assessment for this person.');
  return { patient, assessment, addenda: await store.addendaOf(actor.db, assessmentId) };
}

export type SaveOutcome =
  | { saved: true; version: number; finalised: boolean; followUpDueAt: Date | null }
  | { saved: false; stale: StaleSave<Sections> };

/**
 * Save a draft or finalise. The save is based on the version the person opened: if someone else
 * has saved since, nothing is written and the caller gets what changed, so the person can merge
 * their text with the other person's instead of silently overwriting it (DESIGN rule 5).
 */
export async function saveAssessment(
  actor: Actor,
  patientId: string,
  assessmentId: string,
  save: AssessmentSave,
): Promise<SaveOutcome> {
  await requireCare(actor, patientId);
  const now = actor.clock.now();
  const event = save.finalise ? 'assessment.finalised' : 'assessment.draft-saved';
  // The clock runs from when the person was seen, not from when the assessment was typed up.
  const assessedAt = save.finalise ? (save.assessedAt ?? now) : null;
  const followUpDueAt = assessedAt ? dueAfter(assessedAt) : null;
  let teamId = '';
  const outcome = await saveVersion(actor, {
    subjectType: 'assessment',
    patientId,
    baseVersion: save.baseVersion,
    content: save.sections,
    missing: 'There is no such assessment for this person.',
    lock: async (tx) => {
      const locked = await store.lockAssessment(tx, assessmentId);
      return locked && locked.patientId === patientId ? { id: assessmentId, ...locked } : undefined;
    },
    current: async (tx) => {
      const current = (await store.findAssessment(tx, assessmentId))!;
      return { ...current, content: current.sections };
    },
    read: toSections,
    step: async (_tx, locked) => {
      refuseIfWithdrawn(locked.enteredInError, 'assessment');
      teamId = locked.teamId;
      const when = assessedAt && checkAssessedAt(assessedAt, { arrivedAt: locked.arrivedAt, now });
      if (when) throw new Invalid({ assessedOn: when });
      // Finalising is a change of state like any other: refused from a state that does not allow it.
      const moved = transition(assessmentStates, locked.status, event);
      return {
        event,
        fromState: moved.from,
        toState: moved.to,
        data:
          followUpDueAt && assessedAt
            ? { followUpDueAt: followUpDueAt.toISOString(), assessedAt: assessedAt.toISOString() }
            : {},
      };
    },
    write: async (tx) => {
      const written = await store.updateAssessment(tx, {
        id: assessmentId,
        baseVersion: save.baseVersion,
        sections: save.sections,
        userId: actor.user.id,
        at: now,
        finalise: save.finalise,
        followUpDueAt,
        assessedAt,
      });
      // Finalising starts the 48-hour clock in the same transaction (NICE NG225).
      if (written && assessedAt) await startFollowUp(tx, { patientId, teamId, assessmentId, assessedAt });
      return written;
    },
  });
  return outcome.saved ? { saved: true, version: outcome.version, finalised: save.finalise, followUpDueAt } : outcome;
}

/** Assessments on a patient's timeline. The caller has opened (checked and audited) the record. */
/** What the timeline reads of assessments (run with the other parts' lists in one statement). */
export function assessmentsForTimeline(actor: Actor, opened: RecordRef) {
  return store.assessmentsOfPatient(actor.db, opened.id, 100);
}

/** One finalised assessment of this patient, for a use case that has already checked the care relationship. */
export async function finalisedAssessmentOf(
  actor: Actor,
  opened: OpenedRecord<Patient>,
  assessmentId: string,
): Promise<Assessment> {
  const found = await store.findAssessment(actor.db, assessmentId);
  if (!found || found.patientId !== opened.id) throw new NotFound('There is no such assessment for this person.');
  refuseIfWithdrawn(found.enteredInError !== null, 'assessment');
  if (found.status !== 'final')
    throw new Conflict('Finalise the assessment before starting its care plan', 'assessment-not-final');
  return found;
}
