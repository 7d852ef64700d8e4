import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { Conflict, Invalid } from './errors.ts';
import { dateField, decide, formParser, proseText, writtenText } from './forms.ts';

// The pieces a page's zod schema is built from: what a person types in, a typed value or one
// GOV.UK sentence per field out.

const parse = formParser(
  z.object({
    note: proseText('The note', 20),
    on: dateField('The date care ended', '2026-11-25', 'past'),
  }),
);
const date = (day: string, month = '11', year = '2026') => ({ day, month, year });

test('prose is tidied and kept as typed, markup included; too long is one sentence naming the field', () => {
  assert.deepEqual(parse({ note: '<b>Hi</b>  \r\nthere\u0000  ', on: date('25') }), {
    ok: true,
    value: { note: '<b>Hi</b>\nthere', on: '2026-11-25' },
  });
  assert.deepEqual(parse({ on: date('1') }), { ok: true, value: { note: '', on: '2026-11-01' } });
  assert.deepEqual(parse({ note: 'x'.repeat(21), on: date('1') }), {
    ok: false,
    issues: { note: 'The note must be 20 characters or fewer' },
  });
});

test('a date input gives the design system’s messages: missing parts, not real, in the future', () => {
  const issue = (on: unknown) => {
    const r = parse({ on });
    return r.ok ? undefined : r.issues.on;
  };
  assert.equal(issue(date('', '', '')), 'Enter the date care ended');
  assert.equal(issue(date('3', '')), 'The date care ended must include a month');
  assert.equal(issue(date('31', '2')), 'The date care ended must be a real date');
  assert.equal(issue(date('26')), 'The date care ended must be today or in the past');
  assert.equal(issue(date('1', '1', '26')), 'Year must include 4 numbers');
  assert.ok(issue(undefined));
  assert.ok(issue('2026-11-01'), 'a date comes as three boxes, not as text');
});

test('decide: the parser’s issues or the use case’s Invalid come back as issues; anything else goes on up', async () => {
  assert.deepEqual(await decide({ ok: false, issues: { a: 'Enter a' } }, async () => 1), {
    ok: false,
    issues: { a: 'Enter a' },
  });
  assert.deepEqual(await decide({ ok: true, value: 2 }, async (v) => v * 2), { ok: true, value: 4 });
  assert.deepEqual(
    await decide({ ok: true, value: 2 }, async () => {
      throw new Invalid({ end: 'The end must be after the start' });
    }),
    { ok: false, issues: { end: 'The end must be after the start' } },
  );
  await assert.rejects(
    decide({ ok: true, value: 2 }, async () => {
      throw new Conflict('Someone has just booked this time');
    }),
    Conflict,
  );
});

test('written text: tidied like all prose, refused when blank once tidied or too long, markup kept as typed', () => {
  const label = { name: 'What was agreed', enter: 'Enter what was agreed' };
  assert.deepEqual(writtenText('  \n ', label, 10), { ok: false, message: 'Enter what was agreed' });
  assert.deepEqual(writtenText('x'.repeat(11), label, 10), {
    ok: false,
    message: 'What was agreed must be 10 characters or fewer',
  });
  assert.deepEqual(writtenText('<b>Yes</b>\r\n', label, 20), { ok: true, value: '<b>Yes</b>' });
});
