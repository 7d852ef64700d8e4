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
    paint: {
      from: ['open', 'shut'],
      to: 'shut',
      code: 'assessment-finalised',
      refused: 'A locked door cannot be painted',
    },
  },
});

test('a declared transition gives its from and to; an illegal one is a Conflict naming the current state', () => {
  assert.deepEqual(transition(door, 'open', 'shut'), { from: 'open', to: 'shut' });
  assert.throws(
    () => transition(door, 'open', 'lock'),
    (e: unknown) => e instanceof Conflict && e.code === 'illegal-transition' && /This door is open/.test(e.message),
  );
  assert.throws(
    () => transition(door, 'locked', 'paint'),
    (e: unknown) =>
      (e as Conflict).code === 'assessment-finalised' &&
      (e as Conflict).message === 'A locked door cannot be painted (this door is locked)',
  );
});

test('what may happen next from each state', () => {
  assert.deepEqual(eventsFrom(door, 'shut'), ['open', 'lock', 'paint']);
  assert.deepEqual(eventsFrom(door, 'locked'), []);
});
