import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Conflict } from './errors.ts';
import { defineMachine, eventsFrom, transition } from './state.ts';

const door = defineMachine({
  subject: 'This door',
  states: { open: 'is open', shut: 'is shut', locked: 'is locked' },
  events: {
    shut: { from: ['open'], to: 'shut' },
    open: { from: ['shut'], to: 'open' },
    lock: { from: ['shut'], to: 'locked' },
  },
});

test('a declared transition gives its from and to; an illegal one is a Conflict naming the current state', () => {
  assert.deepEqual(transition(door, 'open', 'shut'), { from: 'open', to: 'shut' });
  assert.throws(
    () => transition(door, 'open', 'lock'),
    (e: unknown) => e instanceof Conflict && e.code === 'illegal-transition' && /This door is open/.test(e.message),
  );
  assert.throws(
    () => transition(door, 'locked', 'open', 'assessment-finalised'),
    (e: unknown) => (e as Conflict).code === 'assessment-finalised',
  );
});

test('what may happen next from each state', () => {
  assert.deepEqual(eventsFrom(door, 'shut'), ['open', 'lock']);
  assert.deepEqual(eventsFrom(door, 'locked'), []);
});
