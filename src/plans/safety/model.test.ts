import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shortenedNotice } from '#platform/pdf/blocks.ts';
import { renderPdf } from '#platform/pdf/document.ts';
import { flatText, pdfText } from '../../../test/support/pdf.ts';
import { copyDocument } from '../../letters/safety-plan-copy.ts';
import { emptySections, sectionKeys } from './model.ts';

test('a one-page copy shortens the long sections first, never the people to ask or the crisis lines', async () => {
  const sections = emptySections();
  for (const k of sectionKeys) sections[k] = `${k}: ${'words that go on and on '.repeat(160)}`;
  const people = Array.from({ length: 40 }, (_, i) => `Friend ${i + 1}, 07700 900${String(100 + i)}.`).join(' ');
  sections.askForHelp = `My brother Sam, 07700 900123. ${people} My friend Ali, 07700 900456, after 6pm.`;
  sections.professionals = 'My GP practice, 0161 496 0000. The liaison team, 0161 496 0001.';
  const doc = copyDocument(
    { sections, version: 3, updatedAt: new Date('2026-11-25T10:00:00Z'), teamName: 'Liaison Psychiatry' },
    'Jo Marsh',
  );
  const read = await pdfText(await renderPdf(doc, { onePage: true }));
  assert.equal(read.pages, 1);
  const text = flatText(read.text);
  assert.ok(text.includes('My friend Ali, 07700 900456, after 6pm.'), 'people to ask are whole, to the last one');
  assert.ok(text.includes('Friend 40, 07700 900139.'));
  assert.ok(text.includes('The liaison team, 0161 496 0001.'));
  assert.ok(text.includes('116 123'));
  assert.ok(text.includes(shortenedNotice));
});
