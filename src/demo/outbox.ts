import type { Db } from '#platform/db/schema.ts';
import type { MessageState } from '../notify/model.ts';
import { idempotencyKey, payloadHash } from '../notify/model.ts';
import * as outbox from '../notify/store.ts';
import { sentLetterFacts } from '../referrals/service.ts';
import type { Random } from './random.ts';

// The outbox in the demo: the letters of each team's most recent referrals to services that take
// them by secure email, as if the trust's mail relay had carried them — most sent, one the relay
// refused, one given up after a night of the relay being down, one whose worker stopped mid-way —
// so the outbox, its "needs you" list and "send it again" have something to show. A server
// started without SMTP_URL keeps each new message it queues; these show the rest of the story.

const MINUTE = 60_000;

const troubles: { state: MessageState; error: string; attempts: number }[] = [
  { state: 'failed', error: '550 5.1.1 Recipient address rejected: mailbox unavailable', attempts: 1 },
  { state: 'dead', error: 'connect ECONNREFUSED 10.20.0.25:25', attempts: 9 },
  {
    state: 'uncertain',
    error:
      'The sending stopped while the message was being handed over: it may have arrived. Check with the recipient before sending it again.',
    attempts: 1,
  },
];

export async function seedOutbox(db: Db, teams: readonly string[], random: Random): Promise<number> {
  let made = 0;
  for (const team of teams) {
    const sent = await db
      .selectFrom('referrals as r')
      .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
      .select(['r.id', 'r.patient_id', 'r.sent_at', 'r.consent_id', 'r.version', 's.name', 's.secure_email'])
      .where('r.team_id', '=', team)
      .where('r.sent_at', 'is not', null)
      .where('s.route', '=', 'secure-email')
      .where('s.secure_email', 'is not', null)
      .orderBy('r.sent_at', 'desc')
      .limit(12)
      .execute();
    for (const [i, r] of sent.entries()) {
      const facts = await sentLetterFacts(db, r.id);
      if (!facts || !r.sent_at || !r.secure_email) continue;
      const payload = { facts };
      const at = r.sent_at;
      const id = await outbox.insertMessage(db, {
        key: idempotencyKey({
          kind: 'referral-letter',
          subjectId: r.id,
          version: r.version,
          recipient: r.secure_email,
        }),
        kind: 'referral-letter',
        channel: 'email',
        recipient: r.secure_email,
        recipientName: r.name,
        patientId: r.patient_id,
        teamId: team,
        subjectType: 'referral',
        subjectId: r.id,
        consentId: r.consent_id,
        payload,
        payloadHash: payloadHash(payload),
        by: null,
        at,
      });
      if (!id) continue;
      made++;
      const trouble = i >= 1 && i <= troubles.length ? troubles[i - 1]! : undefined;
      const when = new Date(at.getTime() + random.int(1, 4) * MINUTE);
      if (trouble) {
        await db
          .updateTable('outbox_messages')
          .set({ state: trouble.state, last_error: trouble.error, attempts: trouble.attempts, state_at: when })
          .where('id', '=', id)
          .execute();
      } else {
        await db
          .updateTable('outbox_messages')
          .set({ state: 'sent', attempts: 1, state_at: when, sent_at: when, transport_id: `<${id}@onward>` })
          .where('id', '=', id)
          .execute();
      }
    }
  }
  return made;
}
