import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { transition } from '#platform/state.ts';
import {
  type Attempt,
  checkAssessedAt,
  checkAttempt,
  checkStop,
  dueAfter,
  followUpLine,
  followUpStates,
  makesDone,
  type ReminderKind,
  reminderKey,
  reminderMoments,
  remindersIn,
  timeLeftText,
  urgencyOf,
} from './model.ts';

const assessedAt = new Date('2026-11-20T02:30:00Z');
const now = new Date('2026-11-21T09:00:00Z');
const attempt = (over: Partial<Attempt> = {}): Attempt => ({
  at: new Date('2026-11-21T08:00:00Z'),
  method: 'phone',
  result: 'spoke',
  note: 'Feeling a bit better; the safety plan helped on Tuesday night; GP on Friday.',
  nextTryAt: null,
  ...over,
});

test('the clock runs 48 hours from when the person was seen (NICE NG225)', () => {
  assert.deepEqual(dueAfter(assessedAt), new Date('2026-11-22T02:30:00Z'));
});

test('the assessment time cannot be in the future or before the person arrived', () => {
  const arrivedAt = new Date('2026-11-19T23:00:00Z');
  assert.equal(checkAssessedAt(assessedAt, { arrivedAt, now }), null);
  assert.match(checkAssessedAt(new Date('2026-11-22T00:00:00Z'), { arrivedAt, now })!, /now or in the past/);
  assert.match(checkAssessedAt(new Date('2026-11-19T22:00:00Z'), { arrivedAt, now })!, /after the person arrived/);
});

test('contact with the person, noted, makes a follow-up done; anything else keeps it due and says when to try next', () => {
  assert.deepEqual(checkAttempt(attempt(), { assessedAt, now }), []);
  assert.equal(makesDone(attempt()), true);
  assert.deepEqual(
    checkAttempt(attempt({ note: '  ' }), { assessedAt, now }).map((p) => p.field),
    ['note'],
  );
  const noAnswer = attempt({ result: 'no-answer', note: '' });
  assert.equal(makesDone(noAnswer), false);
  assert.deepEqual(
    checkAttempt(noAnswer, { assessedAt, now }).map((p) => p.message),
    ['Say when to try again'],
  );
  assert.deepEqual(
    checkAttempt({ ...noAnswer, nextTryAt: new Date('2026-11-21T07:00:00Z') }, { assessedAt, now }).map((p) => p.field),
    ['nextTryAt'],
  );
  assert.deepEqual(checkAttempt({ ...noAnswer, nextTryAt: new Date('2026-11-21T12:00:00Z') }, { assessedAt, now }), []);
  // Spoke with a carer: not contact with the person.
  assert.equal(makesDone(attempt({ result: 'carer' })), false);
});

test('an attempt cannot be dated before the assessment or in the future', () => {
  assert.deepEqual(
    checkAttempt(attempt({ at: new Date('2026-11-20T01:00:00Z') }), { assessedAt, now }).map((p) => p.message),
    ['The attempt must be after the assessment'],
  );
  assert.deepEqual(
    checkAttempt(attempt({ at: new Date('2026-11-21T10:00:00Z') }), { assessedAt, now }).map((p) => p.message),
    ['The attempt must be now or in the past'],
  );
});

test('stopping the clock needs a reason, and another team named with when they saw the person', () => {
  const context = { assessedOn: '2026-11-20', today: '2026-11-21' };
  const stop = { reason: 'admitted' as const, reasonText: '', otherTeam: '', otherTeamSawOn: null };
  assert.deepEqual(checkStop(stop, context), []);
  assert.deepEqual(
    checkStop({ ...stop, reason: 'other' }, context).map((p) => p.field),
    ['reasonText'],
  );
  assert.deepEqual(
    checkStop({ ...stop, reason: 'other-team' }, context).map((p) => p.field),
    ['otherTeam', 'otherTeamSawOn'],
  );
  assert.deepEqual(
    checkStop({ ...stop, reason: 'other-team', otherTeam: 'Crisis team', otherTeamSawOn: '2026-11-19' }, context).map(
      (p) => p.message,
    ),
    ['The day they were seen must be on or after the assessment'],
  );
  assert.deepEqual(
    checkStop({ ...stop, reason: 'other-team', otherTeam: 'Crisis team', otherTeamSawOn: '2026-11-22' }, context).map(
      (p) => p.message,
    ),
    ['The day they were seen must be today or in the past'],
  );
});

