import { auditAction } from '#platform/audit/store.ts';
import type { Clock } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { Conflict, NotFound } from '#platform/errors.ts';
import type { Actor } from '#platform/http/pages.ts';
import { myTeams } from '../teams/service.ts';
import { compose } from './compose.ts';
import {
  type Addressed,
  attemptFrom,
  emailProblem,
  type Handover,
  idempotencyKey,
  type MessageState,
  mayResend,
  payloadHash,
  stateAfter,
} from './model.ts';
import type { OutboxJob, Queue } from './queue.ts';
import * as store from './store.ts';
import type { EmailTransport } from './transports/email.ts';

// The outbox's use cases. A part queues a message inside its own transaction (the referral sent,
// the letter queued: both or neither); the worker carries it to its transport, once; a person
// sees every message's state and sends again one that could not go.

export type Outgoing = Addressed & {
  /** The version of what is sent: the same version to the same address is the same message. */
  version: number;
};

/** Queue a message in `tx`, once: a second call for the same message changes nothing. */
export async function queueMessage(
  tx: Db,
  queue: Queue,
  m: Outgoing,
  by: { id: string } | null,
  at: Date,
): Promise<string | undefined> {
  const hash = payloadHash(m.payload);
  const id = await store.insertMessage(tx, {
    key: idempotencyKey({ kind: m.kind, subjectId: m.subjectId, version: m.version, recipient: m.recipient }),
    kind: m.kind,
    channel: m.channel,
    recipient: m.recipient,
    recipientName: m.recipientName,
    patientId: m.patientId,
    teamId: m.teamId,
    subjectType: m.subjectType,
    subjectId: m.subjectId,
    consentId: m.consentId,
    payload: m.payload,
    payloadHash: hash,
    by: by?.id ?? null,
    at,
  });
  if (!id) return undefined;
  await store.setJob(tx, id, await queue.send(tx, { messageId: id, payloadHash: hash }));
  return id;
}

export type Transports = { email?: EmailTransport };

/** Points where a test stops the worker dead, to prove a retry never sends twice. */
export type DeliveryHooks = { afterHandover?(): void; afterRecord?(): void };

export type Delivery =
  | { outcome: 'missing' }
  | { outcome: 'settled'; state: MessageState }
  | { outcome: MessageState; retry: boolean };

/**
 * One attempt at one message: the worker's whole job. The message is taken (state `sending`) in a
 * committed transaction before anything leaves, and what the transport said is recorded before the
 * job is acknowledged; a retry finds either a settled message (and sends nothing) or one left half
 * handed over (and asks a person, rather than risk sending twice).
 */
export async function deliverMessage(
  deps: { db: Db; clock: Clock },
  transports: Transports,
  job: OutboxJob & { lastTry: boolean },
  hooks: DeliveryHooks = {},
): Promise<Delivery> {
  const taken = await deps.db.transaction().execute(async (tx) => {
    const m = await store.findMessage(tx, job.messageId, { lock: true });
    if (!m) return { outcome: 'missing' as const };
    const at = deps.clock.now();
    const from = attemptFrom(m.state);
    if (from === 'settled') return { outcome: 'settled' as const, state: m.state };
    const settle = async (to: MessageState, error: string) => {
      await store.moveMessage(tx, m.id, [m.state], to, { at, error });
      return { outcome: to, retry: false };
    };
    if (from === 'uncertain')
      return settle(
        'uncertain',
        'The sending stopped while the message was being handed over: it may have arrived. Check with the recipient before sending it again.',
      );
    // The job names what it was created for; a message whose words changed since is not sent.
    if (job.payloadHash !== m.payloadHash || payloadHash(m.payload) !== m.payloadHash)
      return settle('refused', 'What this message says changed after it was queued, so it was not sent.');
    if (m.consentId && !(await store.consentStands(tx, m.consentId)))
      return settle('withheld', 'Consent to share was withdrawn after this message was queued, so it was not sent.');
    if (m.channel === 'email') {
      const problem = emailProblem(m.recipient);
      if (problem) return settle('failed', problem);
    }
    if (!transports[m.channel as 'email'])
      return settle('kept', 'No mail service is set up (SMTP_URL): the message is kept here, not sent.');
    await store.moveMessage(tx, m.id, [m.state], 'sending', { at, countAttempt: true });
    return { outcome: 'send' as const, message: m };
  });
  if (taken.outcome !== 'send') return taken;
  const m = taken.message;
  let handover: Handover;
  try {
    const composed = await compose(m.kind, m.payload, m.key, m.queuedAt);
    handover = await transports.email!.send({ address: m.recipient, name: m.recipientName }, composed, m.key);
  } catch (error) {
    // Nothing was handed over when the message could not be made: a fault to fix, not to retry.
    handover = { ok: false, kind: 'permanent', reason: `The message could not be made: ${(error as Error).message}` };
  }
  hooks.afterHandover?.();
  const to = stateAfter(handover, job.lastTry);
  await store.moveMessage(deps.db, m.id, ['sending'], to, {
    at: deps.clock.now(),
    error: handover.ok ? null : handover.reason,
    transportId: handover.ok ? handover.transportId : undefined,
  });
  hooks.afterRecord?.();
  return { outcome: to, retry: to === 'retrying' || to === 'dead' };
}

