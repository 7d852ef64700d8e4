import { createHash } from 'node:crypto';

// The outbox's rules, pure. A message is one thing sent to one recipient by one channel; its key
// says what it is, so the same message is queued once however often the change behind it is
// retried, and the worker that carries it never hands it over twice. Its state is what people see.

export type Channel = 'email' | 'sms';

export type SubjectType = 'referral' | 'care-plan' | 'follow-up';

/** What a message is and whom it is for: the part that queues it says this much. */
export type Addressed = {
  kind: string;
  channel: Channel;
  recipient: string;
  recipientName: string;
  patientId: string | null;
  teamId: string;
  subjectType: SubjectType;
  subjectId: string;
  /** The consent the message relies on: withdrawn before it goes, it does not go. */
  consentId: string | null;
  payload: unknown;
};

export const messageStates = {
  queued: 'Waiting to be sent',
  sending: 'Being handed over',
  retrying: 'Not sent yet: trying again',
  sent: 'Sent',
  delivered: 'Delivered',
  kept: 'Kept here: no mail service is set up',
  failed: 'Not sent: refused',
  dead: 'Not sent: gave up after trying again',
  withheld: 'Not sent: consent withdrawn',
  uncertain: 'May have been sent',
  refused: 'Not sent: changed after it was queued',
  cancelled: 'Not sent: no longer needed',
  undelivered: 'Sent but not delivered',
} as const;
export type MessageState = keyof typeof messageStates;

export const stateColour: Record<MessageState, string> = {
  queued: 'grey',
  sending: 'blue',
  retrying: 'yellow',
  sent: 'green',
  delivered: 'green',
  kept: 'white',
  failed: 'red',
  dead: 'red',
  withheld: 'orange',
  uncertain: 'orange',
  refused: 'red',
  cancelled: 'grey',
  undelivered: 'red',
};

/** A message's state in words, for the outbox and wherever delivery is shown. */
export const stateTag = (m: { state: MessageState }) => ({
  text: messageStates[m.state],
  colour: stateColour[m.state],
});

/** States a person has to act on: each is a task for the sender, not a log line. */
export const needsAction: readonly MessageState[] = ['failed', 'dead', 'uncertain', 'refused', 'undelivered'];

/** The states a message can be sent again from, by a person who has checked. */
export const mayResend = (state: MessageState) =>
  state === 'dead' || state === 'uncertain' || state === 'failed' || state === 'undelivered';

/** What the message is, to whom: the same letter version to the same address is one message. */
export function idempotencyKey(m: { kind: string; subjectId: string; version: number; recipient: string }): string {
  return `${m.kind}:${m.subjectId}:v${m.version}:${m.recipient.trim().toLowerCase()}`;
}

/** A stable JSON (keys sorted), so the same payload always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export const payloadHash = (payload: unknown) => createHash('sha256').update(canonical(payload)).digest('hex');

/** A plain email address, as a mail server will take it: one @, a dotted domain, no spaces or markup. */
export function emailProblem(address: string): string | null {
  if (!address.trim()) return 'There is no email address to send to';
  if (address.length > 254) return 'The email address is longer than 254 characters';
  if (
    !/^[^\s@<>()[\],;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(
      address,
    )
  )
    return `“${address}” is not an email address a mail server will take`;
  return null;
}

/** What a transport said about one hand-over. */
export type Handover =
  | { ok: true; transportId: string }
  | { ok: false; kind: 'temporary' | 'permanent' | 'uncertain'; reason: string };

/**
 * Where an attempt starts, from the message's state as the worker finds it: send it; leave it (it is
 * settled, or a person must decide); or, found half handed over — a worker died between taking it and
 * recording what the transport said — do not guess: it may have arrived, so a person checks.
 */
export function attemptFrom(state: MessageState): 'send' | 'settled' | 'uncertain' {
  if (state === 'queued' || state === 'retrying') return 'send';
  if (state === 'sending') return 'uncertain';
  return 'settled';
}

/** The state after a hand-over: a temporary failure is tried again until the last try, then dead. */
export function stateAfter(h: Handover, lastTry: boolean): MessageState {
  if (h.ok) return 'sent';
  if (h.kind === 'permanent') return 'failed';
  if (h.kind === 'uncertain') return 'uncertain';
  return lastTry ? 'dead' : 'retrying';
}

/**
 * What an SMTP error means for sending again. A reply code is certain: 5xx is a refusal (no such
 * mailbox, message too large), 4xx asks to try later (greylisting, busy). Without a reply, a
 * failure to connect or greet is certain too (nothing was handed over); a connection lost later in
 * the conversation may have been lost after the server took the message, so it is uncertain.
 */
export function smtpFailure(e: {
  responseCode?: number;
  code?: string;
  errno?: string | number;
  syscall?: string;
  timeoutType?: string;
  message?: string;
}): Extract<Handover, { ok: false }> {
  const reason = (e.message ?? 'The mail server did not answer').slice(0, 500);
  if (e.responseCode && e.responseCode >= 500) return { ok: false, kind: 'permanent', reason };
  if (e.responseCode && e.responseCode >= 400) return { ok: false, kind: 'temporary', reason };
  if (e.code === 'EENVELOPE') return { ok: false, kind: 'permanent', reason };
  // nodemailer replaces a socket error's code with its own (ESOCKET) but keeps the system call.
  const neverReached =
    e.syscall === 'connect' ||
    e.syscall === 'getaddrinfo' ||
    ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(String(e.errno ?? e.code)) ||
    e.code === 'EDNS' ||
    e.code === 'EAUTH' ||
    e.code === 'ETLS' ||
    (e.code === 'ETIMEDOUT' && e.timeoutType !== undefined && e.timeoutType !== 'SOCKET_TIMEOUT');
  if (neverReached) return { ok: false, kind: 'temporary', reason };
  return { ok: false, kind: 'uncertain', reason };
}

/**
 * What a delivery receipt (GOV.UK Notify's final statuses) means: delivered, or not — and why, in
 * words the sender can act on. Anything else (created, sending, pending) is not final: the message
 * stays sent and the receipt is noted.
 */
export function afterReceipt(status: string): { to: MessageState; why: string | null } | null {
  switch (status) {
    case 'delivered':
      return { to: 'delivered', why: null };
    case 'permanent-failure':
      return {
        to: 'undelivered',
        why: 'The phone network or mail provider says this number or address does not exist or is no longer used. Check it with the person.',
      };
    case 'temporary-failure':
      return {
        to: 'undelivered',
        why: 'It could not be delivered for 72 hours: the phone was off or out of signal, or the inbox was full. Try another way to reach the person.',
      };
    case 'technical-failure':
      return {
        to: 'undelivered',
        why: 'GOV.UK Notify could not send it because of a fault on its side. Send it again.',
      };
    default:
      return null;
  }
}

/** The states a receipt may move a message from: handed over (or found so, when the receipt came first). */
export const awaitingReceipt: readonly MessageState[] = ['sent', 'sending', 'uncertain', 'retrying'];
