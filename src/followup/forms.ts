import { z } from 'zod';
import {
  type DateParts,
  dateAndTime,
  dateParts,
  formParser,
  type Parsed,
  parseDateParts,
  proseText,
  text,
} from '#platform/forms.ts';
import {
  type Attempt,
  type AttemptMethod,
  type AttemptResult,
  attemptMethods,
  attemptResults,
  NOTE_MAX,
  type Stop,
  type StopReason,
  stopReasons,
} from './model.ts';

// The follow-up's two forms: an attempt (when, how, what happened, the note, when to try next)
// and stopping the clock (why; another team named with when they saw the person).

export type AttemptAnswers = {
  on: DateParts;
  time: string;
  method: string;
  result: string;
  note: string;
  nextOn: DateParts;
  nextTime: string;
};

export function attemptAnswers(body: unknown): AttemptAnswers {
  return {
    on: dateParts(body, 'on'),
    time: text(body, 'time'),
    method: text(body, 'method'),
    result: text(body, 'result'),
    note: text(body, 'note'),
    nextOn: dateParts(body, 'nextOn'),
    nextTime: text(body, 'nextTime'),
  };
}

const methods = Object.keys(attemptMethods) as [AttemptMethod, ...AttemptMethod[]];
const results = Object.keys(attemptResults) as [AttemptResult, ...AttemptResult[]];

export function parseAttempt(a: AttemptAnswers, today: string): Parsed<Attempt> {
  const issues: Record<string, string> = {};
  const at = dateAndTime(a.on, a.time, 'of the attempt', today, 'past');
  if (!at.ok) {
    if (at.day) issues.on = at.day;
    if (at.time) issues.time = at.time;
  }
  const method = z.enum(methods).safeParse(a.method);
  if (!method.success) issues.method = 'Select how you tried to reach the person';
  const result = z.enum(results).safeParse(a.result);
  if (!result.success) issues.result = 'Select what happened';
  const note = proseText('The note', NOTE_MAX).safeParse(a.note);
  if (!note.success) issues.note = note.error.issues[0]!.message;
  // When to try again matters only after a failed attempt; left blank, the model asks for it.
  const nextGiven = a.nextOn.day || a.nextOn.month || a.nextOn.year || a.nextTime;
  const next = nextGiven ? dateAndTime(a.nextOn, a.nextTime, 'to try again', '9999-12-31', 'any') : undefined;
  if (next && !next.ok) {
    if (next.day) issues.nextOn = next.day;
    if (next.time) issues.nextTime = next.time;
  }
  if (Object.keys(issues).length > 0 || !at.ok || !method.success || !result.success || !note.success)
    return { ok: false, issues };
  return {
    ok: true,
    value: {
      at: at.value,
      method: method.data,
      result: result.data,
      note: note.data,
      nextTryAt: next?.ok ? next.value : null,
    },
  };
}

export type StopAnswers = { reason: string; reasonText: string; otherTeam: string; otherTeamSawOn: DateParts };

export function stopAnswers(body: unknown): StopAnswers {
  return {
    reason: text(body, 'reason'),
    reasonText: text(body, 'reasonText'),
    otherTeam: text(body, 'otherTeam'),
    otherTeamSawOn: dateParts(body, 'otherTeamSawOn'),
  };
}

const reasons = Object.keys(stopReasons) as [StopReason, ...StopReason[]];

export function parseStop(a: StopAnswers, today: string): Parsed<Stop> {
  const parsed = formParser(
    z.object({
      reason: z.enum(reasons, { message: 'Select why the follow-up is not needed' }),
      reasonText: proseText('The reason', NOTE_MAX),
      otherTeam: proseText('The team', 200),
    }),
  )(a);
  const seen = a.otherTeamSawOn;
  const sawGiven = seen.day || seen.month || seen.year;
  const saw = sawGiven ? parseDateParts(seen, 'The day they were seen', today, 'any') : undefined;
  if (!parsed.ok || (saw && !saw.ok)) {
    const issues = parsed.ok ? {} : { ...parsed.issues };
    if (saw && !saw.ok) issues.otherTeamSawOn = saw.message;
    return { ok: false, issues };
  }
  return { ok: true, value: { ...parsed.value, otherTeamSawOn: saw?.ok ? saw.value : null } };
}
