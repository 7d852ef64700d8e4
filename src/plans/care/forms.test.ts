import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { carePlanLetter, toYou } from '../../letters/care-plan-letter.ts';
import { parseAgreement, parseAnswer, parseInputRequest, parsePlan, type RowAnswers } from './forms.ts';
import { addDays, ITEMS_MAX, statusOf } from './model.ts';

const dates = { earliest: '2026-11-20', today: '2026-11-25' };
const row = (over: Partial<RowAnswers> = {}): RowAnswers => ({
  kind: 'action',
  text: 'Phone on Friday',
  owner: 'Liaison team',
  due: { day: '27', month: '11', year: '2026' },
  ...over,
});

test('where a plan stands: a change after agreement needs agreeing again', () => {
  assert.equal(statusOf({ version: 1, agreedVersion: null, sharedVersion: null }), 'draft');
  assert.equal(statusOf({ version: 2, agreedVersion: 2, sharedVersion: null }), 'agreed');
  assert.equal(statusOf({ version: 2, agreedVersion: 2, sharedVersion: 2 }), 'shared');
  assert.equal(statusOf({ version: 3, agreedVersion: 2, sharedVersion: 2 }), 'draft');
});

test('an item keeps its old date when carried over unchanged, but a new one must be on or after the plan began', () => {
  const old = row({ due: { day: '1', month: '11', year: '2026' } });
  assert.equal(parsePlan({ version: '1', summary: '', rows: [old] }, dates, () => false).ok, false);
  const kept = parsePlan({ version: '1', summary: '', rows: [old] }, dates, (i) => i.due === '2026-11-01');
  assert.equal(kept.ok, true);
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
});

test('blank rows are dropped; a partly filled row is named by its row number', () => {
  const parsed = parsePlan(
    {
      version: '2',
      summary: 'x',
      rows: [row(), row({ text: '', owner: '', due: { day: '', month: '', year: '' } }), row({ owner: '' })],
    },
    dates,
    () => false,
  );
  assert.equal(parsed.ok, false);
  if (!parsed.ok) assert.deepEqual(Object.keys(parsed.issues), ['item-2-owner']);
  assert.match(parsed.ok ? '' : parsed.issues['item-2-owner']!, /goal or action 3/);
});

test('agreement needs a way, consent either way, the confirmation and a version', () => {
  assert.equal(parseAgreement({ version: '3', how: 'phone', gpConsent: 'no', confirmed: 'yes' }).ok, true);
  const bad = parseAgreement({ version: 'x', how: 'carrier pigeon', gpConsent: 'maybe', confirmed: '' });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual(Object.keys(bad.issues).sort(), ['confirmed', 'form', 'gpConsent', 'how']);
});

test('input needs a colleague chosen and a question; an answer must say something', () => {
  assert.equal(parseInputRequest({ colleagueId: 'a', question: 'Q?' }).ok, true);
  assert.equal(parseInputRequest({ colleagueId: '', question: 'Q?' }).ok, false);
  assert.equal(parseInputRequest({ colleagueId: 'a', question: ' \r\n ' }).ok, false);
  assert.equal(parseAnswer('\u0000 ').ok, false);
  assert.equal(parseAnswer('x'.repeat(10_001)).ok, false);
});

test('property: the plan parser never throws, and what it accepts keeps every rule', () => {
  const part = fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -1, max: 40 }).map(String));
  const arbitraryRow = fc.record({
    kind: fc.constantFrom('goal', 'action', '', 'risk-level'),
    text: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(''), fc.constant('t'.repeat(1001))),
    owner: fc.oneof(fc.string({ maxLength: 10 }), fc.constant('')),
    due: fc.record({ day: part, month: part, year: fc.oneof(part, fc.constantFrom('2026', '2027', '2030')) }),
  });
  fc.assert(
    fc.property(
      fc.record({
        version: fc.oneof(fc.string({ maxLength: 3 }), fc.constant('4')),
        summary: fc.string({ maxLength: 30 }),
        rows: fc.array(arbitraryRow, { maxLength: 35 }),
      }),
      (answers) => {
        const parsed = parsePlan(answers, dates, () => false);
        if (!parsed.ok) return Object.keys(parsed.issues).length > 0;
        const { items, summary } = parsed.value.content;
        return (
          parsed.value.baseVersion === Number(answers.version) &&
          (summary !== '' || items.length > 0) &&
          items.length <= ITEMS_MAX &&
          items.every(
            (i) => i.text.trim() && i.owner.trim() && i.due >= dates.earliest && i.due <= addDays(dates.today, 366),
          )
        );
      },
    ),
  );
});

test('the letter is written to the person: their items are "You", their name as they write it, dated', () => {
  assert.equal(toYou('the person'), 'You');
  assert.equal(toYou(' Patient '), 'You');
  assert.equal(toYou('GP'), 'GP');
  const letter = carePlanLetter({
    givenName: 'Jo',
    fullName: 'Jo Marsh',
    gpPracticeName: 'Riverside Medical Practice 3',
    letterDate: '2026-11-25',
    dateOfBirth: '1990-05-17',
    nhsNumber: '999 000 0000',
    gpPracticeOds: 'Z10003',
    gpConsent: true,
    teamName: 'Liaison Psychiatry',
    hospitalName: 'Northbridge General',
    agreedAt: new Date('2026-11-25T10:00:00Z'),
    agreedHow: 'in-person',
    agreedByName: 'Sam',
    version: 2,
    content: { summary: '', items: [{ kind: 'goal', text: 'Sleep', owner: 'the person', due: '2026-12-01' }] },
  });
  assert.deepEqual(letter.about.slice(0, 2), [
    { term: 'Date', detail: '25 November 2026' },
    { term: 'For', detail: 'Jo Marsh' },
  ]);
  assert.equal(letter.about.at(-1)!.detail, 'Riverside Medical Practice 3');
  assert.equal(letter.items[0]!.owner, 'You');
  assert.match(letter.closing[0]!, /contact the Liaison Psychiatry at Northbridge General/);
});
