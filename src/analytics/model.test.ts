import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addCounts, firstWeek, imdQuintile, judged, noFollowUps, shareInTime, shownCount, suppress } from './model.ts';

test('counts of 1 to 7 are hidden, 0 is shown, larger counts are rounded to 5', () => {
  assert.equal(suppress(0).shown, '0');
  for (let n = 1; n <= 7; n++) assert.deepEqual(suppress(n), { shown: '*', suppressed: true });
  assert.equal(suppress(8).shown, '10');
  assert.equal(suppress(12).shown, '10');
  assert.equal(suppress(13).shown, '15');
  assert.throws(() => suppress(-1));
});

test('property: a shown count is a multiple of 5 within 2 of the truth', () => {
  fc.assert(
    fc.property(fc.integer({ min: 8, max: 10_000_000 }), (n) => {
      const shown = Number(suppress(n).shown);
      assert.equal(shown % 5, 0);
      assert.ok(Math.abs(shown - n) <= 2);
    }),
  );
});

test('IMD deciles pair into quintiles', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(imdQuintile), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
});

test('the share in time is out of those judged, stops apart; small numbers give nothing away to analysts', () => {
  const c = { inTime: 40, late: 6, notFollowedUp: 4, stopped: 5, running: 3 };
  assert.equal(judged(c), 50);
  assert.equal(shareInTime(c, false), '80%');
  assert.equal(shareInTime(c, true), '80%');
  // Seven not in time: a manager sees the share, an analyst does not.
  const few = { ...c, late: 3, notFollowedUp: 4 };
  assert.equal(shareInTime(few, false), '85%');
  assert.equal(shareInTime(few, true), '*');
  assert.equal(shareInTime({ ...noFollowUps, running: 4 }, true), '–');
  assert.equal(shareInTime({ ...noFollowUps, inTime: 12 }, true), '100%');
  assert.equal(shownCount(5, true), '*');
  assert.equal(shownCount(5, false), '5');
  assert.deepEqual(addCounts(c, few).inTime, 80);
});

test('the figures start on a Monday, the given number of weeks back', () => {
  assert.equal(firstWeek('2026-12-02', 1), '2026-11-30');
  assert.equal(firstWeek('2026-11-30', 1), '2026-11-30');
  assert.equal(firstWeek('2026-12-06', 12), '2026-09-14');
});
