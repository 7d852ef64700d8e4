import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { mobileNumber } from '../../patients/contact/model.ts';
import { emailProblem } from '../model.ts';
import { fill } from '../texts.ts';

// A local stand-in of GOV.UK Notify's API (v2), for what cannot be reached from here: the calls
// Onward's client makes, with Notify's authentication (a JWT signed with the key's secret, issued by
// the service id, no older than 30 seconds), its error shapes, its test numbers and addresses
// (07700900002 and perm-fail@simulator.notify fail for good, 07700900003 and temp-fail@simulator.notify
// for a while, everything else is delivered) and its delivery receipts, posted to a callback with
// the service's bearer token. A test can make the next sends fail, or take a message and not answer.

export type StandInTemplate = { type: 'sms' | 'email'; subject: string; body: string };

export type Notification = {
  id: string;
  reference: string | null;
  type: 'sms' | 'email';
  phone_number?: string;
  email_address?: string;
  status: string;
  body: string;
  subject?: string;
  template: { id: string; version: number; uri: string };
  personalisation: Record<string, string>;
  created_at: string;
  sent_at: string | null;
  completed_at: string | null;
};

/** What the next send does instead of answering well: fail before taking it, or take it and fail to answer. */
export type Fault = 500 | 429 | 403 | 'take-then-500' | 'take-then-hang';

export type NotifyStandIn = {
  app: FastifyInstance;
  notifications: Notification[];
  faults: Fault[];
  /** Where receipts go (Onward's /notify/receipts) and the token they carry. */
  callback: { url: string; token: string } | null;
  /** Receipts posted, and what the callback answered. */
  receipts: { id: string; status: string; answered: number }[];
  /** Every receipt posted so far has been answered. */
  settled(): Promise<void>;
};

const failed = (reply: FastifyReply, status: number, error: string, message: string) =>
  reply.code(status).send({ status_code: status, errors: [{ error, message }] });

const base64url = (b: Buffer) => b.toString('base64url');

/** Notify's check of a request's token: HS256, issued by the service, signed with its secret, fresh. */
function tokenProblem(header: string | undefined, serviceId: string, secret: string, now: number): string | null {
  const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!token) return 'Unauthorized: authentication token must be provided';
  const [head, body, signature] = token.split('.');
  if (!head || !body || !signature) return 'Invalid token: not a JWT';
  const expected = base64url(createHmac('sha256', secret).update(`${head}.${body}`).digest());
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'Invalid token: API key not found';
  let claims: { iss?: string; iat?: number };
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return 'Invalid token: not a JWT';
  }
  if (claims.iss !== serviceId) return 'Invalid token: service not found';
  if (typeof claims.iat !== 'number' || Math.abs(now / 1000 - claims.iat) > 30)
    return 'Error: Your system clock must be accurate to within 30 seconds';
  return null;
}

const outcomeFor = (to: string) =>
  to === '07700900002' || to === 'perm-fail@simulator.notify'
    ? 'permanent-failure'
    : to === '07700900003' || to === 'temp-fail@simulator.notify'
      ? 'temporary-failure'
      : 'delivered';

