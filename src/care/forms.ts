import { z } from 'zod';
import { type DateParts, dateField, dateParts, formParser, type Parsed, proseText, text } from '#platform/forms.ts';
import { type Discharge, type DischargeReason, dischargeReasons, REASON_TEXT_MAX } from './model.ts';

/** What the discharge page posts, as strings. */
export type DischargeAnswers = {
  reason: string;
  reasonText: string;
  on: DateParts;
  followUpReason: string;
  referralsReason: string;
};

export function dischargeAnswers(body: unknown): DischargeAnswers {
  return {
    reason: text(body, 'reason'),
    reasonText: text(body, 'reasonText'),
    on: dateParts(body, 'on'),
    followUpReason: text(body, 'followUpReason'),
    referralsReason: text(body, 'referralsReason'),
  };
}

const reasons = Object.keys(dischargeReasons) as [DischargeReason, ...DischargeReason[]];

/** The form's own checks (a reason from the list, a real date, lengths); the model's rules come after. */
export function parseDischarge(a: DischargeAnswers, today: string): Parsed<Discharge> {
  return formParser(
    z.object({
      reason: z.enum(reasons, { message: 'Select why care is ending' }),
      reasonText: proseText('The reason', REASON_TEXT_MAX),
      on: dateField('The date care ended', today, 'past'),
      followUpReason: proseText('Why follow-up is not needed', REASON_TEXT_MAX),
      referralsReason: proseText('Who follows the open referrals up', REASON_TEXT_MAX),
    }),
  )(a);
}
