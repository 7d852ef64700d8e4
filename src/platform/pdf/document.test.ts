import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { flatText, pdfText } from '../../../test/support/pdf.ts';
import { crisisContacts } from '../crisis-contacts.ts';
import { type PdfBlock, type PdfDocument, shortenedNotice } from './blocks.ts';
import { renderPdf } from './document.ts';
import { toWinAnsi } from './winansi.ts';

const createdAt = new Date('2026-06-03T10:00:00Z');

const crisisBox: PdfBlock = {
  kind: 'box',
  title: 'If you need help now',
  blocks: [
    { kind: 'definitions', items: crisisContacts.map((c) => ({ term: c.name, detail: `${c.how}. ${c.when}.` })) },
  ],
};

const safetyPlan: PdfDocument = {
  title: 'Your safety plan',
  author: 'Liaison psychiatry team',
  subject: 'Safety plan',
  footer: 'Made on 3 June 2026',
  blocks: [
    { kind: 'paragraph', text: 'Keep this plan somewhere you can find it.' },
    { kind: 'heading', text: 'Warning signs' },
    { kind: 'list', items: ['Not sleeping', 'Staying in my room'] },
    { kind: 'heading', text: 'Things that help', level: 3 },
    { kind: 'definitions', items: [{ term: 'My sister', detail: 'Call her any evening' }] },
    crisisBox,
  ],
};

/** 7 sections of about 2,000 characters each, each ending with a marker, and the crisis box. */
function longPlan(): PdfDocument {
  const sections = Array.from({ length: 7 }, (_, i): PdfBlock[] => [
    { kind: 'heading', text: `Section ${i + 1}` },
    {
      kind: 'paragraph',
      text: `Start of section ${i + 1}. ${'The clinician wrote a long note about what was agreed today. '.repeat(32)}End of section ${i + 1}.`,
    },
  ]);
  return { title: 'Care plan', footer: 'Jane Smith', blocks: [...sections.flat(), crisisBox] };
}

const crisisText = crisisContacts.flatMap((c) => [c.name, `${c.how}. ${c.when}.`]);

test('the text of every kind of block, the title and the footer can be read back, tagged by role', async () => {
  const read = await pdfText(await renderPdf(safetyPlan, { createdAt }));
  const text = flatText(read.text);
  assert.equal(read.pages, 1);
  for (const expected of [
    'Your safety plan',
    'Keep this plan somewhere you can find it.',
    'Warning signs',
    'Not sleeping',
    'Staying in my room',
    'Things that help',
    'My sister',
    'Call her any evening',
    'If you need help now',
    'Made on 3 June 2026',
    ...crisisText,
  ]) {
    assert.ok(text.includes(expected), `missing: ${expected}`);
  }
  // Reading order is the order of the blocks.
  assert.ok(text.indexOf('Warning signs') < text.indexOf('Things that help'));
  assert.ok(text.indexOf('Things that help') < text.indexOf('If you need help now'));
  assert.equal(read.language, 'en-GB');
  for (const role of ['Document', 'H1', 'H2', 'H3', 'P', 'L', 'LI', 'Lbl', 'LBody', 'Sect']) {
    assert.ok(read.roles.includes(role), `no ${role} in ${read.roles.join(' ')}`);
  }
  assert.deepEqual(read.roles.slice(0, 3), ['Document', 'H1', 'P']);
  assert.deepEqual(read.fontSizes.at(-1), 21, 'the title is the largest text (1.75 × 12pt)');
  assert.ok(read.fontSizes.includes(12), 'body text is 12pt');
});

test('the title, author and subject are in the document information and the XMP title', async () => {
  const title = 'Plan for O’Brien & <Sons> 😀';
  const read = await pdfText(await renderPdf({ ...safetyPlan, title }, { createdAt }));
  assert.equal(read.title, title);
  assert.equal(read.xmpTitle, title, 'pdfkit does not escape XMP itself: & and < must not break it');
  assert.equal(read.author, 'Liaison psychiatry team');
  assert.equal(read.subject, 'Safety plan');
  // On the page, the emoji cannot be drawn with the standard fonts.
  assert.ok(flatText(read.text).includes('Plan for O’Brien & <Sons> ?'));
});