export function notifyStandIn(o: {
  /** The API key Onward is configured with: its service id and secret are what the stand-in accepts. */
  apiKey: string;
  templates: Record<string, StandInTemplate>;
  receiptDelayMs?: number;
  /** How long a 'take-then-hang' send keeps the client waiting. */
  hangMs?: number;
}): NotifyStandIn {
  const secret = o.apiKey.slice(-36);
  const serviceId = o.apiKey.slice(-73, -37);
  const app = Fastify({ logger: false });
  const pending = new Set<Promise<void>>();
  const state: NotifyStandIn = {
    app,
    notifications: [],
    faults: [],
    callback: null,
    receipts: [],
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };

  app.addHook('onRequest', async (request, reply) => {
    const problem = tokenProblem(request.headers.authorization, serviceId, secret, Date.now());
    if (problem) return failed(reply, 403, 'AuthError', problem);
  });

  function receipt(n: Notification) {
    const delivered = new Promise<void>((resolve) => setTimeout(resolve, o.receiptDelayMs ?? 0)).then(async () => {
      const now = new Date().toISOString();
      n.status = outcomeFor(n.phone_number ?? n.email_address ?? '');
      n.sent_at = now;
      n.completed_at = now;
      if (!state.callback) return;
      const response = await fetch(state.callback.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${state.callback.token}` },
        body: JSON.stringify({
          id: n.id,
          reference: n.reference,
          to: n.phone_number ?? n.email_address,
          status: n.status,
          created_at: n.created_at,
          completed_at: n.completed_at,
          sent_at: n.sent_at,
          notification_type: n.type,
          template_id: n.template.id,
          template_version: n.template.version,
        }),
      }).catch(() => null);
      state.receipts.push({ id: n.id, status: n.status, answered: response?.status ?? 0 });
    });
    pending.add(delivered);
    void delivered.finally(() => pending.delete(delivered));
  }

  async function send(type: 'sms' | 'email', request: FastifyRequest, reply: FastifyReply) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const fault = state.faults.shift();
    if (fault === 500) return failed(reply, 500, 'Exception', 'Internal server error');
    if (fault === 429)
      return failed(
        reply,
        429,
        'RateLimitError',
        'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds',
      );
    if (fault === 403) return failed(reply, 403, 'AuthError', 'Invalid token: API key revoked');
    const templateId = String(body.template_id ?? '');
    const template = o.templates[templateId];
    if (!template) return failed(reply, 400, 'BadRequestError', 'Template not found');
    if (template.type !== type)
      return failed(
        reply,
        400,
        'BadRequestError',
        `${template.type} template is not suitable for ${type} notification`,
      );
    const to = String(type === 'sms' ? (body.phone_number ?? '') : (body.email_address ?? ''));
    if (type === 'sms' && !mobileNumber(to).ok)
      return failed(reply, 400, 'ValidationError', 'phone_number Not a UK mobile number');
    if (type === 'email' && emailProblem(to))
      return failed(reply, 400, 'ValidationError', 'email_address Not a valid email address');
    const personalisation = (body.personalisation ?? {}) as Record<string, string>;
    const missing = [...`${template.subject} ${template.body}`.matchAll(/\(\(([a-z_]+)\)\)/g)]
      .map((m) => m[1]!)
      .filter((name) => personalisation[name] === undefined);
    if (missing.length)
      return failed(reply, 400, 'BadRequestError', `Missing personalisation: ${[...new Set(missing)].join(', ')}`);
    const n: Notification = {
      id: randomUUID(),
      reference: typeof body.reference === 'string' ? body.reference : null,
      type,
      ...(type === 'sms' ? { phone_number: to } : { email_address: to }),
      status: 'created',
      body: fill(template.body, personalisation),
      ...(type === 'email' ? { subject: fill(template.subject, personalisation) } : {}),
      template: { id: templateId, version: 1, uri: `/v2/template/${templateId}` },
      personalisation,
      created_at: new Date().toISOString(),
      sent_at: null,
      completed_at: null,
    };
    state.notifications.push(n);
    receipt(n);
    if (fault === 'take-then-500') return failed(reply, 500, 'Exception', 'Internal server error');
    if (fault === 'take-then-hang') await new Promise((resolve) => setTimeout(resolve, o.hangMs ?? 2000));
    return reply.code(201).send({
      id: n.id,
      reference: n.reference,
      content:
        type === 'sms'
          ? { body: n.body, from_number: 'GOVUK' }
          : { body: n.body, subject: n.subject, from_email: 'onward@notifications.service.gov.uk' },
      uri: `/v2/notifications/${n.id}`,
      template: n.template,
    });
  }

  app.post('/v2/notifications/sms', (request, reply) => send('sms', request, reply));
  app.post('/v2/notifications/email', (request, reply) => send('email', request, reply));
  app.get('/v2/notifications/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!/^[0-9a-f-]{36}$/i.test(id))
      return failed(reply, 400, 'ValidationError', 'notification_id is not a valid UUID');
    const n = state.notifications.find((x) => x.id === id);
    if (!n) return failed(reply, 404, 'NoResultFound', 'No result found');
    return n;
  });
  app.get('/v2/notifications', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const list = state.notifications
      .filter((n) => !q.reference || n.reference === q.reference)
      .filter((n) => !q.template_type || n.type === q.template_type)
      .filter((n) => !q.status || n.status === q.status)
      .reverse();
    return { notifications: list, links: { current: request.url } };
  });
  return state;
}
