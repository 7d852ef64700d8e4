import { auditAction } from '#platform/audit/store.ts';
import { Conflict } from '#platform/errors.ts';
import { appendEvent } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { messagesToPerson } from '../../notify/service.ts';
import { personKinds } from '../../notify/texts.ts';
import { openPatient, requireCare } from '../service.ts';
import type { ContactPreferences } from './model.ts';
import * as store from './store.ts';

// How the person agreed to be contacted: read with the texts and emails sent to them, and saved
// against the version the clinician saw (two people changing it at once: one wins, the other is told).

const SHOWN = 50;

export async function contactFor(actor: Actor, patientId: string) {
  const patient = await openPatient(actor, patientId, { contact: 'read' });
  const [contact, sent] = await Promise.all([
    store.contactOf(actor.db, patient.id),
    messagesToPerson(actor.db, patient.id, Object.keys(personKinds), SHOWN),
  ]);
  return { patient, contact, sent };
}

export async function saveContact(
  actor: Actor,
  patientId: string,
  seenVersion: number,
  p: ContactPreferences,
): Promise<void> {
  const patient = await requireCare(actor, patientId);
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    const before = await store.contactOf(tx, patient.id, { lock: true });
    if (
      (before?.version ?? 0) !== seenVersion ||
      !(await store.writeContact(tx, patient.id, seenVersion, p, { id: actor.user.id, at: now }))
    )
      throw new Conflict(
        `${before?.recordedByName ?? 'Someone'} changed how this person wants to be contacted since you opened the form. Read it again, then make your change.`,
        'stale-version',
      );
    // Whether, not what: the number and address are on the record, not copied into its history.
    const ways = (c: Pick<ContactPreferences, 'mobile' | 'email'> | null) =>
      [c?.mobile ? 'texts' : null, c?.email ? 'emails' : null].filter(Boolean).join(' and ') || 'none';
    await appendEvent(tx, {
      at: now,
      userId: actor.user.id,
      patientId: patient.id,
      subjectType: 'contact',
      subjectId: patient.id,
      type: 'contact.changed',
      fromState: ways(before),
      toState: ways(p),
      data: {
        nameServices: p.nameServices,
        way: p.way,
        numberChanged: before?.mobile !== p.mobile,
        emailChanged: before?.email !== p.email,
      },
    });
    await auditAction(tx, actor, patient.id, 'ok', { contact: 'changed', version: seenVersion + 1 });
  });
}
