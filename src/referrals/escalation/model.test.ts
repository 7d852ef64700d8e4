import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transition } from '#platform/state.ts';
import { checkEscalation, escalatable, escalationMachine, escalationOverdue } from './model.ts';

test('an escalation is discussed then resolved, once; it names why and a due day from today', () => {
  assert.deepEqual(transition(escalationMachine, 'open', 'escalation.discussed'), {
    from: 'open',
    to: 'in-discussion',
  });
  assert.deepEqual(transition(escalationMachine, 'in-discussion', 'escalation.resolved'), {
    from: 'in-discussion',
    to: 'resolved',
  });
  assert.throws(() => transition(escalationMachine, 'resolved', 'escalation.resolved'), /already resolved/);
  assert.throws(() => transition(escalationMachine, 'resolved', 'escalation.discussed'), /is resolved/);
  assert.deepEqual(
    checkEscalation({ reason: ' ', dueOn: '2026-12-01' }, '2026-12-02').map((p) => p.field),
    ['escalationReason', 'dueOn'],
  );
  assert.deepEqual(checkEscalation({ reason: 'Challenge it', dueOn: '2026-12-02' }, '2026-12-02'), []);
  assert.equal(escalationOverdue({ status: 'open', dueOn: '2026-12-01' }, '2026-12-02'), true);
  assert.equal(escalationOverdue({ status: 'resolved', dueOn: '2026-12-01' }, '2026-12-02'), false);
  assert.deepEqual([...escalatable].sort(), ['on-hold', 'rejected', 'requested']);
});
