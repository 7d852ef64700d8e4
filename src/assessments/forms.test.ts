import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cleanText, parseVersion } from '#platform/forms.ts';
import { mergeFields } from '#platform/versions.ts';
import { dueAfter as followUpDue } from '../followup/model.ts';
import { type AssessmentAnswers, parseAssessment } from './forms.ts';
import { checkFinal, emptySections, SECTION_MAX, sectionKeys, toSections } from './model.ts';

const answers = (over: Partial<AssessmentAnswers> = {}): AssessmentAnswers => ({
  ...emptySections(),
  version: '1',
  action: 'save',
  assessedOn: { day: '', month: '', year: '' },
  assessedTime: '',
  ...over,
});

test('follow-up falls due 48 hours after the assessment is finalised (NICE NG225), across a clock change', () => {
  assert.equal(followUpDue(new Date('2026-10-24T12:00:00Z')).toISOString(), '2026-10-26T12:00:00.000Z');
});

test('a finalised assessment needs every section; a draft needs none', () => {
  assert.equal(checkFinal(emptySections()).length, sectionKeys.length);
  assert.equal(parseAssessment(answers()).ok, true);
  const full = Object.fromEntries(sectionKeys.map((k) => [k, 'said'])) as ReturnType<typeof emptySections>;
  assert.deepEqual(checkFinal(full), []);
  assert.deepEqual(
    checkFinal({ ...full, formulation: '  \n ' }).map((p) => p.field),
    ['formulation'],
  );
});

test('finalising asks when the assessment took place: a real date, not in the future, and a 24-hour time', () => {
  const full = Object.fromEntries(sectionKeys.map((k) => [k, 'said'])) as ReturnType<typeof emptySections>;
  const finalise = (on: { day: string; month: string; year: string }, time: string) =>
    parseAssessment(answers({ ...full, action: 'finalise', assessedOn: on, assessedTime: time }), '2026-11-25');
  const ok = finalise({ day: '25', month: '11', year: '2026' }, '02:15');
  assert.ok(ok.ok && ok.value.assessedAt?.toISOString() === '2026-11-25T02:15:00.000Z');
  const missing = finalise({ day: '', month: '', year: '' }, '');
  assert.ok(!missing.ok && missing.issues.assessedOn && missing.issues.assessedTime);
  const future = finalise({ day: '26', month: '11', year: '2026' }, '02:15');
  assert.ok(!future.ok && /today or in the past/.test(future.issues.assessedOn!));
  const badTime = finalise({ day: '25', month: '11', year: '2026' }, '25:61');
  assert.ok(!badTime.ok && /24-hour/.test(badTime.issues.assessedTime!));
  // A draft does not ask.
  assert.ok(parseAssessment(answers({ action: 'save' }), '2026-11-25').ok);
});

test('versions are positive whole numbers only', () => {
  for (const bad of ['', '0', '-1', '1.5', '01', 'abc', '9999999999', ' 1']) assert.equal(parseVersion(bad), null, bad);
  assert.equal(parseVersion('12'), 12);
});

test('stored sections keep only known keys with string values', () => {
  const s = toSections({ formulation: 'x', riskLevel: 'high', wants: 3 });
  assert.equal(s.formulation, 'x');
  assert.equal(s.wants, '');
  assert.equal('riskLevel' in s, false);
});

test('property: the parser never throws, and what it accepts is within the rules', () => {
  const section = fc.oneof(fc.string({ maxLength: 40 }), fc.constant(''), fc.constant('x'.repeat(SECTION_MAX + 1)));
  const record = fc.record({
    ...Object.fromEntries(sectionKeys.map((k) => [k, section])),
    version: fc.oneof(fc.string({ maxLength: 4 }), fc.constant('3')),
    action: fc.constantFrom('save', 'finalise', '', 'delete'),
    assessedOn: fc.record({
      day: fc.string({ maxLength: 3 }),
      month: fc.constantFrom('11', 'x', ''),
      year: fc.constantFrom('2026', '1899', ''),
    }),
    assessedTime: fc.constantFrom('09:30', '25:00', '', '<b>'),
  }) as unknown as fc.Arbitrary<AssessmentAnswers>;
  fc.assert(
    fc.property(record, (a) => {
      const parsed = parseAssessment(a, '2026-11-25');
      if (!parsed.ok) return Object.keys(parsed.issues).length > 0;
      // Finalising always says when the person was seen; a draft never does.
      if (parsed.value.finalise !== (parsed.value.assessedAt !== null)) return false;
      const s = parsed.value.sections;
      if (sectionKeys.some((k) => s[k].length > SECTION_MAX)) return false;
      if (parsed.value.finalise && sectionKeys.some((k) => s[k].trim() === '')) return false;
      return parsed.value.finalise === (a.action === 'finalise');
    }),
  );
});

test('property: cleaning text is idempotent, drops control characters and keeps every other non-space character', () => {
  // Every control character but tab and the line breaks: C0, DEL and the C1 block (U+0080–U+009F),
  // as the input boundary drops them (a run once found U+0080 on its own).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters under test
  const control = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (t) => {
      const once = cleanText(t);
      return (
        cleanText(once) === once &&
        once.match(control) === null &&
        once.replace(/\s/g, '') === t.replace(control, '').replace(/\s/g, '')
      );
    }),
  );
  assert.equal(cleanText('a\u0000b\r\nc  '), 'ab\nc');
});

test('three-way merge: their change comes in where only they changed a field; both changing it is a conflict', () => {
  const keys = ['a', 'b', 'c', 'd'] as const;
  const base = { a: 'same', b: 'old b', c: 'old c', d: 'old d' };
  const mine = { a: 'same', b: 'old b', c: 'my c', d: 'both' };
  const theirs = { a: 'same', b: 'their b', c: 'old c', d: 'both!' };
  const m = mergeFields(keys, base, mine, theirs);
  assert.deepEqual(m.merged, { a: 'same', b: 'their b', c: 'my c', d: 'both' });
  assert.deepEqual(m.broughtIn, ['b']);
  assert.deepEqual(m.conflicts, ['d']);
  assert.deepEqual(mergeFields(['x'] as const, { x: '1' }, { x: '2' }, { x: '2' }).conflicts, []);
});
