import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { niceRules } from '../../directory/model.ts';
import {
  checkBooking,
  checkRejection,
  isOverdue,
  loopEvents,
  movesFor,
  needsReferrer,
  nextStage,
  rejectionConflict,
  rejectionReasons,
  type Stage,
  stageInfo,
  stages,
  workingDaysBetween,
} from './model.ts';

test('the loop from sent to seen: each move by the party it belongs to', () => {
  const path: [Stage, (typeof loopEvents)[number], 'referrer' | 'service', Stage][] = [
    ['draft', 'referral.sent', 'referrer', 'requested'],
    ['requested', 'referral.information-asked', 'service', 'on-hold'],
    ['on-hold', 'referral.information-given', 'referrer', 'requested'],
    ['requested', 'referral.accepted', 'service', 'accepted'],
    ['accepted', 'referral.booked', 'service', 'booked'],
    ['booked', 'referral.did-not-attend', 'service', 'did-not-attend'],
    ['did-not-attend', 'referral.booked', 'service', 'booked'],
    ['booked', 'referral.attended', 'service', 'attended'],
    ['attended', 'referral.discharged', 'service', 'completed'],
  ];
  for (const [from, event, party, to] of path) assert.deepEqual(nextStage(from, event, party), { ok: true, to }, event);
});

test('illegal moves are refused, naming where the referral stands: accepting a cancelled one, booking before accepting, attended before booked', () => {
  const refused = (from: Stage, event: (typeof loopEvents)[number], party: 'referrer' | 'service' | 'senior') => {
    const r = nextStage(from, event, party);
    assert.equal(r.ok, false, `${event} from ${from}`);
    return r.ok ? '' : r.reason;
  };
  assert.match(
    refused('cancelled', 'referral.accepted', 'service'),
    /Only a referral waiting for the service, or one it did not accept, can be accepted \(it has been cancelled\)/,
  );
  assert.match(refused('requested', 'referral.booked', 'service'), /Accept the referral before booking/);
  assert.match(refused('accepted', 'referral.attended', 'service'), /Book an appointment before recording it/);
  assert.match(refused('rejected', 'referral.rejected', 'service'), /was not accepted/);
  // Each side only its own moves.
  assert.match(refused('requested', 'referral.accepted', 'referrer'), /Only the service the referral went to/);
  assert.match(refused('draft', 'referral.sent', 'service'), /Only the referring team/);
});

test('a service may accept one it did not accept, unless another referral has replaced it', () => {
  assert.deepEqual(nextStage('rejected', 'referral.accepted', 'service'), { ok: true, to: 'accepted' });
  const replaced = nextStage('rejected', 'referral.accepted', 'service', { replaced: true });
  assert.equal(replaced.ok, false);
  assert.match(replaced.ok ? '' : replaced.reason, /replaced by a referral to another service/);
  assert.deepEqual(movesFor('rejected', 'service', { replaced: true }), []);
});

test('cancelling: the referrer asks, the service confirms; a draft the referrer discards', () => {
  assert.deepEqual(nextStage('accepted', 'referral.cancellation-requested', 'referrer'), { ok: true, to: 'accepted' });
  assert.equal(
    nextStage('accepted', 'referral.cancellation-requested', 'referrer', { cancellationRequested: true }).ok,
    false,
  );
  assert.equal(nextStage('accepted', 'referral.cancelled', 'referrer').ok, false);
  assert.equal(nextStage('accepted', 'referral.cancelled', 'service').ok, false, 'not asked for');
  assert.deepEqual(nextStage('accepted', 'referral.cancelled', 'service', { cancellationRequested: true }), {
    ok: true,
    to: 'cancelled',
  });
  assert.deepEqual(nextStage('draft', 'referral.cancelled', 'referrer'), { ok: true, to: 'cancelled' });
  assert.equal(nextStage('completed', 'referral.cancellation-requested', 'referrer').ok, false);
});

test('property: every allowed move lands on a stage, and a closed referral only ever moves to entered in error', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...stages),
      fc.constantFrom(...loopEvents),
      fc.constantFrom('referrer' as const, 'service' as const, 'senior' as const),
      fc.boolean(),
      (stage, event, party, asked) => {
        const r = nextStage(stage, event, party, { cancellationRequested: asked });
        if (!r.ok) return;
        assert.ok(stages.includes(r.to));
        // A rejection can be thought again (the service accepts, or the referrer asks it to reconsider);
        // any other closed referral is only withdrawn.
        const thinkingAgain =
          stage === 'rejected' && (event === 'referral.accepted' || event === 'referral.reconsideration-asked');
        if (!stageInfo[stage].open && !thinkingAgain) assert.equal(r.to, 'entered-in-error');
        assert.ok(movesFor(stage, party, { cancellationRequested: asked }).includes(event));
      },
    ),
  );
});

