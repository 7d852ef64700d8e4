import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type PersonKind, templates } from '../../src/notify/texts.ts';
import { notifyTransport } from '../../src/notify/transports/notify.ts';
import { type NotifyStandIn, notifyStandIn, type StandInTemplate } from '../../src/notify/transports/notify-standin.ts';

// GOV.UK Notify for the tests: the stand-in of its API on a free port, holding Onward's templates
// under fresh ids, a key it accepts, and the transport Onward would build from that configuration.

export type TestNotify = NotifyStandIn & {
  url: string;
  apiKey: string;
  /** Template ids by message and channel, as NOTIFY_TEMPLATE_* would set them. */
  templateIds: Record<string, string>;
  transport(o?: { timeoutMs?: number; apiKey?: string }): ReturnType<typeof notifyTransport>;
  close(): Promise<void>;
};

export const notifyKey = (name = 'onward_test') => `${name}-${randomUUID()}-${randomUUID()}`;

export async function startNotify(o: { receiptDelayMs?: number; hangMs?: number } = {}): Promise<TestNotify> {
  const apiKey = notifyKey();
  const templateIds: Record<string, string> = {};
  const byId: Record<string, StandInTemplate> = {};
  for (const [kind, t] of Object.entries(templates) as [PersonKind, (typeof templates)[PersonKind]][])
    for (const type of ['sms', 'email'] as const) {
      const id = randomUUID();
      templateIds[`${kind}:${type}`] = id;
      byId[id] = { type, subject: t.subject, body: t.body };
    }
  const standIn = notifyStandIn({ apiKey, templates: byId, ...o });
  await standIn.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(standIn.app.server.address() as AddressInfo).port}`;
  return Object.assign(standIn, {
    url,
    apiKey,
    templateIds,
    transport: (t: { timeoutMs?: number; apiKey?: string } = {}) =>
      notifyTransport({ apiKey: t.apiKey ?? apiKey, url, templates: templateIds, timeoutMs: t.timeoutMs ?? 3000 }),
    async close() {
      await standIn.settled();
      await standIn.app.close();
    },
  });
}
