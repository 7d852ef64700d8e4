import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CaseFacts, currentSteps } from './model.ts';

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
