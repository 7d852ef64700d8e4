import { alertKey } from '#platform/alerts/model.ts';
import { raiseAlerts } from '#platform/alerts/store.ts';
import { auditAction } from '#platform/audit/store.ts';
import type { Clock } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { Conflict, NotFound } from '#platform/errors.ts';
import type { Actor } from '#platform/http/pages.ts';
import { stillReaches } from '../patients/contact/model.ts';
import { contactOf } from '../patients/contact/store.ts';
import { myTeams } from '../teams/service.ts';
import { compose, messageKinds } from './compose.ts';
import {
  type Addressed,
  afterReceipt,
  attemptFrom,
  awaitingReceipt,
  emailProblem,
  type Handover,
  idempotencyKey,
  type MessageState,
  mayResend,
  messageStates,
  needsAction,
  payloadHash,
  stateAfter,
} from './model.ts';
import type { OutboxJob, Queue } from './queue.ts';
import * as store from './store.ts';
import { isPersonKind, personKinds } from './texts.ts';
import type { EmailTransport } from './transports/email.ts';
import type { NotifyTransport } from './transports/notify.ts';

// The outbox's use cases. A part queues a message inside its own transaction (the referral sent,
// the letter queued: both or neither); the worker carries it to its transport, once; a person
// sees every message's state and sends again one that could not go.

export type Outgoing = Addressed & {
  /** The version of what is sent: the same version to the same address is the same message. */
  version: number;
  /** Not before then (a reminder the day before an appointment). */
  sendAfter?: Date;
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
    sendAfter: m.sendAfter ?? null,
  });
  if (!id) return undefined;
  await store.setJob(tx, id, await queue.send(tx, { messageId: id, payloadHash: hash }, { startAfter: m.sendAfter }));
  return id;
}

/** `email`: SMTP, for letters to services and practices; `notify`: GOV.UK Notify, for the person. */
export type Transports = { email?: EmailTransport; notify?: NotifyTransport };

/** Which transport carries a kind of message: what goes to the person goes through Notify. */
const routeOf = (kind: string): keyof Transports => (isPersonKind(kind) ? 'notify' : 'email');

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
    const route = routeOf(m.kind);
    const settle = async (to: MessageState, error: string) => {
      await store.moveMessage(tx, m.id, [m.state], to, { at, error });
      await alertNotSent(tx, m, to, at);
      return { outcome: to, retry: false };
    };
    // SMTP cannot say whether a message half handed over arrived; Notify can, by its reference.
    const canAsk = route === 'notify' && transports.notify !== undefined;
    if (from === 'uncertain' && !canAsk)
      return settle(
        'uncertain',
        'The sending stopped while the message was being handed over: it may have arrived. Check with the recipient before sending it again.',
      );
    // The job names what it was created for; a message whose words changed since is not sent.
    if (job.payloadHash !== m.payloadHash || payloadHash(m.payload) !== m.payloadHash)
      return settle('refused', 'What this message says changed after it was queued, so it was not sent.');
    if (m.consentId && !(await store.consentStands(tx, m.consentId)))
      return settle('withheld', 'Consent to share was withdrawn after this message was queued, so it was not sent.');
    if (m.kind === 'care-plan-letter' && !(await store.gpCopyStands(tx, m.subjectId)))
      return settle(
        'withheld',
        'The care plan was withdrawn, or agreed again without the person’s consent to a copy for their GP, so it was not sent.',
      );
    if (route === 'notify' && !(m.patientId && stillReaches(await contactOf(tx, m.patientId), m)))
      return settle(
        'withheld',
        `The person no longer agrees to ${m.channel === 'sms' ? 'texts to this number' : 'emails to this address'}, so it was not sent.`,
      );
    if (route === 'email') {
      const problem = emailProblem(m.recipient);
      if (problem) return settle('failed', problem);
    }
    if (!transports[route])
      return settle(
        'kept',
        route === 'notify'
          ? 'No text and email service is set up (NOTIFY_API_KEY): the message is kept here, not sent.'
          : 'No mail service is set up (SMTP_URL): the message is kept here, not sent.',
      );
    await store.moveMessage(tx, m.id, [m.state], 'sending', { at, countAttempt: true });
    // A message tried before may be with Notify already: ask before sending again.
    return { outcome: 'send' as const, message: m, askFirst: canAsk && m.attempts > 0 };
  });
  if (taken.outcome !== 'send') return taken;
  const m = taken.message;
  const handover = taken.askFirst ? await alreadyThere(transports.notify!, m) : undefined;
  const result = handover ?? (await handOver(transports, m));
  hooks.afterHandover?.();
  const to = stateAfter(result, job.lastTry);
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const moved = await store.moveMessage(tx, m.id, ['sending'], to, {
      at,
      error: result.ok ? null : result.reason,
      transportId: result.ok ? result.transportId : undefined,
    });
    if (moved) await alertNotSent(tx, m, to, at);
  });
  hooks.afterRecord?.();
  return { outcome: to, retry: to === 'retrying' || to === 'dead' };
}