/**
 * A job pg-boss gave up on: its message is dead (or, found half handed over, uncertain) — if the
 * message still belongs to that job: sent again by a person since, it is the new job's.
 */
export async function markGivenUp(deps: { db: Db; clock: Clock }, messageId: string, jobId: string): Promise<void> {
  const at = deps.clock.now();
  const mine = { jobId };
  if (await store.moveMessage(deps.db, messageId, ['queued', 'retrying'], 'dead', { at, ...mine })) return;
  await store.moveMessage(deps.db, messageId, ['sending'], 'uncertain', {
    at,
    error:
      'The last try stopped while the message was being handed over: it may have arrived. Check with the recipient before sending it again.',
    ...mine,
  });
}

/** The outbox of the signed-in person's teams, newest first. */
export async function outboxFor(
  actor: Actor,
  o: { limit: number; before?: { at: Date; id: string }; states?: readonly MessageState[] },
) {
  const teams = (await myTeams(actor)).map((t) => t.id);
  return store.teamOutbox(actor.db, teams, o);
}

/** A message of one of the person's teams, or 404: another team's messages do not exist for them. */
async function messageOfTeams(db: Db, teams: readonly string[], id: string, lock = false) {
  const m = await store.findMessage(db, id, { lock });
  if (!m || !teams.includes(m.teamId)) throw new NotFound();
  return m;
}

const teamsOf = async (actor: Actor) => (await myTeams(actor)).map((t) => t.id);

export const openMessage = async (actor: Actor, id: string) => messageOfTeams(actor.db, await teamsOf(actor), id);

/** A person who has checked sends again a message that could not go: a new job for the same message. */
export async function sendAgain(actor: Actor, id: string, seenState: string): Promise<void> {
  // Read before the transaction: on the embedded engine a transaction holds the one connection.
  const teams = await teamsOf(actor);
  await actor.db.transaction().execute(async (tx) => {
    const m = await messageOfTeams(tx, teams, id, true);
    if (m.state !== seenState)
      throw new Conflict(
        `This message changed since you looked: it is now “${m.state}”. Read it again.`,
        'stale-version',
      );
    if (!mayResend(m.state))
      throw new Conflict(
        'Only a message that could not be sent, or may not have arrived, can be sent again.',
        'illegal-transition',
      );
    const at = actor.clock.now();
    await store.moveMessage(tx, m.id, [m.state], 'queued', { at, error: null });
    await store.setJob(tx, m.id, await actor.queue.send(tx, { messageId: m.id, payloadHash: m.payloadHash }));
    await auditAction(tx, actor, m.patientId, 'ok', { message: m.id, kind: m.kind });
  });
}

export { messagesAbout, unsettledIn } from './store.ts';
