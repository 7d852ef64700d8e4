import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Consent, checkConsent, mayShare } from './model.ts';

const consent = (over: Partial<Consent> = {}): Consent => ({
  serviceId: 's1',
  shares: ['letter', 'assessment'],
  way: 'in-person',
  givenOn: '2026-12-01',
  withdrawnAt: null,
  ...over,
});

test('consent names what may be shared, always the letter, on a day not in the future', () => {
  assert.deepEqual(checkConsent(consent(), '2026-12-02'), []);
  assert.equal(checkConsent(consent({ shares: [] }), '2026-12-02')[0]?.field, 'shares');
  assert.match(checkConsent(consent({ shares: ['assessment'] }), '2026-12-02')[0]!.message, /the letter/);
  assert.equal(checkConsent(consent({ givenOn: '2026-12-03' }), '2026-12-02')[0]?.field, 'givenOn');
});

test('only consent in force for that service says what may be sent; a withdrawal stops it', () => {
  const given = [consent(), consent({ serviceId: 's2', shares: ['letter', 'safety-plan'] })];
  assert.deepEqual([...mayShare(given, 's1')].sort(), ['assessment', 'letter']);
  assert.deepEqual([...mayShare(given, 's3')], []);
  assert.deepEqual([...mayShare([consent({ withdrawnAt: new Date() })], 's1')], []);
});
