import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkPresentation, isMethodCode, methodCodes, methods } from './model.ts';

const now = new Date('2026-11-25T12:00:00Z');
const base = {
  teamId: 't',
  arrivedAt: new Date('2026-11-25T02:00:00Z'),
  leftAt: null,
  outcome: null,
  methods: ['X60' as const],
};

test('the method list is exactly ICD-10 X60 to X84, self-poisoning to X69', () => {
  assert.equal(methodCodes.length, 25);
  assert.equal(methodCodes[0], 'X60');
  assert.equal(methodCodes.at(-1), 'X84');
  assert.ok(methodCodes.every((c, i) => c === `X${60 + i}`));
  assert.ok(methodCodes.every((c) => Number(c.slice(1)) <= 69 === (methods[c].kind === 'self-poisoning')));
  assert.equal(isMethodCode('X85'), false);
  assert.equal(isMethodCode('toString'), false);
});

test('a presentation still in the department needs only arrival and a method', () => {
  assert.deepEqual(checkPresentation(base, now), []);
});

test('leaving before arriving, or anything in the future, is refused', () => {
  const problems = checkPresentation({ ...base, leftAt: new Date('2026-11-25T01:00:00Z'), outcome: 'discharged' }, now);
  assert.deepEqual(problems, [{ field: 'leftAt', message: 'Time of leaving must be after arrival' }]);
  const future = checkPresentation({ ...base, arrivedAt: new Date('2026-11-25T12:01:00Z') }, now);
  assert.deepEqual(
    future.map((p) => p.field),
    ['arrivedAt'],
  );
});

test('an outcome and a time of leaving come together', () => {
  assert.deepEqual(
    checkPresentation({ ...base, outcome: 'admitted' }, now).map((p) => p.field),
    ['leftAt'],
  );
  assert.deepEqual(
    checkPresentation({ ...base, leftAt: now }, now).map((p) => p.field),
    ['outcome'],
  );
});

test('property: accepted presentations never end before they begin or lie in the future', () => {
  fc.assert(
    fc.property(fc.date({ noInvalidDate: true }), fc.option(fc.date({ noInvalidDate: true })), (arrivedAt, leftAt) => {
      const problems = checkPresentation({ ...base, arrivedAt, leftAt, outcome: leftAt ? 'discharged' : null }, now);
      if (problems.length === 0) {
        assert.ok(arrivedAt <= now);
        if (leftAt) assert.ok(leftAt >= arrivedAt && leftAt <= now);
      }
    }),
  );
});
