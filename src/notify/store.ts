import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Db, OutboxMessagesTable } from '#platform/db/schema.ts';
import type { Addressed, Channel, MessageState, SubjectType } from './model.ts';

// The outbox's SQL. A message row is written with the change that causes it; the worker moves its
// state, each move guarded by the state it expects, so two workers (or a worker and a person
// sending it again) cannot both take it.

export type NewMessage = Addressed & {
  key: string;
  payloadHash: string;
  by: string | null;
  at: Date;
  sendAfter?: Date | null;
};

export type Message = Addressed & {
  id: string;
  key: string;
  payloadHash: string;
  state: MessageState;
  attempts: number;
  lastError: string | null;
  transportId: string | null;
  queuedAt: Date;
  stateAt: Date;
  sentAt: Date | null;
  /** Not before this time: a reminder waits for its day. */
  sendAfter: Date | null;
  /** What the transport last said of it after the hand-over (Notify's status), and when. */
  receipt: string | null;
  receiptAt: Date | null;
};

const columns = [
  'id',
  'idempotency_key',
  'kind',
  'channel',
  'recipient',
  'recipient_name',
  'patient_id',
  'team_id',
  'subject_type',
  'subject_id',
  'consent_id',
  'payload',
  'payload_hash',
  'state',
  'attempts',
  'last_error',
  'transport_id',
  'queued_at',
  'state_at',
  'sent_at',
  'send_after',
  'receipt',
  'receipt_at',
] as const;

type Row = Omit<Selectable<OutboxMessagesTable>, 'queued_by' | 'job_id'>;

const toMessage = (r: Row): Message => ({
  id: r.id,
  key: r.idempotency_key,
  kind: r.kind,
  channel: r.channel as Channel,
  recipient: r.recipient,
  recipientName: r.recipient_name,
  patientId: r.patient_id,
  teamId: r.team_id,
  subjectType: r.subject_type as SubjectType,
  subjectId: r.subject_id,
  consentId: r.consent_id,
  payload: r.payload,
  payloadHash: r.payload_hash,
  state: r.state as MessageState,
  attempts: r.attempts,
  lastError: r.last_error,
  transportId: r.transport_id,
  queuedAt: r.queued_at,
  stateAt: r.state_at,
  sentAt: r.sent_at,
  sendAfter: r.send_after,
  receipt: r.receipt,
  receiptAt: r.receipt_at,
});

