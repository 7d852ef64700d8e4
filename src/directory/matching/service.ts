import { auditAction } from '#platform/audit/store.ts';
import { ageOn } from '#platform/clock.ts';
import { Conflict } from '#platform/errors.ts';
import { appendEvent } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { finalisedAssessmentOf } from '../../assessments/service.ts';
import { openPatient, requireCare } from '../../patients/service.ts';
import { allServices } from '../store.ts';
import { matchServices, type Need } from './model.ts';
import * as store from './store.ts';

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
    await allServices(actor.db, { running: true }),
  );
  return { ...found, matched };
}
