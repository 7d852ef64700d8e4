import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseContact } from './forms.ts';
import { mobileNumber, reachOf, stillReaches } from './model.ts';

test('a UK mobile number from what people type; a landline or anything else is refused with what to enter', () => {
  for (const typed of ['07700 900123', '07700-900-123', '+44 7700 900123', '0044 (7700) 900123', '447700900123'])
    assert.deepEqual(mobileNumber(typed), { ok: true, value: '07700900123' }, typed);
  for (const typed of ['0161 496 0000', '0770090012', '077009001234', '+1 415 555 0100', '<b>07700900123</b>', 'seven'])
    assert.equal(mobileNumber(typed).ok, false, typed);
});

test('the form: blank means "not that way"; every wrong answer named; a stale version is a number, not a guess', () => {
  const good = {
    mobile: '07700 900123',
    email: '',
    nameServices: 'no',
    way: 'in-person',
    givenOn: { day: '25', month: '11', year: '2026' },
    version: '0',
  };
  const parsed = parseContact(good, '2026-11-25');
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.preferences, {
    mobile: '07700900123',
    email: null,
    nameServices: false,
    way: 'in-person',
    givenOn: '2026-11-25',
  });
  const bad = parseContact(
    {
      mobile: '01614960000',
      email: 'not an address<script>',
      nameServices: 'maybe',
      way: 'telepathy',
      givenOn: { day: '26', month: '11', year: '2026' },
      version: '-1',
    },
    '2026-11-25',
  );
  assert.equal(bad.ok, false);
  assert.deepEqual(Object.keys(bad.ok ? {} : bad.issues).sort(), [
    'email',
    'givenOn',
    'mobile',
    'nameServices',
    'version',
    'way',
  ]);
});

test('a message queued to the person stands only while the same number or address does', () => {
  const p = { mobile: '07700900123', email: 'Sam@Example.test' };
  assert.deepEqual(reachOf(p), [
    { channel: 'sms', recipient: '07700900123' },
    { channel: 'email', recipient: 'Sam@Example.test' },
  ]);
  assert.deepEqual(reachOf(null), []);
  assert.ok(stillReaches(p, { channel: 'email', recipient: 'sam@example.test' }));
  assert.ok(!stillReaches({ ...p, mobile: null }, { channel: 'sms', recipient: '07700900123' }));
  assert.ok(!stillReaches({ ...p, mobile: '07700900456' }, { channel: 'sms', recipient: '07700900123' }));
});