test('a follow-up is done or stopped once: nothing moves it again', () => {
  assert.deepEqual(transition(followUpStates, 'due', 'follow-up.attempted'), { from: 'due', to: 'due' });
  assert.deepEqual(transition(followUpStates, 'due', 'follow-up.done'), { from: 'due', to: 'done' });
  assert.throws(() => transition(followUpStates, 'done', 'follow-up.stopped'), /has been done/);
  assert.throws(() => transition(followUpStates, 'stopped', 'follow-up.attempted'), /was stopped/);
});

test('the worklist says how long is left or how far over, and marks overdue and the last 12 hours', () => {
  const due = new Date('2026-11-22T02:30:00Z');
  assert.equal(urgencyOf(due, new Date('2026-11-22T02:30:00Z')), 'overdue');
  assert.equal(urgencyOf(due, new Date('2026-11-21T15:00:00Z')), 'within-12-hours');
  assert.equal(urgencyOf(due, new Date('2026-11-21T14:00:00Z')), 'later');
  assert.equal(timeLeftText(due, new Date('2026-11-21T21:10:00Z')), '5 hours 20 minutes left');
  assert.equal(timeLeftText(due, new Date('2026-11-22T05:30:00Z')), '3 hours 0 minutes over');
  assert.equal(timeLeftText(due, new Date('2026-11-20T01:30:00Z')), '2 days 1 hour left');
  assert.equal(timeLeftText(due, new Date('2026-11-22T02:20:00Z')), '10 minutes left');
});

test('property: consecutive windows find each reminder exactly once, at its moment', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 200 * 3_600_000 }),
      fc.array(fc.integer({ min: 1, max: 6 * 3_600_000 }), { minLength: 1, maxLength: 80 }),
      (dueOffset, steps) => {
        const start = new Date('2026-11-20T00:00:00Z');
        const dueAt = new Date(start.getTime() + dueOffset);
        const found: ReminderKind[] = [];
        let from = start;
        for (const step of steps) {
          const to = new Date(from.getTime() + step);
          found.push(...remindersIn(dueAt, from, to));
          from = to;
        }
        const moments = reminderMoments(dueAt);
        const expected = (Object.keys(moments) as ReminderKind[]).filter(
          (k) => moments[k] > start && moments[k] <= from,
        );
        assert.deepEqual(found.sort(), expected.sort());
      },
    ),
  );
  assert.equal(reminderKey('f1', 'breached', 'u1'), 'follow-up:f1:breached:u1');
});

test('a follow-up in a line on the timeline: due, overdue, done in time or late, stopped', () => {
  const show = (d: Date) => d.toISOString();
  const dueAt = new Date('2026-11-22T02:30:00Z');
  const f = { id: 'f', state: 'due' as const, dueAt, contactedAt: null, stopReason: null };
  assert.equal(followUpLine(f, now, show).colour, 'orange');
  assert.match(followUpLine(f, new Date('2026-11-23T00:00:00Z'), show).text, /^Follow-up overdue/);
  const done = { ...f, state: 'done' as const, contactedAt: new Date('2026-11-21T08:00:00Z') };
  assert.deepEqual(followUpLine(done, now, show), {
    id: 'f',
    text: 'Followed up 2026-11-21T08:00:00.000Z, within the 48 hours',
    colour: 'green',
  });
  assert.match(
    followUpLine({ ...done, contactedAt: new Date('2026-11-22T09:00:00Z') }, now, show).text,
    /after the 48 hours/,
  );
  assert.equal(
    followUpLine({ ...f, state: 'stopped', stopReason: 'admitted' }, now, show).text,
    'Follow-up stopped: Admitted to hospital',
  );
});
