import type { ConsentWay } from '../../consent/model.ts';
import { emailProblem } from '../../notify/model.ts';

// How the person agreed to hear from the services caring for them: texts to a mobile number,
// emails to an address, and whether a message may name the service they were referred to. A
// person in crisis may share a phone, or not want a family member to read "Talking Therapies" on
// a lock screen (the research's people asked to be told what was happening, in their own way):
// nothing is sent by a channel they did not agree to, and nothing names a service unless they said so.

export type ContactPreferences = {
  /** A UK mobile number, 07 and nine digits; null: no texts. */
  mobile: string | null;
  /** null: no emails. */
  email: string | null;
  /** May a message name the service (and where it is)? Otherwise it says "the service you were referred to". */
  nameServices: boolean;
  way: ConsentWay;
  givenOn: string;
};

export type SavedContact = ContactPreferences & { version: number; recordedAt: Date; recordedByName: string };

/**
 * A UK mobile number as GOV.UK Notify takes it, from what people type: spaces, dashes, brackets,
 * +44 or 0044 in front. Landlines cannot take a text, so they are refused here, not at the send.
 */
export function mobileNumber(raw: string): { ok: true; value: string } | { ok: false; message: string } {
  const plain = raw.replace(/[\s\-().]/g, '');
  const national = plain.replace(/^(?:\+44|0044|44)(?=7)/, '0');
  if (!/^[+0-9]+$/.test(plain))
    return { ok: false, message: 'Enter a mobile number using digits only, like 07700 900123' };
  if (!/^07\d{9}$/.test(national))
    return { ok: false, message: 'Enter a UK mobile number: 07 and 9 more digits, like 07700 900123' };
  return { ok: true, value: national };
}

export function emailAddress(raw: string): { ok: true; value: string } | { ok: false; message: string } {
  const value = raw.trim();
  const problem = emailProblem(value);
  return problem ? { ok: false, message: 'Enter an email address like name@example.com' } : { ok: true, value };
}

export type Reach = { channel: 'sms' | 'email'; recipient: string };

/** Where a message to the person may go now: each channel they agreed to, once. */
export function reachOf(p: Pick<ContactPreferences, 'mobile' | 'email'> | null): Reach[] {
  if (!p) return [];
  return [
    ...(p.mobile ? [{ channel: 'sms' as const, recipient: p.mobile }] : []),
    ...(p.email ? [{ channel: 'email' as const, recipient: p.email }] : []),
  ];
}

/** A message queued to the person still stands only while the same number or address does. */
export const stillReaches = (p: Pick<ContactPreferences, 'mobile' | 'email'> | null, r: Reach) =>
  reachOf(p).some((x) => x.channel === r.channel && x.recipient.toLowerCase() === r.recipient.toLowerCase());
