import { defineMachine } from '#platform/state.ts';

// The 48-hour follow-up after a psychosocial assessment (NICE NG225: follow-up within 48 hours of
// the assessment for people discharged after it). The clock is its own record: it starts when the
// person was seen — not when the assessment was typed up — and is due until contact with the person
// is made and noted (done), or a clinician stops it with a recorded reason (never a silent drop).

export const FOLLOW_UP_WITHIN_HOURS = 48;
const HOUR_MS = 3_600_000;

/** When the follow-up falls due: 48 hours after the assessment took place. */
export function dueAfter(assessedAt: Date): Date {
  return new Date(assessedAt.getTime() + FOLLOW_UP_WITHIN_HOURS * HOUR_MS);
}

export const followUpStates = defineMachine({
  subject: 'This follow-up',
  states: {
    due: 'is due',
    done: 'has been done',
    stopped: 'was stopped with a recorded reason',
  },
  events: {
    // A failed attempt leaves it due; only contact with the person, noted, makes it done.
    'follow-up.attempted': { from: ['due'], to: 'due', code: 'follow-up-closed' },
    'follow-up.done': { from: ['due'], to: 'done', code: 'follow-up-closed' },
    'follow-up.stopped': { from: ['due'], to: 'stopped', code: 'follow-up-closed' },
    // The clinic: a booking or a missed appointment is on the follow-up's record; the clock runs on
    // (an appointment is not contact), and a did-not-attend leaves it due and back on the worklist.
    'follow-up.booked': { from: ['due'], to: 'due', code: 'follow-up-closed' },
    'follow-up.not-attended': { from: ['due'], to: 'due', code: 'follow-up-closed' },
  },
});
export type FollowUpState = keyof typeof followUpStates.states;

export const attemptMethods = {
  phone: 'Phone call',
  video: 'Video call',
  'in-person': 'In person',
  'home-visit': 'Home visit',
  text: 'Text message',
  letter: 'Letter',
} as const;
export type AttemptMethod = keyof typeof attemptMethods;

/** What happened. Only the first counts as contact with the person. */
export const attemptResults = {
  spoke: 'Spoke with the person',
  'no-answer': 'No answer',
  'message-left': 'Left a message',
  'wrong-number': 'Wrong number',
  carer: 'Spoke with a carer or family member',
  declined: 'The person declined to talk',
} as const;
export type AttemptResult = keyof typeof attemptResults;

export const stopReasons = {
  admitted: 'Admitted to hospital',
  'other-team': 'Followed up by another team',
  declined: 'Declined follow-up',
  'moved-away': 'Moved out of the area',
  died: 'Died',
  other: 'Another reason',
} as const;
export type StopReason = keyof typeof stopReasons;

export const NOTE_MAX = 4000;

export type Attempt = {
  at: Date;
  method: AttemptMethod;
  result: AttemptResult;
  /** How they are, whether the safety plan is working, what happens next: required for contact. */
  note: string;
  /** After a failed attempt: when to try again. */
  nextTryAt: Date | null;
};

export type AttemptProblem = { field: 'at' | 'note' | 'nextTryAt'; message: string };

/**
 * An attempt's rules: not before the assessment, not in the future; contact with the person is
 * noted (that note is what makes the follow-up done); a failed attempt says when to try next,
 * after this attempt.
 */
export function checkAttempt(a: Attempt, context: { assessedAt: Date; now: Date }): AttemptProblem[] {
  const problems: AttemptProblem[] = [];
  if (a.at.getTime() > context.now.getTime())
    problems.push({ field: 'at', message: 'The attempt must be now or in the past' });
  else if (a.at.getTime() < context.assessedAt.getTime())
    problems.push({ field: 'at', message: 'The attempt must be after the assessment' });
  if (a.result === 'spoke' && a.note.trim() === '')
    problems.push({
      field: 'note',
      message: 'Say how the person is, whether their safety plan is working, and what happens next',
    });
  if (a.result !== 'spoke') {
    if (!a.nextTryAt) problems.push({ field: 'nextTryAt', message: 'Say when to try again' });
    else if (a.nextTryAt.getTime() <= a.at.getTime())
      problems.push({ field: 'nextTryAt', message: 'The next try must be after this attempt' });
  }
  return problems;
}

/** Contact made and noted is the one thing that makes a follow-up done. */
export const makesDone = (a: Pick<Attempt, 'result'>): boolean => a.result === 'spoke';

export type Stop = { reason: StopReason; reasonText: string; otherTeam: string; otherTeamSawOn: string | null };

export type StopProblem = { field: 'reason' | 'reasonText' | 'otherTeam' | 'otherTeamSawOn'; message: string };

