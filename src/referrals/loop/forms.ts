import { z } from 'zod';
import { type DateParts, dateAndTime, dateParts, type Parsed, proseText, text, writtenText } from '#platform/forms.ts';
import { REASON_TEXT_MAX, type RejectionReason, rejectionReasons, type Stage, stages } from './model.ts';
import type { StepDetails } from './service.ts';

// The closed loop's forms: a step by the receiving service (which step, the stage the person saw,
// and what that step needs), and the referring team's answer or request to cancel.

export type StepAnswers = {
  step: string;
  seen: string;
  reason: string;
  text: string;
  question: string;
  on: DateParts;
  time: string;
  place: string;
  how: string;
  outcome: string;
};

export const stepAnswers = (body: unknown): StepAnswers => ({
  step: text(body, 'step'),
  seen: text(body, 'seen'),
  reason: text(body, 'reason'),
  text: text(body, 'text'),
  question: text(body, 'question'),
  on: dateParts(body, 'on'),
  time: text(body, 'time'),
  place: text(body, 'place'),
  how: text(body, 'how'),
  outcome: text(body, 'outcome'),
});

const serviceSteps = {
  accept: 'referral.accepted',
  reject: 'referral.rejected',
  ask: 'referral.information-asked',
  book: 'referral.booked',
  'cancel-appointment': 'referral.appointment-cancelled',
  attended: 'referral.attended',
  'did-not-attend': 'referral.did-not-attend',
  discharge: 'referral.discharged',
  'confirm-cancel': 'referral.cancelled',
} as const;
export type ServiceStepName = keyof typeof serviceSteps;
export const isServiceStep = (s: string): s is ServiceStepName => Object.hasOwn(serviceSteps, s);

export function parseSeen(value: string): Stage | null {
  return (stages as readonly string[]).includes(value) ? (value as Stage) : null;
}

export function parseServiceStep(a: StepAnswers): Parsed<{ seen: Stage; step: StepDetails }> {
  const seen = parseSeen(a.seen);
  if (!isServiceStep(a.step) || seen === null)
    return { ok: false, issues: { form: 'Open the referral again and choose what to do from there' } };
  const event = serviceSteps[a.step];
  const issues: Record<string, string> = {};
  let step: StepDetails | undefined;
  switch (event) {
    case 'referral.rejected': {
      const why = proseText('The reason in your words', REASON_TEXT_MAX).safeParse(a.text);
      if (!Object.hasOwn(rejectionReasons, a.reason)) issues.reason = 'Select why the referral is not accepted';
      if (!why.success) issues.text = why.error.issues[0]!.message;
      if (!issues.reason && why.success) step = { event, reason: a.reason as RejectionReason, text: why.data };
      break;
    }
    case 'referral.information-asked': {
      const q = writtenText(a.question, { name: 'The question', enter: 'Enter what you need to know' }, 4000);
      if (q.ok) step = { event, question: q.value };
      else issues.question = q.message;
      break;
    }
    case 'referral.booked': {
      const at = dateAndTime(a.on, a.time, 'of the appointment', '9999-12-31', 'any');
      if (!at.ok) {
        if (at.day) issues.on = at.day;
        if (at.time) issues.time = at.time;
      }
      const place = writtenText(
        a.place,
        { name: 'Where', enter: 'Enter where the appointment is, or the number you will call' },
        200,
      );
      if (!place.ok) issues.place = place.message;
      const how = z.enum(['in-person', 'phone', 'video']).safeParse(a.how);
      if (!how.success) issues.how = 'Select how the appointment will happen';
      if (at.ok && place.ok && how.success) step = { event, at: at.value, place: place.value, how: how.data };
      break;
    }
    case 'referral.discharged': {
      const outcome = writtenText(
        a.outcome,
        { name: 'The outcome', enter: 'Enter the outcome: what the service did and what happens next' },
        4000,
      );
      if (outcome.ok) step = { event, outcome: outcome.value };
      else issues.outcome = outcome.message;
      break;
    }
    default:
      step = { event };
  }
  if (!step || Object.keys(issues).length > 0) return { ok: false, issues };
  return { ok: true, value: { seen, step } };
}

export function parseAnswer(body: unknown): Parsed<{ seen: Stage; answer: string }> {
  const seen = parseSeen(text(body, 'seen'));
  if (seen === null) return { ok: false, issues: { answer: 'Open the referral again and answer from there' } };
  const answer = writtenText(
    text(body, 'answer'),
    { name: 'The answer', enter: 'Enter your answer to the service' },
    4000,
  );
  if (!answer.ok) return { ok: false, issues: { answer: answer.message } };
  return { ok: true, value: { seen, answer: answer.value } };
}

export function parseReconsider(body: unknown): Parsed<{ seen: Stage; challenge: string }> {
  const seen = parseSeen(text(body, 'seen'));
  if (seen === null) return { ok: false, issues: { challenge: 'Open the referral again and answer from there' } };
  const challenge = writtenText(
    text(body, 'challenge'),
    { name: 'Your answer', enter: 'Say why the service should think again' },
    4000,
  );
  if (!challenge.ok) return { ok: false, issues: { challenge: challenge.message } };
  return { ok: true, value: { seen, challenge: challenge.value } };
}

export function parseCancelRequest(body: unknown): Parsed<{ seen: Stage; reason: string }> {
  const seen = parseSeen(text(body, 'seen'));
  if (seen === null) return { ok: false, issues: { cancelReason: 'Open the referral again and cancel from there' } };
  const reason = writtenText(
    text(body, 'cancelReason'),
    { name: 'The reason', enter: 'Say why the referral should be cancelled' },
    2000,
  );
  if (!reason.ok) return { ok: false, issues: { cancelReason: reason.message } };
  return { ok: true, value: { seen, reason: reason.value } };
}
