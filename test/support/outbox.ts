import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { type MessageState, payloadHash } from '../../src/notify/model.ts';
import type { Queue } from '../../src/notify/queue.ts';
import { type Outgoing, queueMessage } from '../../src/notify/service.ts';
import * as store from '../../src/notify/store.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import { sentReferralWorld } from './referrals.ts';

// The outbox's test helpers: a referral whose letter is queued for secure email, more copies of it
// to other addresses, and waiting for a message to settle.

/** Wait (at most 30 s, polling) for a message to reach one of `states`. */
export async function settled(db: Db, id: string, states: MessageState[]) {
  for (let i = 0; i < 300; i += 1) {
    const m = await store.findMessage(db, id);
    if (m && states.includes(m.state)) return m;
    await sleep(100);
  }
  const m = await store.findMessage(db, id);
  assert.fail(`message ${id} stayed ${m?.state} (${m?.lastError}), not ${states.join(' or ')}`);
}

export const jobsIn = async (db: Db, queue: Queue) =>
  Number(
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${queue.names.jobs}`.execute(db))
      .rows[0]!.n,
  );

/** The referral world, sending to a service that takes secure email: its letter queued. */
export async function letterWorld(queue: Queue, address = 'tt.referrals@nhs.test') {
  const w = await sentReferralWorld({ secureEmail: address, queue });
  const [message] = await store.messagesAbout(w.db, w.referralId);
  assert.ok(message, 'sending the referral queued its letter');
  return { ...w, message };
}

/** Another copy of a world's letter, to another address (a message of its own). */
export async function another(w: Awaited<ReturnType<typeof letterWorld>>, queue: Queue, change: Partial<Outgoing>) {
  const m = w.message;
  return w.db.transaction().execute(async (tx) => {
    const id = await queueMessage(
      tx,
      queue,
      {
        ...m,
        sendAfter: undefined,
        subjectType: 'referral',
        version: Math.floor(Math.random() * 1_000_000) + 10,
        ...change,
      },
      null,
      new Date(),
    );
    assert.ok(id);
    return id;
  });
}

/** A message made straight in the table, in any state: for the matrices, which need one to open. */
export async function makeMessage(
  db: Db,
  o: { teamId: string; patientId: string; subjectId: string; state: MessageState; at: Date },
): Promise<string> {
  const payload = { facts: null };
  const row = await db
    .insertInto('outbox_messages')
    .values({
      idempotency_key: `referral-letter:${o.subjectId}:v${Math.random().toString(36).slice(2)}:service@nhs.test`,
      kind: 'referral-letter',
      channel: 'email',
      recipient: 'service@nhs.test',
      recipient_name: 'A service',
      patient_id: o.patientId,
      team_id: o.teamId,
      subject_type: 'referral',
      subject_id: o.subjectId,
      consent_id: null,
      payload: JSON.stringify(payload),
      payload_hash: payloadHash(payload),
      state: o.state,
      attempts: 3,
      last_error: 'connect ECONNREFUSED',
      queued_at: o.at,
      state_at: o.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
