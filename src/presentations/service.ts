import type { OpenedRecord, RecordRef } from '#platform/access/record.ts';
import { auditAction } from '#platform/audit/store.ts';
import { NotFound } from '#platform/errors.ts';
import { appendEvent } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import type { Patient } from '../patients/model.ts';
import { requireCare } from '../patients/service.ts';
import type { Presentation, PresentationInput } from './model.ts';
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
    await auditAction(tx, actor, patientId, 'ok', { presentation: id });
    return id;
  });
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