/** The new message's id, or undefined when a message with this key is already queued. */
export async function insertMessage(db: Db, m: NewMessage): Promise<string | undefined> {
  const row = await db
    .insertInto('outbox_messages')
    .values({
      idempotency_key: m.key,
      kind: m.kind,
      channel: m.channel,
      recipient: m.recipient,
      recipient_name: m.recipientName,
      patient_id: m.patientId,
      team_id: m.teamId,
      subject_type: m.subjectType,
      subject_id: m.subjectId,
      consent_id: m.consentId,
      payload: JSON.stringify(m.payload),
      payload_hash: m.payloadHash,
      state: 'queued',
      queued_at: m.at,
      queued_by: m.by,
      state_at: m.at,
      send_after: m.sendAfter ?? null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function setJob(db: Db, id: string, jobId: string): Promise<void> {
  await db.updateTable('outbox_messages').set({ job_id: jobId }).where('id', '=', id).execute();
}

export async function findMessage(db: Db, id: string, o: { lock?: boolean } = {}): Promise<Message | undefined> {
  let q = db.selectFrom('outbox_messages').select(columns).where('id', '=', id);
  if (o.lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toMessage(row as Row) : undefined;
}

/** Whether the consent the message relies on still stands. */
export async function consentStands(db: Db, consentId: string): Promise<boolean> {
  const row = await db.selectFrom('consents').select('withdrawn_at').where('id', '=', consentId).executeTakeFirst();
  return row !== undefined && row.withdrawn_at === null;
}

/** Whether a care plan's copy may still go to the GP: consented at its latest agreement, and not withdrawn. */
export async function gpCopyStands(db: Db, carePlanId: string): Promise<boolean> {
  const row = await db
    .selectFrom('care_plans')
    .select(['gp_consent', 'entered_in_error_at'])
    .where('id', '=', carePlanId)
    .executeTakeFirst();
  return row?.gp_consent === true && row.entered_in_error_at === null;
}

/** Move a message from one of `from` to `to`; false when it was not in one of them. */
export async function moveMessage(
  db: Db,
  id: string,
  from: readonly MessageState[],
  to: MessageState,
  o: {
    at: Date;
    error?: string | null;
    transportId?: string;
    countAttempt?: boolean;
    jobId?: string;
    receipt?: string;
  },
): Promise<boolean> {
  let q = db
    .updateTable('outbox_messages')
    .set({
      state: to,
      state_at: o.at,
      ...(o.error !== undefined ? { last_error: o.error?.slice(0, 1000) ?? null } : {}),
      ...(o.transportId ? { transport_id: o.transportId } : {}),
      ...(to === 'sent' ? { sent_at: o.at } : {}),
      ...(o.countAttempt ? { attempts: sql<number>`attempts + 1` } : {}),
      ...(o.receipt ? { receipt: o.receipt, receipt_at: o.at } : {}),
    })
    .where('id', '=', id)
    .where('state', 'in', from);
  // Only while the message is still this job's (a person may have sent it again since).
  if (o.jobId) q = q.where('job_id', '=', o.jobId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A team's outbox, newest first, a page at a time (keyset on queued time and id). */
export async function teamOutbox(
  db: Db,
  teamIds: readonly string[],
  o: { limit: number; before?: { at: Date; id: string }; states?: readonly MessageState[] },
): Promise<Message[]> {
  if (teamIds.length === 0) return [];
  let q = db.selectFrom('outbox_messages').select(columns).where('team_id', 'in', teamIds);
  if (o.states?.length) q = q.where('state', 'in', o.states);
  if (o.before) {
    const { at, id } = o.before;
    q = q.where((eb) => eb.or([eb('queued_at', '<', at), eb.and([eb('queued_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('queued_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
  return rows.map((r) => toMessage(r as Row));
}

/** What was sent about one subject (a referral, a care plan), oldest first: shown where it matters. */
export async function messagesAbout(db: Db, subjectId: string): Promise<Message[]> {
  const rows = await db
    .selectFrom('outbox_messages')
    .select(columns)
    .where('subject_id', '=', subjectId)
    .orderBy('queued_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => toMessage(r as Row));
}

/** Messages of one queue still to be settled: waiting, trying again, or left half handed over. */
export async function unsettledIn(db: Db, queueName: string): Promise<number> {
  const row = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox_messages m
    JOIN pgboss.job j ON j.id = m.job_id
    WHERE j.name = ${queueName} AND m.state IN ('queued', 'retrying', 'sending')`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}

/** A message by the id its transport gave it (a delivery receipt names that), or by its own id. */
export async function findByTransport(db: Db, transportId: string, reference: string | null) {
  let q = db.selectFrom('outbox_messages').select(columns).where('transport_id', '=', transportId);
  if (reference && /^[0-9a-f-]{36}$/i.test(reference))
    q = q.union(db.selectFrom('outbox_messages').select(columns).where('id', '=', reference));
  const row = await q.executeTakeFirst();
  return row ? toMessage(row as Row) : undefined;
}

/** Call off messages about a subject that have not gone yet (the appointment they remind of was cancelled). */
export async function cancelWaiting(db: Db, subjectId: string, kinds: readonly string[], at: Date, why: string) {
  const result = await db
    .updateTable('outbox_messages')
    .set({ state: 'cancelled', state_at: at, last_error: why })
    .where('subject_id', '=', subjectId)
    .where('kind', 'in', kinds)
    .where('state', 'in', ['queued', 'retrying'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The texts and emails sent to a person, newest first: shown on their record. */
export async function messagesToPerson(db: Db, patientId: string, kinds: readonly string[], limit: number) {
  const rows = await db
    .selectFrom('outbox_messages')
    .select(columns)
    .where('patient_id', '=', patientId)
    .where('kind', 'in', kinds)
    .orderBy('queued_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => toMessage(r as Row));
}

/** What the transport said of a message that is still on its way (Notify's sending, pending): noted, state unchanged. */
export async function noteReceipt(db: Db, id: string, status: string, at: Date): Promise<void> {
  await db.updateTable('outbox_messages').set({ receipt: status, receipt_at: at }).where('id', '=', id).execute();
}

/** When the transport was last asked about a message it could not say anything of. */
export async function noteAsked(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('outbox_messages').set({ receipt_at: at }).where('id', '=', id).execute();
}

/**
 * Messages handed to a transport that can be asked how they ended, still without a final word: sent
 * in the last week, not asked about in the last few minutes, longest unasked first.
 */
export async function awaitingReceipts(db: Db, kinds: readonly string[], now: Date, limit: number) {
  const rows = await db
    .selectFrom('outbox_messages')
    .select(columns)
    .where('kind', 'in', kinds)
    .where('state', '=', 'sent')
    .where('transport_id', 'is not', null)
    .where('sent_at', '>', new Date(now.getTime() - 7 * 24 * 3_600_000))
    .where((eb) => eb.or([eb('receipt_at', 'is', null), eb('receipt_at', '<', new Date(now.getTime() - 4 * 60_000))]))
    .orderBy('receipt_at', (o) => o.nullsFirst())
    .orderBy('sent_at')
    .limit(limit)
    .execute();
  return rows.map((r) => toMessage(r as Row));
}