test('markup and links in free text are drawn as literal text, with no annotations', async () => {
  const hostile = [
    '<script>alert(1)</script>',
    '<b>bold</b> &amp; <a href="https://evil.example">click</a>',
    'javascript:alert(1) https://example.org/phish file:///etc/passwd',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder is the input under test
    '{{ secret }} {% include "x" %} ${process.env.HOME}',
  ];
  const read = await pdfText(
    await renderPdf({
      title: hostile[0]!,
      footer: hostile[1],
      blocks: [
        { kind: 'paragraph', text: hostile[0]! },
        { kind: 'list', items: hostile },
        {
          kind: 'box',
          title: hostile[2]!,
          blocks: [{ kind: 'definitions', items: [{ term: hostile[1]!, detail: hostile[3]! }] }],
        },
      ],
    }),
  );
  const text = flatText(read.text);
  for (const h of hostile) assert.ok(text.includes(h), `not literal: ${h}`);
  assert.equal(read.annotations, 0);
});

test('one page: a short document stays at 12pt and is the same as the ordinary rendering', async () => {
  const one = await renderPdf(safetyPlan, { onePage: true, createdAt });
  const read = await pdfText(one);
  assert.equal(read.pages, 1);
  assert.ok(read.fontSizes.includes(12));
  assert.ok(!flatText(read.text).includes(shortenedNotice));
  assert.deepEqual(one, await renderPdf(safetyPlan, { createdAt }));
});

test('one page: a document a little over a page gets smaller type, and nothing is cut', async () => {
  const doc = longPlan();
  doc.blocks = doc.blocks.slice(0, 4).concat(crisisBox); // two sections: about 2 pages at 12pt
  assert.ok((await pdfText(await renderPdf(doc))).pages > 1);
  const read = await pdfText(await renderPdf(doc, { onePage: true }));
  const text = flatText(read.text);
  assert.equal(read.pages, 1);
  const body = Math.min(...read.fontSizes);
  assert.ok(body < 12 && body >= 7, `body at ${body}pt`);
  for (const n of [1, 2]) assert.ok(text.includes(`End of section ${n}.`));
  for (const line of crisisText) assert.ok(text.includes(line));
  assert.ok(!text.includes('…'));
  assert.ok(!text.includes(shortenedNotice));
});

test('one page: a very long plan is exactly one page; long sections are cut with …, the crisis box never', async () => {
  const read = await pdfText(await renderPdf(longPlan(), { onePage: true }));
  const text = flatText(read.text);
  assert.equal(read.pages, 1);
  assert.equal(Math.min(...read.fontSizes), 7, 'the smallest size is used before anything is cut');
  assert.ok(text.includes('…'));
  assert.ok(text.endsWith(`${shortenedNotice} Jane Smith`), text.slice(-200));
  for (let n = 1; n <= 7; n++) {
    assert.ok(text.includes(`Section ${n} Start of section ${n}.`), `section ${n} lost its heading or start`);
    assert.ok(!text.includes(`End of section ${n}.`), `section ${n} was not cut`);
  }
  assert.ok(text.includes('If you need help now'));
  for (const line of crisisText) assert.ok(text.includes(line), `crisis contact cut: ${line}`);
  assert.ok(read.roles.includes('Sect'));
});

test('one page holds even when the content is absurd: huge lists, headings, titles and words', async () => {
  const cases: PdfDocument[] = [
    {
      title: 'Items',
      blocks: [{ kind: 'list', items: Array.from({ length: 400 }, (_, i) => `Item ${i}`) }, crisisBox],
    },
    {
      title: 'Headings',
      blocks: [...Array.from({ length: 300 }, (): PdfBlock => ({ kind: 'heading', text: 'H' })), crisisBox],
    },
    { title: 'Title '.repeat(3000), blocks: [crisisBox] },
    { title: 'Lines', blocks: [{ kind: 'paragraph', text: 'a\n'.repeat(3000) }, crisisBox] },
    { title: 'Word', blocks: [{ kind: 'paragraph', text: 'x'.repeat(30_000) }, crisisBox] },
    {
      title: 'Big box',
      blocks: [
        { kind: 'box', title: 'Contacts', blocks: [{ kind: 'list', items: Array.from({ length: 300 }, () => 'x') }] },
      ],
    },
  ];
  for (const doc of cases) {
    const started = performance.now();
    const read = await pdfText(await renderPdf(doc, { onePage: true }));
    assert.equal(read.pages, 1, doc.title.slice(0, 20));
    assert.ok(flatText(read.text).includes(shortenedNotice), doc.title.slice(0, 20));
    // A 30,000-letter word took 10 s before long words were broken up (pdfkit wraps them in quadratic time).
    assert.ok(performance.now() - started < 5000, `${doc.title.slice(0, 20)} took too long`);
  }
});

