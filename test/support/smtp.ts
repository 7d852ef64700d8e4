import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// A real SMTP server (smtp-server, from nodemailer's authors) on a free local port, for the outbox's
// tests: it keeps every message it accepted, parsed, and can be told to behave as real relays do —
// refuse a recipient, greylist, limit the size, or stop answering.

export type Received = {
  to: string;
  subject: string;
  text: string;
  key: string;
  messageId: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
};

export type Behaviour = {
  /** Keep only each message's key and when it arrived (benchmarks: no parsing in the measured process). */
  keysOnly?: boolean;
  /** 550 to these recipients. */
  refuse?: string[];
  /** 451 ("try again later") to the first this many deliveries. */
  greylist?: number;
  /** The SIZE limit in bytes: bigger messages get 552. */
  size?: number;
};

export type TestSmtp = {
  url: string;
  port: number;
  received: Received[];
  /** Each message's key, with when the server took it (performance.now()). */
  arrivals: { key: string; at: number }[];
  behaviour: Behaviour;
  /** How many deliveries reached DATA, accepted or not. */
  attempts: number;
  close(): Promise<void>;
};

export async function startSmtp(behaviour: Behaviour = {}, port = 0): Promise<TestSmtp> {
  const received: Received[] = [];
  const arrivals: TestSmtp['arrivals'] = [];
  const state = { attempts: 0, greylisted: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: behaviour.size,
    logger: false,
    // A client killed mid-conversation leaves its socket open: do not wait the default 30 s for it.
    closeTimeout: 500,
    onRcptTo(address, _session, callback) {
      if (t.behaviour.refuse?.includes(address.address)) {
        const e = Object.assign(new Error('No such mailbox here'), { responseCode: 550 });
        return callback(e);
      }
      callback();
    },
    onData(stream, session, callback) {
      state.attempts += 1;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          return callback(Object.assign(new Error('Message too big for this server'), { responseCode: 552 }));
        }
        if ((t.behaviour.greylist ?? 0) > state.greylisted) {
          state.greylisted += 1;
          return callback(Object.assign(new Error('Greylisted: try again later'), { responseCode: 451 }));
        }
        const raw = Buffer.concat(chunks);
        // Headers unfolded first: a long one arrives folded onto the next line.
        const headers = raw.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
        arrivals.push({ key: /^X-Onward-Key:\s*(.+)$/im.exec(headers)?.[1]?.trim() ?? '', at: performance.now() });
        if (t.behaviour.keysOnly) return callback();
        simpleParser(raw).then(
          (mail) => {
            received.push({
              to: session.envelope.rcptTo.map((r) => r.address).join(', '),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              key: String(mail.headers.get('x-onward-key') ?? ''),
              messageId: mail.messageId ?? '',
              attachments: mail.attachments.map((a) => ({
                filename: a.filename ?? '',
                contentType: a.contentType,
                content: a.content,
              })),
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.server.address() as AddressInfo).port;
  const t: TestSmtp = {
    url: `smtp://127.0.0.1:${bound}`,
    port: bound,
    received,
    arrivals,
    behaviour,
    get attempts() {
      return state.attempts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A client killed mid-conversation never says QUIT: its socket would hold the test process
        // open until the server's idle timeout.
        for (const c of server.connections) c.close();
      }),
  };
  return t;
}
