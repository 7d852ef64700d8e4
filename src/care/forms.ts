import { cleanText, type DateParts, dateParts, type Parsed, parseDateParts, text } from '#platform/forms.ts';
import { isKeyOf } from '#platform/http/input.ts';
import { type Discharge, dischargeReasons, REASON_TEXT_MAX } from './model.ts';

/** What the discharge page posts, as strings. */
export type DischargeAnswers = { reason: string; reasonText: string; on: DateParts; followUpReason: string };

export function dischargeAnswers(body: unknown): DischargeAnswers {
  return {
    reason: text(body, 'reason'),
    reasonText: text(body, 'reasonText'),
    on: dateParts(body, 'on'),
    followUpReason: text(body, 'followUpReason'),
  };
}

/** The form's own checks (a reason from the list, a real date, lengths); the model's rules come after. */
export function parseDischarge(a: DischargeAnswers, today: string): Parsed<Discharge> {
  const issues: Record<string, string> = {};
  if (!isKeyOf(dischargeReasons, a.reason)) issues.reason = 'Select why care is ending';
  const on = parseDateParts(a.on, 'The date care ended', today, 'past');
  if (!on.ok) issues.on = on.message;
  const reasonText = cleanText(a.reasonText);
  const followUpReason = cleanText(a.followUpReason);
  const tooLong = `must be ${REASON_TEXT_MAX.toLocaleString('en-GB')} characters or fewer`;
  if (reasonText.length > REASON_TEXT_MAX) issues.reasonText = `The reason ${tooLong}`;
  if (followUpReason.length > REASON_TEXT_MAX) issues.followUpReason = `Why follow-up is not needed ${tooLong}`;
  if (Object.keys(issues).length > 0 || !on.ok || !isKeyOf(dischargeReasons, a.reason)) return { ok: false, issues };
  return { ok: true, value: { reason: a.reason, reasonText, on: on.value, followUpReason } };
}
