import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mergeFields, type StaleSave, staleRefusal } from './versions.ts';

// The three-way merge behind every stale save, tested directly: base is what the person opened,
// mine what they typed, theirs what a colleague saved in between.

const keys = ['a', 'b', 'c'] as const;
type K = (typeof keys)[number];
const fields = (a: string, b: string, c: string): Record<K, string> => ({ a, b, c });

test('a field only the colleague changed is brought in; one only I changed is kept', () => {
  const base = fields('one', 'two', 'three');
  const result = mergeFields(keys, base, fields('ONE', 'two', 'three'), fields('one', 'TWO', 'three'));
  assert.deepEqual(result, { merged: fields('ONE', 'TWO', 'three'), conflicts: [], broughtIn: ['b'] });
});

test('a field both changed differently is a conflict, and keeps my text for me to merge', () => {
  const result = mergeFields(keys, fields('x', '', ''), fields('mine', '', ''), fields('theirs', '', ''));
  assert.deepEqual(result, { merged: fields('mine', '', ''), conflicts: ['a'], broughtIn: [] });
});

test('both making the same change is not a conflict', () => {
  const result = mergeFields(keys, fields('x', '', ''), fields('same', '', ''), fields('same', '', ''));
  assert.deepEqual(result, { merged: fields('same', '', ''), conflicts: [], broughtIn: [] });
});

test('a field I emptied while they left it alone stays empty; one they emptied is brought in', () => {
  const result = mergeFields(keys, fields('gone', 'kept', ''), fields('', 'kept', ''), fields('gone', '', ''));
  assert.deepEqual(result, { merged: fields('', '', ''), conflicts: [], broughtIn: ['b'] });
});

test('the merge never loses a change: every field is mine, theirs, or a conflict I am shown', () => {
  const text = fc.constantFrom('', 'p', 'q', 'r');
  const version = fc.record({ a: text, b: text, c: text });
  fc.assert(
    fc.property(version, version, version, (base, mine, theirs) => {
      const { merged, conflicts, broughtIn } = mergeFields(keys, base, mine, theirs);
      for (const k of keys) {
        // What I changed is never undone.
        if (mine[k] !== base[k]) assert.equal(merged[k], mine[k]);
        // What they changed is brought in unless I changed it too, and then I am told.
        if (theirs[k] !== base[k] && mine[k] === base[k]) {
          assert.equal(merged[k], theirs[k]);
          assert.ok(broughtIn.includes(k));
        }
        if (theirs[k] !== base[k] && mine[k] !== base[k] && theirs[k] !== mine[k]) assert.ok(conflicts.includes(k));
        else assert.ok(!conflicts.includes(k));
      }
      // Nothing changed by anyone: the form is what was there.
      if (JSON.stringify(mine) === JSON.stringify(base) && JSON.stringify(theirs) === JSON.stringify(base))
        assert.deepEqual(merged, base);
    }),
  );
});

const stale = (base: Record<K, string>, current: Record<K, string>): StaleSave<Record<K, string>> => ({
  id: 'doc',
  currentVersion: 4,
  savedByName: 'Sam Colleague',
  savedAt: new Date('2026-11-25T10:00:00Z'),
  base,
  current,
});
const words = { keys, names: { a: 'Alpha', b: 'Beta', c: 'Gamma' }, document: 'this plan', part: 'section' };

test('a stale refusal names who saved, what was brought in, and each field to merge by hand', () => {
  const refusal = staleRefusal(stale(fields('', '', ''), fields('x', 'y', 'z')), fields('mine', '', 'z'), words);
  assert.deepEqual(refusal.values, fields('mine', 'y', 'z'));
  assert.deepEqual(Object.keys(refusal.errors), ['a']);
  assert.match(refusal.errors.a!, /^Sam Colleague also changed Alpha\. Their version is shown above yours/);
  assert.equal(
    refusal.summary.text,
    'Sam Colleague saved this plan while you were working on it. Nothing you wrote has been saved yet. Their changes to Beta have been brought into the form. Where you both changed the same section, merge the two. Check, then save again.',
  );
  assert.equal(refusal.summary.href, '#a');
});

test('with nothing to merge, the refusal still says nothing was saved and points at the first field', () => {
  const refusal = staleRefusal(stale(fields('', '', ''), fields('', '', '')), fields('', '', ''), words);
  assert.deepEqual(refusal.errors, {});
  assert.equal(
    refusal.summary.text,
    'Sam Colleague saved this plan while you were working on it. Nothing you wrote has been saved yet. Check, then save again.',
  );
  assert.equal(refusal.summary.href, '#a');
  const two = staleRefusal(stale(fields('', '', ''), fields('', 'b', 'c')), fields('', '', ''), words);
  assert.match(two.summary.text, /Their changes to Beta and Gamma have been brought into the form/);
});
