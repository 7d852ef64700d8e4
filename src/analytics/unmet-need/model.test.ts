import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ageBand, gapState, postcodeDistrict, valueName } from './model.ts';

const day = (n: number) => new Date(Date.UTC(2026, 10, 1 + n, 12));
const rejection = { rejectedAt: day(0) };

test('a rejection is a gap when nothing is in place within the days set', () => {
  const cases: [string, Parameters<typeof gapState>, ReturnType<typeof gapState>][] = [
    ['nothing, days over', [rejection, [], [], 7, day(8)], 'gap'],
    ['nothing yet, inside the days', [rejection, [], [], 7, day(6)], 'waiting'],
    ['exactly at the end of the days', [rejection, [], [], 7, day(7)], 'gap'],
    [
      'another service took the person on in time',
      [rejection, [{ acceptedAt: day(3), closedAt: null }], [], 7, day(30)],
      'alternative',
    ],
    ['taken on, but too late', [rejection, [{ acceptedAt: day(9), closedAt: null }], [], 7, day(30)], 'gap'],
    [
      'taken on before, and still open at the rejection',
      [rejection, [{ acceptedAt: day(-20), closedAt: day(2) }], [], 7, day(30)],
      'alternative',
    ],
    [
      'taken on before, but closed before the rejection',
      [rejection, [{ acceptedAt: day(-20), closedAt: day(-1) }], [], 7, day(30)],
      'gap',
    ],
    ['an escalation found care in time', [rejection, [], [{ resolvedAt: day(2) }], 7, day(30)], 'alternative'],
    ['an escalation found care too late', [rejection, [], [{ resolvedAt: day(8) }], 7, day(30)], 'gap'],
    [
      'a longer setting',
      [rejection, [{ acceptedAt: day(9) }].map((a) => ({ ...a, closedAt: null })), [], 14, day(30)],
      'alternative',
    ],
  ];
  for (const [why, args, expected] of cases) assert.equal(gapState(...args), expected, why);
});

test('age bands, areas and names', () => {
  assert.deepEqual([15, 17, 18, 24, 25, 34, 44, 54, 64, 65, 90].map(ageBand), [
    'Under 18',
    'Under 18',
    '18 to 24',
    '18 to 24',
    '25 to 34',
    '25 to 34',
    '35 to 44',
    '45 to 54',
    '55 to 64',
    '65 and over',
    '65 and over',
  ]);
  assert.equal(postcodeDistrict(' ls7 3ab '), 'LS7');
  assert.equal(postcodeDistrict(null), 'Not known');
  assert.equal(valueName('reason', 'self-harm'), 'Because of self-harm');
  assert.equal(valueName('ethnicity', 'A'), 'White - British');
  assert.equal(valueName('imd', '1'), '1 (most deprived)');
  assert.equal(valueName('sex', null), 'Not known');
});
