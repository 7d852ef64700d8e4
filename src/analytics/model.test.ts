import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { imdQuintile, suppress } from './model.ts';

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