/** Stopping needs a reason; "another team" says which and when they saw the person; "another reason" says what. */
export function checkStop(s: Stop, context: { assessedOn: string; today: string }): StopProblem[] {
  const problems: StopProblem[] = [];
  if (s.reason === 'other' && s.reasonText.trim() === '')
    problems.push({ field: 'reasonText', message: 'Say why the follow-up is not needed' });
  if (s.reason === 'other-team') {
    if (s.otherTeam.trim() === '')
      problems.push({ field: 'otherTeam', message: 'Say which team followed the person up' });
    if (!s.otherTeamSawOn)
      problems.push({ field: 'otherTeamSawOn', message: 'Say when the other team saw the person' });
    else if (s.otherTeamSawOn > context.today)
      problems.push({ field: 'otherTeamSawOn', message: 'The day they were seen must be today or in the past' });
    else if (s.otherTeamSawOn < context.assessedOn)
      problems.push({ field: 'otherTeamSawOn', message: 'The day they were seen must be on or after the assessment' });
  }
  return problems;
}

/** Where a due follow-up stands now, for the worklist: overdue, due within 12 hours, due later. */
export type Urgency = 'overdue' | 'within-12-hours' | 'later';

export function urgencyOf(dueAt: Date, now: Date): Urgency {
  const left = dueAt.getTime() - now.getTime();
  if (left <= 0) return 'overdue';
  if (left <= 12 * HOUR_MS) return 'within-12-hours';
  return 'later';
}

/** "5 hours 20 minutes left" or "3 hours over": the worklist's words for the time. */
export function timeLeftText(dueAt: Date, now: Date): string {
  const ms = dueAt.getTime() - now.getTime();
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const span =
    hours >= 24
      ? `${Math.floor(hours / 24)} day${Math.floor(hours / 24) === 1 ? '' : 's'} ${hours % 24} hour${hours % 24 === 1 ? '' : 's'}`
      : hours > 0
        ? `${hours} hour${hours === 1 ? '' : 's'} ${rest} minute${rest === 1 ? '' : 's'}`
        : `${rest} minute${rest === 1 ? '' : 's'}`;
  return ms > 0 ? `${span} left` : `${span} over`;
}

/** Whether the assessment time typed is possible: not in the future, not before the person arrived. */
export function checkAssessedAt(assessedAt: Date, context: { arrivedAt: Date; now: Date }): string | null {
  if (assessedAt.getTime() > context.now.getTime()) return 'When the assessment took place must be now or in the past';
  if (assessedAt.getTime() < context.arrivedAt.getTime())
    return 'When the assessment took place must be after the person arrived at hospital';
  return null;
}

// Reminders, handed to the outbox (which sends them; until it exists the worklist is the reminder).
// Each is a fact about time — the follow-up falls due within 12 hours, or its 48 hours are over —
// found by a scheduled job for a window of time, so each is found once; its key says what it is,
// so a job run twice over the same window sends nothing twice.

export const reminderKinds = {
  'due-soon': 'Follow-up due within 12 hours',
  breached: 'Follow-up not done within 48 hours',
} as const;
export type ReminderKind = keyof typeof reminderKinds;

export const DUE_SOON_MS = 12 * HOUR_MS;

/** When each reminder of a follow-up falls: 12 hours before it is due, and when it is due. */
export function reminderMoments(dueAt: Date): Record<ReminderKind, Date> {
  return { 'due-soon': new Date(dueAt.getTime() - DUE_SOON_MS), breached: dueAt };
}

/** The reminders of a follow-up that fall in the window (from, to]: what one run of the job sends. */
export function remindersIn(dueAt: Date, from: Date, to: Date): ReminderKind[] {
  return (Object.entries(reminderMoments(dueAt)) as [ReminderKind, Date][])
    .filter(([, at]) => at.getTime() > from.getTime() && at.getTime() <= to.getTime())
    .map(([kind]) => kind);
}

/** The idempotency key: this reminder of this follow-up to this person, whatever the run. */
export const reminderKey = (followUpId: string, kind: ReminderKind, recipientId: string) =>
  `follow-up:${followUpId}:${kind}:${recipientId}`;

/** A follow-up in a line, for the assessment on the timeline: where it stands and whether it was in time. */
export function followUpLine(
  f: { id: string; state: FollowUpState; dueAt: Date; contactedAt: Date | null; stopReason: StopReason | null },
  now: Date,
  show: (d: Date) => string,
): { id: string; text: string; colour: 'red' | 'orange' | 'green' | 'grey' } {
  if (f.state === 'done' && f.contactedAt) {
    const inTime = f.contactedAt.getTime() <= f.dueAt.getTime();
    return {
      id: f.id,
      text: `Followed up ${show(f.contactedAt)}, ${inTime ? 'within' : 'after'} the 48 hours`,
      colour: inTime ? 'green' : 'orange',
    };
  }
  if (f.state === 'stopped')
    return {
      id: f.id,
      text: `Follow-up stopped: ${f.stopReason ? stopReasons[f.stopReason] : 'with a reason'}`,
      colour: 'grey',
    };
  return urgencyOf(f.dueAt, now) === 'overdue'
    ? { id: f.id, text: `Follow-up overdue: it was due by ${show(f.dueAt)}`, colour: 'red' }
    : { id: f.id, text: `Follow-up due by ${show(f.dueAt)}`, colour: 'orange' };
}