test('without onePage a long plan runs over several numbered pages, all of it, the box kept whole on one page', async () => {
  const read = await pdfText(await renderPdf(longPlan()));
  const text = flatText(read.text);
  assert.ok(read.pages >= 3, `${read.pages} pages`);
  for (let n = 1; n <= 7; n++) assert.ok(text.includes(`End of section ${n}.`));
  assert.ok(!text.includes('…'));
  assert.ok(!text.includes(shortenedNotice));
  assert.ok(flatText([read.text[0]!]).endsWith(`Jane Smith Page 1 of ${read.pages}`));
  const boxPage = flatText([read.text.at(-1)!]);
  for (const line of ['If you need help now', ...crisisText]) assert.ok(boxPage.includes(line));
});

test('a box taller than a page runs on over pages without losing anything', async () => {
  const items = Array.from({ length: 120 }, (_, i) => `Contact number ${i}`);
  const read = await pdfText(
    await renderPdf({
      title: 'Contacts',
      blocks: [{ kind: 'box', title: 'Everyone', blocks: [{ kind: 'list', items }] }],
    }),
  );
  assert.ok(read.pages >= 2);
  const text = flatText(read.text);
  for (const item of items) assert.ok(text.includes(`${item} `) || text.endsWith(item), item);
});

test('characters the standard fonts lack become ? (or their base letter); typographic ones are kept', async () => {
  const typographic = 'It’s – not — “quoted” ‘single’ • £12.50 €3 … café';
  const hard = '😀 👨‍👩‍👧 中文 العربية \u202E reversed \u0000\u0007\uD800 lone';
  const read = await pdfText(
    await renderPdf({
      title: hard,
      footer: hard,
      blocks: [
        { kind: 'paragraph', text: typographic },
        { kind: 'heading', text: hard },
        { kind: 'list', items: [hard] },
        { kind: 'box', title: hard, blocks: [{ kind: 'definitions', items: [{ term: hard, detail: hard }] }] },
      ],
    }),
  );
  const text = flatText(read.text);
  assert.ok(text.includes(typographic));
  assert.ok(text.includes('? ? ?? ??????? reversed ? lone'), text);
  // The metadata is Unicode: it keeps what it can, without control or bidi-override characters.
  assert.equal(read.title, '😀 👨‍👩‍👧 中文 العربية reversed lone');
});

test('toWinAnsi: names keep their letters where WinAnsi has them and lose only the accent where not', () => {
  assert.equal(toWinAnsi('Zoë Ștefan Łukasz Dvořák Ngọc Đình Ağaoğlu'), 'Zoë Stefan Lukasz Dvorák Ngoc Dình Agaoglu');
  assert.equal(toWinAnsi('a\u2011b \u2212 5 \u00ad\u200b\u202e\u2066x'), 'a-b - 5 x');
  assert.equal(toWinAnsi('line\r\nbreak\ttab'), 'line\nbreak tab');
  assert.equal(toWinAnsi('👍🏽!'), '?!');
});

test('the same document and creation date give the same bytes', async () => {
  const a = await renderPdf(longPlan(), { onePage: true, createdAt });
  const b = await renderPdf(longPlan(), { onePage: true, createdAt });
  assert.ok(a.equals(b));
});

test('property: any string drawn as a paragraph gives a PDF, without throwing', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), fc.boolean(), async (text, onePage) => {
      const pdf = await renderPdf({ title: text, footer: text, blocks: [{ kind: 'paragraph', text }] }, { onePage });
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    }),
    { numRuns: 150 },
  );
});

test('property: with onePage, any mix of blocks is exactly one page and keeps the crisis box whole', async () => {
  const text = fc.string({ unit: 'grapheme-ascii', minLength: 0, maxLength: 1500 });
  const block: fc.Arbitrary<PdfBlock> = fc.oneof(
    fc.record({
      kind: fc.constant('heading' as const),
      text,
      level: fc.constantFrom(1 as const, 2 as const, 3 as const),
    }),
    fc.record({ kind: fc.constant('paragraph' as const), text }),
    fc.record({ kind: fc.constant('list' as const), items: fc.array(text, { maxLength: 12 }) }),
    fc.record({
      kind: fc.constant('definitions' as const),
      items: fc.array(fc.record({ term: text, detail: text }), { maxLength: 6 }),
    }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(block, { maxLength: 14 }), fc.nat(14), async (blocks, at) => {
      blocks.splice(at, 0, crisisBox);
      const read = await pdfText(await renderPdf({ title: 'Plan', blocks }, { onePage: true }));
      assert.equal(read.pages, 1);
      const all = flatText(read.text);
      for (const line of crisisText) assert.ok(all.includes(line), line);
    }),
    { numRuns: 25 },
  );
});
