import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { Invalid } from './errors.ts';
import { decodeCursor, encodeCursor, pageOf } from './worklist.ts';

test('a page shows its rows and, only when there are more, a cursor to the next', () => {
  const rows = [{ id: 9 }, { id: 7 }, { id: 5 }];
  assert.deepEqual(
    pageOf(rows, 2, (r) => r.id),
    { items: [{ id: 9 }, { id: 7 }], next: encodeCursor(7) },
  );
  assert.deepEqual(
    pageOf(rows, 3, (r) => r.id),
    { items: rows, next: null },
  );
  assert.deepEqual(
    pageOf([], 3, (r: { id: number }) => r.id),
    { items: [], next: null },
  );
});

test('a cursor round-trips its key; anything else is refused as invalid, never a 5xx', () => {
  const key = z.tuple([z.string(), z.number().int()]);
  assert.deepEqual(decodeCursor(encodeCursor(['smith', 4]), key), ['smith', 4]);
  assert.equal(decodeCursor(undefined, key), undefined);
  for (const bad of ['', 'not base64!', encodeCursor({ a: 1 }), encodeCursor(['x', 1.5]), '__proto__', 'e30'])
    assert.throws(() => decodeCursor(bad, key), Invalid, bad);
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      try {
        decodeCursor(s, key);
      } catch (e) {
        if (!(e instanceof Invalid)) throw e;
      }
    }),
  );
});
