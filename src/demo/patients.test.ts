import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidNhsNumber } from '../patients/model.ts';
import { generatePatients, testRangeNhsNumbers } from './patients.ts';

const asOf = new Date('2026-11-01T12:00:00Z');
const take = (seed: number, count: number) => [
  ...generatePatients({ seed, count, asOf, hospitalShares: [45, 35, 20] }),
];

test('the same seed gives the same patients; another seed gives others', () => {
  assert.deepEqual(take(42, 200), take(42, 200));
  assert.notDeepEqual(take(42, 50), take(43, 50));
});

test('NHS numbers are valid, unique and all in the 999 test range', () => {
  const patients = take(1, 20_000);
  const numbers = patients.map((p) => p.nhsNumber!);
  assert.ok(numbers.every((n) => n.startsWith('999') && isValidNhsNumber(n)));
  assert.equal(new Set(numbers).size, numbers.length);
});

test('the 999 range holds 909,091 valid numbers, all different', () => {
  const range = testRangeNhsNumbers(3);
  assert.equal(range.count, 909_091);
  const sample = new Set(Array.from({ length: 5000 }, (_, i) => range.at(i * 181)));
  assert.equal(sample.size, 5000);
});

test('the mix looks like people who present after self-harm', () => {
  const patients = take(5, 20_000);
  const share = (f: (p: (typeof patients)[number]) => boolean) => patients.filter(f).length / patients.length;
  const ageOf = (p: (typeof patients)[number]) => (asOf.getTime() - Date.parse(p.dateOfBirth)) / (365.25 * 86_400_000);
  assert.ok(Math.abs(share((p) => p.sex === 'female') - 0.596) < 0.02);
  assert.ok(share((p) => ageOf(p) < 16) === 0, 'nobody under 16');
  assert.ok(share((p) => ageOf(p) < 35) > 0.45, 'most are young adults');
  assert.ok(share((p) => p.imdDecile <= 2) > share((p) => p.imdDecile >= 9), 'more from deprived areas');
  assert.ok(Math.abs(share((p) => p.ethnicCategory === 'A') - 0.71) < 0.02);
  assert.ok(share((p) => p.hospital === 0) > share((p) => p.hospital === 2));
  assert.ok(patients.every((p) => p.careStartedAt.getTime() <= asOf.getTime()));
});
