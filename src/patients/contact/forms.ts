import { z } from 'zod';
import { type DateParts, dateParts, type Parsed, parseDateParts, parseVersion, text } from '#platform/forms.ts';
import { type ConsentWay, consentWays } from '../../consent/model.ts';
import { type ContactPreferences, emailAddress, mobileNumber } from './model.ts';

// The form for how the person agreed to be contacted. A blank number or address means "not by that".

export type ContactAnswers = {
  mobile: string;
  email: string;
  nameServices: string;
  way: string;
  givenOn: DateParts;
  version: string;
};

export const contactAnswers = (body: unknown): ContactAnswers => ({
  mobile: text(body, 'mobile'),
  email: text(body, 'email'),
  nameServices: text(body, 'nameServices'),
  way: text(body, 'way'),
  givenOn: dateParts(body, 'givenOn'),
  version: text(body, 'version'),
});

const ways = Object.keys(consentWays) as [ConsentWay, ...ConsentWay[]];

export function parseContact(
  a: ContactAnswers,
  today: string,
): Parsed<{ preferences: ContactPreferences; version: number }> {
  const issues: Record<string, string> = {};
  const mobile = a.mobile.trim() === '' ? null : mobileNumber(a.mobile);
  if (mobile && !mobile.ok) issues.mobile = mobile.message;
  const email = a.email.trim() === '' ? null : emailAddress(a.email);
  if (email && !email.ok) issues.email = email.message;
  const names = z.enum(['yes', 'no']).safeParse(a.nameServices);
  if (!names.success) issues.nameServices = 'Select whether a message may name the service';
  const way = z.enum(ways).safeParse(a.way);
  if (!way.success) issues.way = 'Select how the person told you';
  const day = parseDateParts(a.givenOn, 'The day they told you', today, 'past');
  if (!day.ok) issues.givenOn = day.message;
  // 0: nothing was recorded when the form was opened.
  const version = a.version === '0' ? 0 : parseVersion(a.version);
  if (version === null) issues.version = 'Open the form again: it did not say which version you changed';
  if (
    Object.keys(issues).length > 0 ||
    (mobile && !mobile.ok) ||
    (email && !email.ok) ||
    !names.success ||
    !way.success ||
    !day.ok ||
    version === null
  )
    return { ok: false, issues };
  return {
    ok: true,
    value: {
      preferences: {
        mobile: mobile?.value ?? null,
        email: email?.value ?? null,
        nameServices: names.data === 'yes',
        way: way.data,
        givenOn: day.value,
      },
      version,
    },
  };
}
