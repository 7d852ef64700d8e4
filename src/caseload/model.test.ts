import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CaseFacts, currentSteps, firstMonth } from './model.ts';

const now = new Date('2026-11-25T10:00:00Z');
const show = (d: Date) => d.toISOString();
const codes = (f: CaseFacts) => currentSteps(f, now, show).map((s) => s.code);
const hours = (h: number) => new Date(now.getTime() + h * 3_600_000);
const assessed = (over: Partial<CaseFacts> = {}): CaseFacts => ({
  presentation: { outcome: 'discharged' },
  // Its follow-up done or stopped: no clock due.
  assessment: { status: 'final', followUpDueAt: null },
  carePlan: { version: 2, agreedVersion: 2 },
  hasSafetyPlan: true,
  ...over,
});

test('before anything is written, the first gap is the step shown', () => {
  const none: CaseFacts = { presentation: null, assessment: null, carePlan: null, hasSafetyPlan: false };
  assert.deepEqual(codes(none), ['record-attendance']);
  assert.deepEqual(codes({ ...none, presentation: { outcome: null } }), ['assessment-due']);
  assert.deepEqual(codes({ ...none, presentation: { outcome: 'left-before-assessment' } }), ['left-before-assessment']);
  assert.deepEqual(codes(assessed({ assessment: { status: 'draft', followUpDueAt: null } })), ['assessment-not-final']);
});

test('after a finalised assessment, every gap is listed: follow-up running, plan, agreement, safety plan', () => {
  assert.deepEqual(
    codes(
      assessed({ assessment: { status: 'final', followUpDueAt: hours(30) }, carePlan: null, hasSafetyPlan: false }),
    ),
    ['follow-up-due', 'care-plan-not-started', 'safety-plan-missing'],
  );
  assert.deepEqual(codes(assessed({ carePlan: { version: 3, agreedVersion: 2 } })), ['care-plan-not-agreed']);
  assert.deepEqual(codes(assessed({ carePlan: { version: 1, agreedVersion: null } })), ['care-plan-not-agreed']);
  assert.deepEqual(codes(assessed()), ['in-place']);
});

test('a due follow-up is urgent in its last 12 hours and overdue once its time has passed, until done or stopped', () => {
  const step = (h: number) =>
    currentSteps(assessed({ assessment: { status: 'final', followUpDueAt: hours(h) } }), now, show)[0]!;
  assert.deepEqual(step(13), {
    code: 'follow-up-due',
    text: `Follow-up due by ${hours(13).toISOString()}`,
    urgent: false,
  });
  assert.equal(step(12).urgent, true);
  assert.equal(step(0.1).urgent, true);
  // Past its time and still due: overdue, and the most pressing thing on the row.
  assert.deepEqual(step(-1), {
    code: 'follow-up-due',
    text: `Follow-up overdue since ${hours(-1).toISOString()}`,
    urgent: true,
  });
  assert.equal(step(0).text.startsWith('Follow-up overdue'), true);
});

test('the first month: from leaving hospital (home, or before assessment) for 30 days, with what is in place', () => {
  const left = (daysAgo: number, outcome: 'discharged' | 'admitted' | 'left-before-assessment' = 'discharged') => ({
    outcome,
    leftAt: new Date(now.getTime() - daysAgo * 86_400_000),
  });
  const full = assessed({
    presentation: left(0.5),
    followUp: { state: 'due', appointmentAt: hours(20) },
  });
  assert.deepEqual(firstMonth(full, now, show), {
    day: 1,
    inPlace: [`Clinic ${hours(20).toISOString()}`, 'Care plan agreed', 'Safety plan'],
  });
  assert.equal(firstMonth(assessed({ presentation: left(29.9) }), now, show)?.day, 30);
  assert.equal(firstMonth(assessed({ presentation: left(30) }), now, show), null);
  assert.equal(firstMonth(assessed({ presentation: left(3, 'admitted') }), now, show), null, 'still in hospital');
  assert.deepEqual(
    firstMonth(
      { presentation: left(2, 'left-before-assessment'), assessment: null, carePlan: null, hasSafetyPlan: false },
      now,
      show,
    ),
    { day: 3, inPlace: [] },
  );
  assert.equal(firstMonth(assessed({ presentation: { outcome: 'discharged', leftAt: null } }), now, show), null);
  assert.deepEqual(
    firstMonth(assessed({ presentation: left(1), followUp: { state: 'stopped', appointmentAt: null } }), now, show)
      ?.inPlace[0],
    'Follow-up stopped with a reason',
  );
});
