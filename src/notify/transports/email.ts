import nodemailer from 'nodemailer';
import type { Composed } from '../compose.ts';
import { type Handover, smtpFailure } from '../model.ts';

// Email through nodemailer over SMTP (SMTP_URL), one connection per message: a referral letter is
// a handful a day, not a mailing list, and a fresh connection cannot carry a broken one's state.
// The Message-ID is derived from the message's key, so the recipient's mail system can see that
// a message a person chose to send again is the same one.

export type EmailTransport = {
  channel: 'email';
  name: string;
  send(to: { address: string; name: string }, composed: Composed, key: string): Promise<Handover>;
  close(): void;
};

export type EmailOptions = {
  url: string;
  from: string;
  /** Milliseconds to wait for a connection, the greeting, and each reply. */
  timeoutMs?: number;
};

export function smtpTransport(o: EmailOptions): EmailTransport {
  const timeout = o.timeoutMs ?? 30_000;
  const url = new URL(o.url);
  const secure = url.protocol === 'smtps:';
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port) || (secure ? 465 : 587),
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // A relay on this machine or in tests may offer STARTTLS with a certificate of its own.
    tls: { rejectUnauthorized: url.searchParams.get('tls') !== 'insecure' },
  });
  const host = url.hostname;
  return {
    channel: 'email',
    name: `SMTP (${host})`,
    async send(to, composed, key) {
      try {
        const info = await transporter.sendMail({
          from: o.from,
          to: { name: to.name, address: to.address },
          subject: composed.subject,
          text: composed.text,
          messageId: `<${composed.messageId}@onward>`,
          headers: { 'X-Onward-Key': key },
          attachments: composed.attachments.map((a) => ({
            filename: a.filename,
            content: a.content,
            contentType: a.contentType,
          })),
        });
        if (info.rejected.length > 0)
          return { ok: false, kind: 'permanent', reason: `The mail server refused ${to.address}` };
        return { ok: true, transportId: info.messageId };
      } catch (error) {
        return smtpFailure(error as Parameters<typeof smtpFailure>[0]);
      }
    },
    close: () => transporter.close(),
  };
}
