import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { crisisContacts } from '#platform/crisis-contacts.ts';
import { cleanText } from '#platform/forms.ts';
import type { PdfBlock } from '#platform/pdf/blocks.ts';
import { copyDocument, copySections } from '../../letters/safety-plan-copy.ts';
import { parseBaseVersion, parseSafetyPlan, parseVersionParam, type SafetyPlanAnswers } from './forms.ts';
import {
  changedSections,
  checkPlan,
  contactsSection,
  emptySections,
  SECTION_MAX,
  sectionKeys,
  toSections,
} from './model.ts';

const answers = (over: Partial<SafetyPlanAnswers> = {}): SafetyPlanAnswers => ({
  ...emptySections(),
  version: '0',
  ...over,
});

test('a plan needs at least one section written, and none over 4,000 characters', () => {
  assert.deepEqual(
    checkPlan(emptySections()).map((p) => p.message),
    ['Write at least one section of the safety plan with the person'],
  );
  assert.deepEqual(checkPlan({ ...emptySections(), saferSurroundings: 'x' }), []);
  assert.deepEqual(checkPlan({ ...emptySections(), warningSigns: 'x'.repeat(SECTION_MAX) }), []);
  assert.deepEqual(checkPlan({ ...emptySections(), warningSigns: 'x'.repeat(SECTION_MAX + 1) }), [
    { field: 'warningSigns', message: 'My warning signs must be 4,000 characters or fewer' },
  ]);
  const parsed = parseSafetyPlan(answers({ reasonsForLiving: ' \r\n\t ' }));
  assert.equal(parsed.ok, false);
});

test('the version a form started from is 0 (no plan yet) or a positive whole number; an address takes 1 upwards', () => {
  for (const bad of ['', '-1', '1.5', '01', '00', 'abc', '9999999999', ' 1', '1 ', '0x1']) {
    assert.equal(parseBaseVersion(bad), null, bad);
  }
  assert.equal(parseBaseVersion('0'), 0);
  assert.equal(parseBaseVersion('12'), 12);
  for (const bad of ['0', '', 'abc', '01', undefined, ['1'], 2])
    assert.equal(parseVersionParam(bad), null, String(bad));
  assert.equal(parseVersionParam('3'), 3);
});

test('text is kept as typed: markup untouched, only line endings, trailing space and unstorable characters changed', () => {
  assert.equal(cleanText('<b>hi</b>\r\nline two  \r\n\r\n'), '<b>hi</b>\nline two');
  assert.equal(cleanText('a\u0000b\u0007c\u001bd\u0085e'), 'abcde');
  assert.equal(cleanText('tab\tinside'), 'tab\tinside');
  assert.equal(cleanText('lone \ud800 surrogate'), 'lone \ufffd surrogate');
  assert.equal(cleanText('emoji 🙂 and café'), 'emoji 🙂 and café');
});

test('stored sections keep only known keys with string values', () => {
  const s = toSections({ warningSigns: 'x', riskLevel: 'high', askForHelp: 3 });
  assert.equal(s.warningSigns, 'x');
  assert.equal(s.askForHelp, '');
  assert.equal('riskLevel' in s, false);
});

test('changed sections come in the plan’s order', () => {
  const before = emptySections();
  const after = { ...before, saferSurroundings: 'x', reasonsForLiving: 'y' };
  assert.deepEqual(changedSections(before, after), ['reasonsForLiving', 'saferSurroundings']);
  assert.deepEqual(changedSections(after, after), []);
});

test('the PDF copy always carries every crisis contact in one box, under the professionals section, even when it is empty', () => {
  const doc = copyDocument(
    {
      sections: { ...emptySections(), reasonsForLiving: 'My daughter' },
      version: 2,
      updatedAt: new Date('2026-03-29T00:30:00Z'),
      teamName: 'Liaison Psychiatry, North Hospital',
    },
    'Alex Smith',
  );
  assert.equal(doc.title, 'My safety plan');
  const boxes = doc.blocks.filter((b): b is Extract<PdfBlock, { kind: 'box' }> => b.kind === 'box');
  assert.equal(boxes.length, 1);
  const lines = JSON.stringify(boxes[0]);
  for (const c of crisisContacts) {
    assert.ok(lines.includes(c.name));
    assert.ok(lines.includes(c.how));
  }
  const headings = doc.blocks.filter((b) => b.kind === 'heading').map((b) => (b as { text: string }).text);
  assert.equal(headings.length, sectionKeys.length);
  const boxAt = doc.blocks.indexOf(boxes[0]!);
  assert.equal(
    (doc.blocks[boxAt - 2] as { text: string }).text,
    `${sectionKeys.indexOf(contactsSection) + 1}. Professionals and services I can contact`,
  );
  assert.equal((doc.blocks[boxAt - 1] as { text: string }).text, 'Nothing written here yet.');
  assert.match((doc.blocks[0] as { text: string }).text, /Alex Smith.*North Hospital.*29 March 2026/);
  assert.doesNotMatch(doc.footer ?? '', /Alex|Smith/, 'no name in the footer');
  assert.deepEqual(
    copySections(emptySections())
      .filter((s) => s.contacts)
      .map((s) => s.key),
    [contactsSection],
  );
});

test('property: the parser never throws, and what it accepts is within the rules and cleaned', () => {
  const section = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ maxLength: 40, unit: 'grapheme' }),
    fc.constantFrom('', '  \r\n\t', '<script>alert(1)</script>', 'x'.repeat(SECTION_MAX), 'x'.repeat(SECTION_MAX + 1)),
  );
  const record = fc.record({
    ...Object.fromEntries(sectionKeys.map((k) => [k, section])),
    version: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('0', '3', '01', '-1')),
  }) as unknown as fc.Arbitrary<SafetyPlanAnswers>;
  fc.assert(
    fc.property(record, (a) => {
      const parsed = parseSafetyPlan(a);
      if (!parsed.ok) return Object.keys(parsed.issues).length > 0;
      const s = parsed.value.sections;
      if (sectionKeys.some((k) => s[k].length > SECTION_MAX)) return false;
      if (sectionKeys.every((k) => s[k].trim() === '')) return false;
      if (sectionKeys.some((k) => s[k] !== cleanText(a[k]))) return false;
      if (sectionKeys.some((k) => /(?![\n\t])\p{Cc}/u.test(s[k]))) return false;
      return String(parsed.value.baseVersion) === a.version;
    }),
    { numRuns: 500 },
  );
});

test('property: cleaning text is idempotent and keeps every printable character', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (t) => {
      const once = cleanText(t);
      const printable = (x: string) => x.replace(/[\s\p{Cc}]/gu, '');
      return cleanText(once) === once && printable(once) === printable(t);
    }),
  );
});
