import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { auditAction } from '#platform/audit/store.ts';
import { bearerMatches } from '#platform/auth/bearer.ts';
import { showDateTime } from '#platform/clock.ts';
import { Conflict, Unauthenticated } from '#platform/errors.ts';
import { idParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { decodeCursor, PAGE_SIZE, pageOf } from '#platform/worklist.ts';
import { messageKinds } from './compose.ts';
import { outboxQuery, parseSendAgain } from './forms.ts';
import { mayResend, needsAction, stateTag } from './model.ts';
import { openMessage, outboxFor, recordReceipt, sendAgain } from './service.ts';
import type { Message } from './store.ts';
import { isPersonKind, wordsOf } from './texts.ts';

// The outbox: every message Onward queued for the team — who to, what, when, where it stands —
// newest first. With no mail service set up (the embedded default) this is where the demo shows
// what would have been sent; nothing is dropped without a trace. A message that could not go is a
// task: its page says why and, once someone has checked, sends it again.

const messageParam = (params: unknown) => idParam(params, 'messageId');
const cursor = z.tuple([z.iso.datetime(), z.uuid()]);

// What GOV.UK Notify posts when it knows how a message ended: its id, our reference, the status.
const receiptBody = z.object({
  id: z.uuid(),
  reference: z
    .string()
    .max(300)
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  status: z.string().min(1).max(40),
});

const kindText = (kind: string) => messageKinds[kind as keyof typeof messageKinds] ?? kind;

/** Where a message's subject is read: the referral's page for a referral letter. */
export function subjectHref(m: Pick<Message, 'subjectType' | 'subjectId' | 'patientId'>): string | null {
  if (m.subjectType === 'referral' && m.patientId) return `/patients/${m.patientId}/referrals/${m.subjectId}`;
  if (m.subjectType === 'care-plan' && m.patientId) return `/patients/${m.patientId}/care-plans/${m.subjectId}`;
  return null;
}

async function messagePage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  id: string,
  errors: Record<string, string> = {},
) {
  const m = await openMessage(who, id);
  return reply.code(status).page('notify/views/message.njk', {
    title: isPersonKind(m.kind) ? kindText(m.kind) : `${kindText(m.kind)} to ${m.recipientName}`,
    words: wordsOf(m),
    toPerson: isPersonKind(m.kind),
    message: m,
    kind: kindText(m.kind),
    tag: stateTag(m),
    queuedAt: showDateTime(m.queuedAt),
    stateAt: showDateTime(m.stateAt),
    sentAt: m.sentAt ? showDateTime(m.sentAt) : null,
    subjectHref: subjectHref(m),
    needsAction: needsAction.includes(m.state),
    canSendAgain: mayResend(m.state) && may(who.user.role, 'record:write'),
    errors,
    errorList: Object.entries(errors).map(([, text]) => ({ text, href: '#send-again' })),
    backHref: '/outbox',
  });
}

export const outboxPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/outbox',
    permission: 'outbox:read',
    audit: 'outbox.read',
    query: outboxQuery,
    handler: async (request, reply, deps) => {
      const { after, show = 'all' } = queryOf(request, outboxQuery);
      const before = decodeCursor(after, cursor);
      const rows = await outboxFor(actor(request, deps), {
        limit: PAGE_SIZE + 1,
        before: before ? { at: new Date(before[0]), id: before[1] } : undefined,
        states: show === 'needs-you' ? needsAction : undefined,
      });
      const page = pageOf(rows, PAGE_SIZE, (m) => [m.queuedAt.toISOString(), m.id]);
      return reply.page('notify/views/outbox.njk', {
        title: 'Outbox',
        show,
        kept: [
          ...(deps.config.smtpUrl ? [] : ['letters by email (SMTP_URL)']),
          ...(deps.config.notify ? [] : ['texts and emails to people (NOTIFY_API_KEY)']),
        ].join(' or '),
        rows: page.items.map((m) => [
          {
            text: showDateTime(m.queuedAt),
            href: `/outbox/${m.id}`,
            hiddenText: `${kindText(m.kind)} to ${m.recipientName}`,
          },
          kindText(m.kind),
          `${m.recipientName} (${m.recipient})`,
          { tags: [stateTag(m)] },
          String(m.attempts),
        ]),
        next: page.next,
        after,
        href: `/outbox?show=${show}`,
        columns: 'full',
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/outbox/:messageId',
    permission: 'outbox:read',
    audit: 'outbox.message',
    handler: async (request, reply, deps) =>
      messagePage(reply, actor(request, deps), 200, messageParam(request.params)),
  }),
  definePage({
    method: 'POST',
    url: '/outbox/:messageId/send-again',
    permission: 'record:write',
    audit: 'outbox.send-again',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const id = messageParam(request.params);
      const parsed = parseSendAgain(request.body);
      if (!parsed.ok) {
        await openMessage(who, id);
        await auditAction(who.db, who, null, 'refused', { message: id, fields: 'seen' });
        return messagePage(reply, who, 400, id, { form: 'Open the message again and send it from there' });
      }
      try {
        await sendAgain(who, id, parsed.value.seen);
      } catch (error) {
        if (!(error instanceof Conflict)) throw error;
        await auditAction(who.db, who, null, 'refused', { message: id, code: error.code });
        return messagePage(reply, who, 409, id, { form: error.message });
      }
      return reply.redirect(`/outbox/${id}?sent=1`, 303);
    },
  }),
  definePage({
    method: 'POST',
    url: '/notify/receipts',
    permission: 'bearer',
    audit: 'notify.receipt',
    bodyLimit: 16 * 1024,
    handler: async (request, reply, deps) => {
      const token = deps.config.notify?.callbackToken;
      if (!token || !bearerMatches(request.headers.authorization, token)) {
        reply.header('WWW-Authenticate', 'Bearer');
        throw new Unauthenticated('A delivery receipt needs the token GOV.UK Notify was given', 'receipt-token');
      }
      const receipt = receiptBody.safeParse(request.body);
      if (!receipt.success) return reply.code(400).send({ error: 'Not a delivery receipt: it needs id and status' });
      const done = await recordReceipt(deps, receipt.data);
      // Notify tries a receipt again when it is not taken; one for a message we do not have never will be.
      return reply
        .code(done === 'unknown' ? 404 : 204)
        .send(done === 'unknown' ? { error: 'No such message' } : undefined);
    },
  }),
];