test('every stage maps to a closed-loop Task status; delivered is never accepted', () => {
  assert.equal(stageInfo.requested.task, 'requested');
  assert.notEqual(stageInfo.requested.task, 'accepted');
  assert.deepEqual(
    [stageInfo.booked.task, stageInfo.attended.task, stageInfo['did-not-attend'].task],
    ['in-progress', 'in-progress', 'in-progress'],
  );
  assert.equal(stageInfo.rejected.task, 'rejected');
});

test('a rejection needs a coded reason, and words for "another reason"; reasons NG225 forbids are conflicts', () => {
  assert.deepEqual(checkRejection({ reason: '', text: '' }), [
    { field: 'reason', message: 'Select why the referral is not accepted' },
  ]);
  assert.deepEqual(checkRejection({ reason: 'toString', text: '' }).length, 1);
  assert.deepEqual(checkRejection({ reason: 'other', text: '  ' }), [
    { field: 'text', message: 'Say what the other reason is' },
  ]);
  assert.deepEqual(checkRejection({ reason: 'no-capacity', text: '' }), []);
  assert.equal(rejectionConflict('self-harm'), 'self-harm');
  assert.equal(rejectionConflict('risk-too-high'), 'risk-level');
  assert.equal(rejectionConflict('substance-use'), 'drugs-alcohol');
  assert.equal(rejectionConflict('out-of-area'), null);
  for (const r of Object.values(rejectionReasons)) {
    assert.ok(
      ['SERVICE_INAPPROPRIATE', 'SERVICE_PREREQUISITES_NOT_COMPLETE', 'OTHER', 'FURTHER_INFORMATION_REQUIRED'].includes(
        r.ers,
      ),
    );
    if (r.nice) assert.ok(r.nice in niceRules);
  }
});

test('appointments are booked ahead; overdue counts working days past the service’s target', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  assert.equal(checkBooking(new Date('2026-12-02T09:00:00Z'), now).length, 1);
  assert.equal(checkBooking(new Date('2026-12-03T09:00:00Z'), now).length, 0);
  // Friday to the next Wednesday: three working days.
  assert.equal(workingDaysBetween(new Date('2026-11-27T10:00:00Z'), new Date('2026-12-02T10:00:00Z')), 3);
  assert.equal(isOverdue({ stage: 'requested', sentAt: new Date('2026-11-27T10:00:00Z') }, 2, now), true);
  assert.equal(isOverdue({ stage: 'requested', sentAt: new Date('2026-11-27T10:00:00Z') }, 3, now), false);
  assert.equal(isOverdue({ stage: 'accepted', sentAt: new Date('2026-11-01T10:00:00Z') }, 2, now), false);
  assert.equal(isOverdue({ stage: 'requested', sentAt: new Date('2026-11-01T10:00:00Z') }, null, now), false);
});

test('what needs the referring team: a rejection, a question, no answer in time, an appointment with no outcome', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  const sent = new Date('2026-11-20T10:00:00Z');
  assert.equal(needsReferrer({ stage: 'rejected', sentAt: sent, appointmentAt: null }, 10, now), 'rejected');
  assert.equal(needsReferrer({ stage: 'on-hold', sentAt: sent, appointmentAt: null }, 10, now), 'question');
  assert.equal(needsReferrer({ stage: 'requested', sentAt: sent, appointmentAt: null }, 5, now), 'overdue');
  assert.equal(needsReferrer({ stage: 'requested', sentAt: sent, appointmentAt: null }, 10, now), null);
  assert.equal(
    needsReferrer({ stage: 'booked', sentAt: sent, appointmentAt: new Date('2026-11-30T10:00:00Z') }, 5, now),
    'no-outcome',
  );
  assert.equal(
    needsReferrer({ stage: 'booked', sentAt: sent, appointmentAt: new Date('2026-12-01T12:00:00Z') }, 5, now),
    null,
  );
  assert.equal(needsReferrer({ stage: 'completed', sentAt: sent, appointmentAt: null }, 5, now), null);
});
