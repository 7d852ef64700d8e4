import { z } from 'zod';
import { type DateParts, dateParts, list, type Parsed, parseDateParts, proseText, text } from '#platform/forms.ts';
import { type ConsentWay, consentWays, isShareable, REASON_MAX, type Shareable } from './model.ts';

// Consent's forms: what the person agreed to share, how and when; and why it is withdrawn.

export type ConsentAnswers = {
  serviceId: string;
  /** The referral the form was opened from, to go back to; not part of the consent. */
  referralId: string;
  shares: string[];
  way: string;
  givenOn: DateParts;
};

export const consentAnswers = (body: unknown): ConsentAnswers => ({
  serviceId: text(body, 'serviceId'),
  referralId: text(body, 'referralId'),
  shares: list(body, 'shares'),
  way: text(body, 'way'),
  givenOn: dateParts(body, 'givenOn'),
});

const ways = Object.keys(consentWays) as [ConsentWay, ...ConsentWay[]];

export function parseConsent(
  a: ConsentAnswers,
  today: string,
): Parsed<{ serviceId: string; shares: Shareable[]; way: ConsentWay; givenOn: string }> {
  const issues: Record<string, string> = {};
  const service = z.uuid().safeParse(a.serviceId.trim().toLowerCase());
  if (!service.success) issues.serviceId = 'Choose the service from the directory';
  if (a.shares.some((s) => !isShareable(s))) issues.shares = 'Choose what may be shared from the list';
  const way = z.enum(ways).safeParse(a.way);
  if (!way.success) issues.way = 'Select how the person gave consent';
  const day = parseDateParts(a.givenOn, 'The day they agreed', today, 'past');
  if (!day.ok) issues.givenOn = day.message;
  if (Object.keys(issues).length > 0 || !service.success || !way.success || !day.ok) return { ok: false, issues };
  return {
    ok: true,
    value: {
      serviceId: service.data,
      shares: [...new Set(a.shares as Shareable[])],
      way: way.data,
      givenOn: day.value,
    },
  };
}

export function parseWithdrawal(body: unknown): Parsed<string> {
  const reason = proseText('The reason', REASON_MAX).safeParse(text(body, 'reason'));
  if (!reason.success) return { ok: false, issues: { reason: reason.error.issues[0]!.message } };
  if (reason.data === '') return { ok: false, issues: { reason: 'Say why consent is withdrawn' } };
  return { ok: true, value: reason.data };
}

/** How the person said so, as the form's radios: shared by consent to share and consent to contact. */
export const consentWayItems = (chosen: string) =>
  Object.entries(consentWays).map(([value, text]) => ({ value, text, id: `way-${value}`, checked: chosen === value }));