/** Notify's word on a message it may already have: its id if it has, a retry if it cannot say, else nothing. */
async function alreadyThere(notify: NotifyTransport, m: store.Message): Promise<Handover | undefined> {
  const found = await notify.find(m.id, m.channel);
  if (found.found === true) return { ok: true, transportId: found.transportId };
  if (found.found === 'unknown') return { ok: false, kind: 'temporary', reason: found.reason };
  return undefined;
}

async function handOver(transports: Transports, m: store.Message): Promise<Handover> {
  try {
    if (routeOf(m.kind) === 'notify') {
      const { personalisation } = m.payload as { personalisation: Record<string, string> };
      return await transports.notify!.send(
        { channel: m.channel, recipient: m.recipient, kind: m.kind, personalisation },
        m.id,
      );
    }
    const composed = await compose(m.kind, m.payload, m.key, m.queuedAt);
    return await transports.email!.send({ address: m.recipient, name: m.recipientName }, composed, m.key);
  } catch (error) {
    // Nothing was handed over when the message could not be made: a fault to fix, not to retry.
    return { ok: false, kind: 'permanent', reason: `The message could not be made: ${(error as Error).message}` };
  }
}

/**
 * A job pg-boss gave up on: its message is dead (or, found half handed over, uncertain) — if the
 * message still belongs to that job: sent again by a person since, it is the new job's.
 */
export async function markGivenUp(deps: { db: Db; clock: Clock }, messageId: string, jobId: string): Promise<void> {
  const at = deps.clock.now();
  const mine = { jobId };
  await deps.db.transaction().execute(async (tx) => {
    const m = await store.findMessage(tx, messageId);
    if (!m) return;
    if (await store.moveMessage(tx, messageId, ['queued', 'retrying'], 'dead', { at, ...mine }))
      return alertNotSent(tx, m, 'dead', at);
    if (
      await store.moveMessage(tx, messageId, ['sending'], 'uncertain', {
        at,
        error:
          'The last try stopped while the message was being handed over: it may have arrived. Check with the recipient before sending it again.',
        ...mine,
      })
    )
      return alertNotSent(tx, m, 'uncertain', at);
  });
}

/**
 * A message that needs a person (refused, given up, may have arrived, not delivered) is an alert for
 * the practitioner who sent the referral it is about — a task on their home page, not a log line.
 */
async function alertNotSent(tx: Db, m: store.Message, to: MessageState, at: Date): Promise<void> {
  if (!needsAction.includes(to) || m.subjectType !== 'referral') return;
  const referral = await tx.selectFrom('referrals').select('sent_by').where('id', '=', m.subjectId).executeTakeFirst();
  if (!referral?.sent_by) return;
  const what = messageKinds[m.kind as keyof typeof messageKinds] ?? m.kind;
  await raiseAlerts(tx, [
    {
      kind: 'message-not-sent',
      key: alertKey('message-not-sent', m.id, `${to}:${m.attempts}`, referral.sent_by),
      userId: referral.sent_by,
      patientId: m.patientId,
      href: `/outbox/${m.id}`,
      text: `${what} (${m.channel === 'sms' ? 'text' : 'email'} to ${m.recipientName}): ${messageStates[to].toLowerCase()}`,
      at,
    },
  ]);
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

export type Receipt = { id: string; reference: string | null; status: string };

/**
 * A delivery receipt from GOV.UK Notify: the message is delivered, or not (and needs a person), or
 * still on its way. Receipts may come twice or before the worker recorded the hand-over: a move is
 * guarded by the states it may come from, so a second receipt changes nothing.
 */
export async function recordReceipt(deps: { db: Db; clock: Clock }, r: Receipt): Promise<'recorded' | 'unknown'> {
  const m = await store.findByTransport(deps.db, r.id, r.reference);
  if (!m) return 'unknown';
  const at = deps.clock.now();
  const final = afterReceipt(r.status);
  if (final)
    await deps.db.transaction().execute(async (tx) => {
      const moved = await store.moveMessage(tx, m.id, awaitingReceipt, final.to, {
        at,
        error: final.why,
        transportId: r.id,
        receipt: r.status,
      });
      if (moved) await alertNotSent(tx, m, final.to, at);
    });
  else await store.noteReceipt(deps.db, m.id, r.status, at);
  return 'recorded';
}

/**
 * Receipts asked for rather than waited for: where Notify cannot reach `/notify/receipts` (a trust's
 * network takes nothing from outside), the scheduled job asks it how each message still without a
 * final word ended. The answer is recorded as a receipt would be.
 */
export async function pollReceipts(
  deps: { db: Db; clock: Clock },
  notify: NotifyTransport,
  limit = 50,
): Promise<number> {
  const waiting = await store.awaitingReceipts(deps.db, Object.keys(personKinds), deps.clock.now(), limit);
  let settled = 0;
  for (const m of waiting) {
    const said = await notify.status(m.transportId!);
    if (!('status' in said)) {
      // Notify cannot be asked now: the next run tries again. One it does not know (sent through
      // another key, or older than its 7 days) is asked again only after a while.
      if (!said.notFound) return settled;
      await store.noteAsked(deps.db, m.id, deps.clock.now());
      continue;
    }
    await recordReceipt(deps, { id: m.transportId!, reference: m.id, status: said.status });
    if (afterReceipt(said.status)) settled += 1;
  }
  return settled;
}

export { messagesAbout, messagesToPerson, unsettledIn } from './store.ts';
