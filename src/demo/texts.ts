import type { Db } from '#platform/db/schema.ts';
import { afterReceipt, idempotencyKey, payloadHash } from '../notify/model.ts';
import * as outbox from '../notify/store.ts';
import { personalisationFor } from '../notify/texts.ts';
import type { Random } from './random.ts';

// How people in the demo agreed to hear from the services, and the texts and emails GOV.UK Notify
// carried to them about their accepted referrals — most delivered, one to a number no longer in
// use (a task for the team) — so a person's "How they want to hear from us" page, and the outbox,
// show what a live service would. Numbers are in Ofcom's drama range (07700 900xxx), never real.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export async function seedPersonMessages(db: Db, teams: readonly string[], random: Random): Promise<number> {
  let made = 0;
  for (const team of teams) {
    const accepted = await db
      .selectFrom('referrals as r')
      .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
      .innerJoin('patients as p', 'p.id', 'r.patient_id')
      .select(['r.id', 'r.patient_id', 'r.accepted_at', 'r.sent_by', 'p.given_name', 's.name'])
      .where('r.team_id', '=', team)
      .where('r.accepted_at', 'is not', null)
      .orderBy('r.accepted_at', 'desc')
      .limit(15)
      .execute();
    for (const [i, r] of accepted.entries()) {
      if (!r.accepted_at || !r.sent_by) continue;
      const ways = random.weighted([
        ['texts', 6],
        ['both', 3],
        ['none', 1],
      ] as const);
      const mobile = i === 1 ? '07700900002' : `07700900${String(random.int(100, 999))}`;
      const email = ways === 'both' ? `${r.given_name.toLowerCase().replace(/[^a-z]/g, '')}@example.test` : null;
      const nameServices = random.next() < 0.5;
      const saved = await db
        .insertInto('contact_preferences')
        .values({
          patient_id: r.patient_id,
          mobile: ways === 'none' ? null : mobile,
          email,
          name_services: nameServices,
          way: 'in-person',
          given_on: new Date(r.accepted_at.getTime() - 2 * DAY).toISOString().slice(0, 10),
          recorded_by: r.sent_by,
          recorded_at: new Date(r.accepted_at.getTime() - 2 * DAY),
        })
        .onConflict((oc) => oc.column('patient_id').doNothing())
        .returning('patient_id')
        .executeTakeFirst();
      if (!saved || ways === 'none') continue;
      const personalisation = personalisationFor({ givenName: r.given_name, serviceName: r.name, nameServices });
      const payload = { personalisation };
      for (const [channel, recipient] of [
        ['sms', mobile],
        ['email', email],
      ] as const) {
        if (!recipient) continue;
        const at = new Date(r.accepted_at.getTime() + random.int(0, 2) * MINUTE);
        const id = await outbox.insertMessage(db, {
          key: idempotencyKey({ kind: 'referral-accepted', subjectId: r.id, version: at.getTime(), recipient }),
          kind: 'referral-accepted',
          channel,
          recipient,
          recipientName: 'The person',
          patientId: r.patient_id,
          teamId: team,
          subjectType: 'referral',
          subjectId: r.id,
          consentId: null,
          payload,
          payloadHash: payloadHash(payload),
          by: null,
          at,
        });
        if (!id) continue;
        made++;
        const undelivered = recipient === '07700900002';
        const when = new Date(at.getTime() + random.int(1, 3) * MINUTE);
        await db
          .updateTable('outbox_messages')
          .set({
            state: undelivered ? 'undelivered' : 'delivered',
            attempts: 1,
            sent_at: at,
            state_at: when,
            transport_id: random.uuid(),
            receipt: undelivered ? 'permanent-failure' : 'delivered',
            receipt_at: when,
            last_error: undelivered ? afterReceipt('permanent-failure')!.why : null,
          })
          .where('id', '=', id)
          .execute();
      }
    }
  }
  return made;
}
