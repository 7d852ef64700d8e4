import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transition } from '#platform/state.ts';
import { careStates, checkDischarge, type Discharge, followUpStillDue } from './model.ts';

const now = new Date('2026-11-25T10:00:00Z');
const context = {
  careBeganOn: '2026-11-01',
  today: '2026-11-25',
  followUpDueAt: null as Date | null,
  now,
  openReferrals: [] as string[],
};
const discharge = (over: Partial<Discharge> = {}): Discharge => ({
  reason: 'aftercare-in-place',
  reasonText: '',
  on: '2026-11-25',
  followUpReason: '',
  referralsReason: '',
  ...over,
});
const fields = (d: Discharge, c = context) => checkDischarge(d, c).map((p) => p.field);

test('a discharge needs a date between the day care began and today, and words for another reason', () => {
  assert.deepEqual(fields(discharge()), []);
  assert.deepEqual(fields(discharge({ on: '2026-11-01' })), []);
  assert.deepEqual(fields(discharge({ on: '2026-11-26' })), ['on']);
  assert.deepEqual(fields(discharge({ on: '2026-10-31' })), ['on']);
  assert.deepEqual(fields(discharge({ reason: 'other' })), ['reasonText']);
  assert.deepEqual(fields(discharge({ reason: 'other', reasonText: '  ' })), ['reasonText']);
  assert.deepEqual(fields(discharge({ reason: 'other', reasonText: 'Moved in with family in Leeds' })), []);
});

test('while the 48-hour follow-up is still due, a discharge must say why it is not needed (NG225)', () => {
  const due = { ...context, followUpDueAt: new Date('2026-11-26T09:00:00Z') };
  assert.deepEqual(fields(discharge(), due), ['followUpReason']);
  assert.deepEqual(fields(discharge({ followUpReason: 'Admitted to Ward 4 today' }), due), []);
  assert.equal(followUpStillDue(due.followUpDueAt), true);
  // Overdue is still due: only done or stopped ends it.
  assert.equal(followUpStillDue(new Date('2026-11-25T10:00:00Z')), true);
  assert.equal(followUpStillDue(null), false);
});

test('while a referral is open, leaving the caseload needs a reason: no referral is lost', () => {
  const open = { ...context, openReferrals: ['Leeds Talking Therapies', 'Crisis team'] };
  const [problem] = checkDischarge(discharge(), open);
  assert.equal(problem?.field, 'referralsReason');
  assert.match(
    problem!.message,
    /2 referrals are still open \(Leeds Talking Therapies, Crisis team\): say who follows them up/,
  );
  assert.deepEqual(fields(discharge({ referralsReason: 'The GP will chase both' }), open), []);
  assert.deepEqual(fields(discharge(), { ...context, openReferrals: [] }), []);
});

test('care ends once: a second discharge is refused, naming where the person stands', () => {
  assert.deepEqual(transition(careStates, 'in-care', 'care.ended'), { from: 'in-care', to: 'discharged' });
  assert.throws(
    () => transition(careStates, 'discharged', 'care.ended'),
    (e: Error & { code?: string }) => e.code === 'already-discharged' && /already been discharged/.test(e.message),
  );
});
