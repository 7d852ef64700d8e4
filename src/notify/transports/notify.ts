import axios from 'axios';
import { NotifyClient } from 'notifications-node-client';
import type { Channel, Handover } from '../model.ts';

// Texts and emails to the person through GOV.UK Notify, with its official client. Onward sends a
// template's id and the personalisation; the words are Notify's template. The message's own id
// goes as Notify's `reference`, so a try that stopped half-way — a timeout, a worker killed after
// Notify took it — is settled by asking Notify whether it has that reference before sending again:
// unlike SMTP, Notify can say whether it already has the message.

export type NotifyMessage = {
  channel: Channel;
  recipient: string;
  /** The message's kind: with the channel, it names the template (e.g. referral-accepted:sms). */
  kind: string;
  personalisation: Record<string, string>;
};

export type Found = { found: true; transportId: string } | { found: false } | { found: 'unknown'; reason: string };

export type NotifyTransport = {
  name: string;
  send(m: NotifyMessage, reference: string): Promise<Handover>;
  /** Whether Notify already has a message with this reference (sent in the last 7 days). */
  find(reference: string, channel: Channel): Promise<Found>;
  /** How a message Notify took stands now (delivered, permanent-failure, sending…). */
  status(id: string): Promise<{ status: string } | { unknown: string; notFound: boolean }>;
  close(): void;
};

type NotifyError = {
  code?: string;
  message?: string;
  response?: { status?: number; data?: { errors?: { error?: string; message?: string }[] } };
};

/**
 * What a Notify error means for sending again. 400 is a refusal of this message (a number that is
 * not a mobile, a template that does not fit): sending it again will not help. 403 is the key
 * (revoked, wrong, the clock off): every message fails until it is fixed, so they are tried again and
 * then given up, visibly. 429 and 5xx ask to try later; so does no answer at all — the next try asks
 * Notify for the reference first, so a message it did take is not sent twice.
 */
export function notifyFailure(e: NotifyError): Extract<Handover, { ok: false }> {
  const status = e.response?.status;
  const said = (e.response?.data?.errors ?? []).map((x) => `${x.error ?? 'Error'}: ${x.message ?? ''}`).join('; ');
  const reason =
    `GOV.UK Notify ${status ? `answered ${status}` : 'did not answer'}${said ? ` (${said})` : e.message ? ` (${e.message})` : ''}`.slice(
      0,
      500,
    );
  if (status === 400) return { ok: false, kind: 'permanent', reason };
  if (status === 403)
    return { ok: false, kind: 'temporary', reason: `${reason}. Check NOTIFY_API_KEY: Notify did not accept it.` };
  return { ok: false, kind: 'temporary', reason };
}

export function notifyTransport(o: {
  apiKey: string;
  url: string;
  templates: Record<string, string>;
  timeoutMs?: number;
}): NotifyTransport {
  const client = new NotifyClient(o.url, o.apiKey);
  // The client's own requests, with a timeout: without one a hung connection holds the worker.
  // (The client types axios through its CommonJS entry, this file through its ES one: the same object.)
  client.setClient(
    axios.create({ timeout: o.timeoutMs ?? 15_000 }) as unknown as Parameters<typeof client.setClient>[0],
  );
  return {
    name: `GOV.UK Notify (${new URL(o.url).hostname})`,
    async send(m, reference) {
      const templateId = o.templates[`${m.kind}:${m.channel}`];
      if (!templateId)
        return {
          ok: false,
          kind: 'permanent',
          reason: `No GOV.UK Notify template is set for ${m.kind} by ${m.channel}`,
        };
      try {
        const response =
          m.channel === 'sms'
            ? await client.sendSms(templateId, m.recipient, { personalisation: m.personalisation, reference })
            : await client.sendEmail(templateId, m.recipient, { personalisation: m.personalisation, reference });
        return { ok: true, transportId: response.data.id };
      } catch (error) {
        return notifyFailure(error as NotifyError);
      }
    },
    async find(reference, channel) {
      try {
        const response = await client.getNotifications(channel, undefined, reference);
        const first = (response.data.notifications as { id: string; reference?: string }[]).find(
          (n) => n.reference === reference,
        );
        return first ? { found: true, transportId: first.id } : { found: false };
      } catch (error) {
        return { found: 'unknown', reason: notifyFailure(error as NotifyError).reason };
      }
    },
    async status(id) {
      try {
        const response = await client.getNotificationById(id);
        return { status: String(response.data.status) };
      } catch (error) {
        return {
          unknown: notifyFailure(error as NotifyError).reason,
          notFound: (error as NotifyError).response?.status === 404,
        };
      }
    },
    close() {},
  };
}
