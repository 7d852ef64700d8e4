import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ageOn, londonWallTime, londonWallTimeToUtc, showDateTime } from './clock.ts';

test('wall-clock times in England become the right UTC moment, winter and summer', () => {
  assert.equal(londonWallTimeToUtc('2026-01-15', '09:30').toISOString(), '2026-01-15T09:30:00.000Z');
  assert.equal(londonWallTimeToUtc('2026-07-15', '09:30').toISOString(), '2026-07-15T08:30:00.000Z');
});

test('around the clock changes: the missing hour is read as summer time, the doubled hour as its first', () => {
  // 29 March 2026: 01:00 GMT becomes 02:00 BST. 30 October 2026... 25 October 2026: 02:00 BST becomes 01:00 GMT.
  assert.equal(londonWallTimeToUtc('2026-03-29', '00:30').toISOString(), '2026-03-29T00:30:00.000Z');
  assert.equal(londonWallTimeToUtc('2026-03-29', '02:30').toISOString(), '2026-03-29T01:30:00.000Z');
  assert.equal(londonWallTimeToUtc('2026-10-25', '01:30').toISOString(), '2026-10-25T00:30:00.000Z');
  assert.equal(londonWallTimeToUtc('2026-10-25', '02:30').toISOString(), '2026-10-25T02:30:00.000Z');
});

test('property: a moment shown in England and read back is the same moment (to the minute, outside the doubled hour)', () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => {
      const at = new Date(Math.floor(ms / 60_000) * 60_000);
      const { date, time } = londonWallTime(at);
      const back = londonWallTimeToUtc(date, time);
      // In the hour that happens twice, both readings show the same wall time.
      const same = back.getTime() === at.getTime() || back.getTime() === at.getTime() - 3_600_000;
      assert.ok(same, `${at.toISOString()} → ${date} ${time} → ${back.toISOString()}`);
    }),
  );
});

test('times are shown in England’s time; age counts whole years', () => {
  assert.equal(showDateTime(new Date('2026-07-01T23:30:00Z')), '2 July 2026 at 00:30');
  assert.equal(ageOn('2000-07-02', new Date('2026-07-01T22:59:00Z')), 25);
  assert.equal(ageOn('2000-07-02', new Date('2026-07-01T23:00:00Z')), 26);
});
