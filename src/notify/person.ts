import type { Db } from '#platform/db/schema.ts';
import { reachOf } from '../patients/contact/model.ts';
import { contactOf } from '../patients/contact/store.ts';
import type { Queue } from './queue.ts';
import { queueMessage } from './service.ts';
import * as store from './store.ts';
import { type PersonFacts, type PersonKind, personalisationFor } from './texts.ts';

// Telling the person: a text and/or an email for each way they agreed to be contacted, queued in
// the transaction of the change it tells of (the referral accepted, the appointment booked). What is
// stored is what is said — the personalisation, already cut down to what they agreed may be said.

export type Telling = {
  kind: PersonKind;
  patientId: string;
  teamId: string;
  subjectId: string;
  /** Which telling this is: the same step told again (a retried transaction) is the same message. */
  version: number;
  facts: Omit<PersonFacts, 'givenName' | 'nameServices'>;
  by: { id: string };
  at: Date;
  sendAfter?: Date;
};

/** Queue the messages; how many were queued (none when the person agreed to none). */
export async function tellPerson(tx: Db, queue: Queue, t: Telling): Promise<number> {
  const contact = await contactOf(tx, t.patientId);
  const reach = reachOf(contact);
  if (!contact || reach.length === 0) return 0;
  const person = await tx
    .selectFrom('patients')
    .select('given_name')
    .where('id', '=', t.patientId)
    .executeTakeFirstOrThrow();
  const personalisation = personalisationFor({
    ...t.facts,
    givenName: person.given_name,
    nameServices: contact.nameServices,
  });
  let queued = 0;
  for (const r of reach) {
    const id = await queueMessage(
      tx,
      queue,
      {
        kind: t.kind,
        channel: r.channel,
        recipient: r.recipient,
        recipientName: 'The person',
        patientId: t.patientId,
        teamId: t.teamId,
        subjectType: 'referral',
        subjectId: t.subjectId,
        consentId: null,
        payload: { personalisation },
        version: t.version,
        sendAfter: t.sendAfter,
      },
      t.by,
      t.at,
    );
    if (id) queued += 1;
  }
  return queued;
}

/** Messages about a referral that have not gone yet and no longer should (a reminder of a cancelled appointment). */
export const callOff = (tx: Db, subjectId: string, kinds: readonly PersonKind[], at: Date, why: string) =>
  store.cancelWaiting(tx, subjectId, kinds, at, why);
