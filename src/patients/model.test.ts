import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkNhsNumber, formatNhsNumber, isValidNhsNumber, nhsCheckDigit } from './model.ts';

test('known valid NHS numbers pass (NHS Data Dictionary worked example 943 476 5919)', () => {
  assert.equal(isValidNhsNumber('9434765919'), true);
  assert.equal(isValidNhsNumber('943 476 5919'), true);
  assert.equal(isValidNhsNumber('943-476-5919'), true);
  assert.equal(isValidNhsNumber('9990000018'), true);
});

test('wrong check digits, wrong lengths and letters are refused with the reason', () => {
  assert.deepEqual(checkNhsNumber('9434765918'), { ok: false, problem: 'check-digit' });
  assert.deepEqual(checkNhsNumber('943476591'), { ok: false, problem: 'not-ten-digits' });
  assert.deepEqual(checkNhsNumber('94347659190'), { ok: false, problem: 'not-ten-digits' });
  assert.deepEqual(checkNhsNumber('94347659l9'), { ok: false, problem: 'not-ten-digits' });
  assert.deepEqual(checkNhsNumber('   '), { ok: false, problem: 'empty' });
});

test('a number whose remainder gives 10 is never valid', () => {
  // 999000001x: 9*10+9*9+9*8+0+0+0+0+0+1*2 = 245; 245 % 11 = 3; 11-3 = 8 -> valid with 8.
  // Search for a nine-digit stem with check 10 and show every final digit fails.
  let stem = '';
  for (let n = 0; n < 1000 && stem === ''; n++) {
    const candidate = `999${String(n).padStart(6, '0')}`;
    if (nhsCheckDigit(candidate) === null) stem = candidate;
  }
  assert.notEqual(stem, '');
  for (let d = 0; d <= 9; d++) assert.equal(isValidNhsNumber(`${stem}${d}`), false);
});

test('property: exactly one final digit makes a valid number, unless none does', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9]{9}$/), (stem) => {
      const valid = [...Array(10).keys()].filter((d) => isValidNhsNumber(`${stem}${d}`));
      const check = nhsCheckDigit(stem);
      assert.deepEqual(valid, check === null ? [] : [check]);
    }),
  );
});

test('property: changing any one digit of a valid number makes it invalid', () => {
  const validNumbers = fc
    .stringMatching(/^[0-9]{9}$/)
    .filter((s) => nhsCheckDigit(s) !== null)
    .map((s) => `${s}${nhsCheckDigit(s)}`);
  fc.assert(
    fc.property(validNumbers, fc.nat(9), fc.integer({ min: 1, max: 9 }), (n, position, shift) => {
      const digits = n.split('');
      digits[position] = String((Number(digits[position]) + shift) % 10);
      assert.equal(isValidNhsNumber(digits.join('')), false);
    }),
  );
});

test('NHS numbers are shown in 3-3-4 groups', () => {
  assert.equal(formatNhsNumber('9434765919'), '943 476 5919');
});
