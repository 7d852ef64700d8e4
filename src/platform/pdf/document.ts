// Accessible PDFs drawn on the server with pdfkit. No browser is involved (docs/architecture.md,
// "What it is made of": HTML→PDF in a headless browser can read file:// and internal URLs), and every piece
// of free text is drawn as plain text: nothing is parsed as markup and nothing becomes a link.
//
// The output is a tagged PDF (structure tree, /Lang en-GB, DisplayDocTitle, XMP dc:title) so a
// screen reader gets headings (H1–H3), paragraphs (P) and lists (L/LI/Lbl/LBody) in reading order;
// borders and footers are marked as artifacts. It is "PDF/UA-ish", not PDF/UA: the standard 14
// fonts are not embedded (PDF/UA requires embedded fonts) and cover WinAnsi only, so text is mapped
// to WinAnsi first (`toWinAnsi`).

import PDFDocument from 'pdfkit';

export type HeadingLevel = 1 | 2 | 3;

export type PdfBlock =
  | { kind: 'heading'; text: string; level?: HeadingLevel }
  /**
   * `keep`: on a one-page copy, shortened only once every other paragraph has been, together with
   * the headings, and still before any box (the people and services a person would phone in a
   * crisis are cut last, the crisis lines never while anything else can give way).
   */
  | { kind: 'paragraph'; text: string; keep?: boolean }
  | { kind: 'list'; items: string[] }
  | { kind: 'definitions'; items: { term: string; detail: string }[] }
  /**
   * A bordered panel (the crisis contacts). On a one-page copy its content is shortened only if the
   * box alone cannot fit the page at the smallest size.
   */
  | { kind: 'box'; title: string; blocks: PdfBlock[] };

export type PdfDocument = {
  /** Drawn as the H1 at the top, and the document's title in its metadata. */
  title: string;
  author?: string;
  subject?: string;
  blocks: PdfBlock[];
  /** Drawn at the foot of every page (an artifact, one line, shortened with … if too long). */
  footer?: string;
};

export type RenderPdfOptions = {
  /** Exactly one page: the type steps down from 12pt to 7pt, then the longest blocks are shortened. */
  onePage?: boolean;
  /** The creation date written into the metadata; pass the clock's time for reproducible output. */
  createdAt?: Date;
};

/** The last line of a one-page copy that had to be shortened. */
export const shortenedNotice =
  'This copy has been shortened to fit on one page. The full plan is available from your care team.';

// A4 in points; 2 cm margins, 2.5 cm at the foot to leave room for the footer.
const pageSize = { width: 595.28, height: 841.89 } as const;
const margins = { top: 56.69, bottom: 70.87, left: 56.69, right: 56.69 } as const;
const contentTop = margins.top;
const contentBottom = pageSize.height - margins.bottom;
const contentHeight = contentBottom - contentTop;
const contentWidth = pageSize.width - margins.left - margins.right;

const black = '#000000';
const nhsBlue = '#005eb8';
/** Body sizes tried, largest first, for a one-page copy. */
const onePageSizes = [12, 11.5, 11, 10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7] as const;
const smallestSize = 7;
const footerSize = 10;

// ---------------------------------------------------------------------------------------------
// Text: WinAnsi only

// Code points outside Latin-1 that WinAnsiEncoding has (the 0x80–0x9F row).
const winAnsiExtras = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c,
  0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

const inWinAnsi = (cp: number): boolean =>
  cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || winAnsiExtras.has(cp);

// Look-alikes for common characters WinAnsi lacks.
const lookAlikes = new Map<number, string>([
  [0x09, ' '],
  [0x2010, '-'],
  [0x2011, '-'],
  [0x2012, '–'],
  [0x2015, '—'],
  [0x2212, '-'],
  [0x2043, '-'],
  [0x2024, '.'],
  [0x2032, "'"],
  [0x2033, '"'],
  [0x201b, '‘'],
  [0x201f, '“'],
  [0x2219, '•'],
  [0x25cf, '•'],
  [0x25e6, '•'],
  [0x2192, '->'],
  [0x2190, '<-'],
  [0x2116, 'No.'],
  [0x2028, '\n'],
  [0x2029, '\n'],
  [0x202f, ' '],
  [0x205f, ' '],
  [0x3000, ' '],
  // Letters with no decomposition, common in names.
  [0x141, 'L'],
  [0x142, 'l'],
  [0x110, 'D'],
  [0x111, 'd'],
  [0x131, 'i'],
  [0x126, 'H'],
  [0x127, 'h'],
]);

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

function mapGrapheme(g: string): string {
  if (g === '\r\n' || g === '\r') return '\n';
  let out = '';
  for (const ch of g) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0xad) continue; // pdfkit would draw a soft hyphen as a hyphen mid-line
    if (inWinAnsi(cp)) {
      out += ch;
      continue;
    }
    const alike = lookAlikes.get(cp) ?? (cp >= 0x2000 && cp <= 0x200a ? ' ' : undefined);
    if (alike !== undefined) {
      out += alike;
      continue;
    }
    // Control and format characters (bidi overrides, joiners) and variation selectors: nothing to draw.
    if (/[\p{Cc}\p{Cf}]/u.test(ch) || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
    // Accented letters WinAnsi lacks (ș, ő, ā, ﬁ): the base letters, without the marks.
    const plain = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    if ([...plain].every((c) => inWinAnsi(c.codePointAt(0)!))) {
      out += plain;
      continue;
    }
    return '?'; // one ? for the whole grapheme, so an emoji sequence is one ?
  }
  return out;
}

/**
 * Text the standard PDF fonts can draw: WinAnsi (Latin-1 plus – — ‘ ’ “ ” • … € £), with look-alikes
 * for a few common characters, accents dropped where WinAnsi lacks the letter, and `?` for anything
 * else (emoji, CJK), one per grapheme. Control characters other than newline, and soft hyphens,
 * are removed.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const { segment } of graphemes.segment(text.normalize('NFC'))) out += mapGrapheme(segment);
  return out;
}

/**
 * pdfkit breaks a word wider than the line letter by letter, in time that grows with the square of
 * its length (30,000 letters without a space took 0.4 s per measurement). No real word is 80
 * letters long, so longer runs get a space every 80 letters.
 */
const breakLongWords = (text: string): string => text.replace(/\S{80}(?=\S)/g, '$& ');

const drawable = (text: string): string => breakLongWords(toWinAnsi(text));

/**
 * Metadata strings are written as UTF-16, so they keep every character but control characters,
 * lone surrogates and bidi overrides (which can make a title read as something else).
 */
const metadataText = (text: string): string =>
  text
    .replace(/[\p{Cc}\p{Cs}]/gu, ' ')
    .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => `&#${c.codePointAt(0)};`).replace(/[\u{fffe}\u{ffff}]/gu, '');

// ---------------------------------------------------------------------------------------------
// Layout

type Pdf = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;
type FontName = 'Helvetica' | 'Helvetica-Bold';
type TextStyle = { font: FontName; size: number; lineGap: number; color: string };

function stylesFor(s: number) {
  const heading = (scale: number): TextStyle => ({
    font: 'Helvetica-Bold',
    size: s * scale,
    lineGap: s * 0.25,
    color: nhsBlue,
  });
  return {
    body: { font: 'Helvetica', size: s, lineGap: s * 0.5, color: black } satisfies TextStyle,
    strong: { font: 'Helvetica-Bold', size: s, lineGap: s * 0.5, color: black } satisfies TextStyle,
    heading: { 1: heading(1.75), 2: heading(1.4), 3: heading(1.15) } satisfies Record<HeadingLevel, TextStyle>,
    space: { block: s * 0.8, item: s * 0.45, beforeHeading: s * 1.4, afterHeading: s * 0.45, box: s * 1.4 },
    boxPadding: s,
    boxBorder: 2,
    bulletIndent: s * 1.5,
  };
}
type Styles = ReturnType<typeof stylesFor>;

function useStyle(pdf: Pdf, style: TextStyle): void {
  pdf.font(style.font).fontSize(style.size).fillColor(style.color);
}

function heightOf(pdf: Pdf, text: string, style: TextStyle, width: number): number {
  if (text === '') return 0;
  pdf.font(style.font).fontSize(style.size);
  return pdf.heightOfString(text, { width, lineGap: style.lineGap });
}

/**
 * The longest start of `text`, cut at a word where possible and ending in …, that fits in
 * `maxHeight`; null when not even a word fits. With `always`, the result ends in … even if the
 * whole text fits (to show that what follows it was left out).
 */
function fitText(
  pdf: Pdf,
  text: string,
  style: TextStyle,
  width: number,
  maxHeight: number,
  always = false,
): string | null {
  const fits = (t: string) => heightOf(pdf, t, style, width) <= maxHeight;
  if (!always && fits(text)) return text;
  const cut = (n: number) => `${text.slice(0, n).trimEnd()}…`;
  if (fits(cut(text.length))) return cut(text.length);
  let lo = 0; // the longest prefix known to fit
  let hi = text.length;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(cut(mid))) lo = mid;
    else hi = mid;
  }
  if (text.slice(0, lo).trim() === '') return null;
  const space = text.slice(0, lo + 1).search(/\s\S*$/);
  if (space > lo * 0.6 && text.slice(0, space).trim() !== '' && fits(cut(space))) return cut(space);
  return cut(lo);
}

type Unit = { id: string; priority: number; height: number };
type Segment = { page: number; top: number; bottom: number; left: number; width: number };
type Prev = 'top' | 'heading' | 'other';
type Frame = { x: number; width: number };

/**
 * One pass over the document at one body size: in 'measure' mode it only moves `y` (as if the page
 * were endless) and records each unit's height; in 'draw' mode it draws and tags.
 * A unit is a block that a one-page copy may shorten; `caps` holds the heights they were given.
 */
class Layout {
  readonly pdf: Pdf;
  readonly st: Styles;
  readonly draw: boolean;
  readonly onePage: boolean;
  readonly caps: ReadonlyMap<string, number>;
  /** Whether to end with the shortenedNotice. */
  readonly notice: boolean;
  y: number = contentTop;
  prev: Prev = 'top';
  frame: Frame = { x: margins.left, width: contentWidth };
  parent: Struct | null = null;
  lastLevel: HeadingLevel = 1;
  readonly units: Unit[] = [];
  readonly segments: Segment[] = [];
  readonly openBoxes: { top: number; page: number; frame: Frame }[] = [];

  constructor(
    pdf: Pdf,
    size: number,
    mode: 'measure' | 'draw',
    onePage: { caps: ReadonlyMap<string, number>; notice: boolean } | null,
  ) {
    this.pdf = pdf;
    this.st = stylesFor(size);
    this.draw = mode === 'draw';
    this.onePage = onePage !== null;
    this.caps = onePage?.caps ?? new Map();
    this.notice = onePage?.notice ?? false;
  }

  get page(): number {
    return this.pdf.bufferedPageRange().count - 1;
  }

  document(doc: PdfDocument): void {
    if (this.draw) {
      const root = this.pdf.struct('Document');
      this.pdf.addStructure(root);
      this.parent = root;
      this.pdf.on('pageAdded', () => this.pageAdded());
    }
    this.heading('title', 1, doc.title, 1);
    this.blocks(doc.blocks, '', false);
    if (this.notice) {
      this.space(this.st.space.block);
      this.text('P', shortenedNotice, this.st.strong, 0, this.frame.width);
      this.prev = 'other';
    }
    this.parent?.end();
  }

  blocks(blocks: PdfBlock[], path: string, inBox: boolean): void {
    blocks.forEach((block, i) => {
      this.block(block, `${path}${i}`, inBox);
    });
  }

  block(block: PdfBlock, id: string, inBox: boolean): void {
    const priority = inBox ? 0 : 2;
    if (block.kind === 'heading') {
      this.lastLevel = block.level ?? 2;
      this.heading(id, this.lastLevel, block.text, inBox ? 0 : 1);
    } else if (block.kind === 'paragraph') this.paragraph(id, block.text, block.keep && !inBox ? 1 : priority);
    else if (block.kind === 'list') this.list(id, block.items, priority);
    else if (block.kind === 'definitions') this.definitions(id, block.items, priority);
    else this.box(block, id);
  }

  // -- spacing, pages and units

  gapBefore(kind: 'heading' | 'other' | 'box'): number {
    const { space } = this.st;
    if (this.prev === 'top') return 0;
    if (this.prev === 'heading') return space.afterHeading;
    return kind === 'heading' ? space.beforeHeading : kind === 'box' ? space.box : space.block;
  }

  space(gap: number): void {
    if (this.prev !== 'top') this.y += gap;
  }

  /** Multi-page only: start a new page unless `height` more fits on this one. */
  keep(height: number): void {
    if (!this.draw || this.onePage || this.y + height <= contentBottom || this.y <= contentTop + 1) return;
    this.pdf.addPage();
    this.y = contentTop;
    this.prev = 'top';
  }

  pageAdded(): void {
    // A box that runs over a page gets a border on each page it reaches.
    for (const box of this.openBoxes) {
      this.segments.push({
        page: this.page - 1,
        top: box.top,
        bottom: contentBottom + this.st.boxPadding / 2,
        ...this.boxEdges(box.frame),
      });
      box.top = contentTop - this.st.boxPadding / 2;
      box.page = this.page;
    }
  }

  boxEdges(frame: Frame): { left: number; width: number } {
    const inset = this.st.boxPadding + this.st.boxBorder;
    return { left: frame.x - inset, width: frame.width + 2 * inset };
  }

  /**
   * Lays out a unit: `plan` gets the height it may fill (Infinity when not capped) and returns
   * what to draw, or null to leave the unit out; `need` is how much of it must follow the gap on
   * the same page. Records the unit's natural height.
   */
  unit<T>(
    id: string,
    priority: number,
    kind: 'heading' | 'other',
    plan: (room: number) => T | null,
    need: (planned: T) => number,
    emit: (planned: T) => void,
  ): void {
    const start = this.y;
    const cap = this.caps.get(id);
    const planned = plan(cap === undefined ? Number.POSITIVE_INFINITY : cap - this.gapBefore(kind));
    if (planned === null) return;
    this.keep(this.gapBefore(kind) + need(planned));
    this.space(this.gapBefore(kind));
    emit(planned);
    this.prev = kind;
    if (cap === undefined) this.units.push({ id, priority, height: this.y - start });
  }

  /** Draws (or measures) text at the current line, in the current frame, under a new `tag` element. */
  text(tag: string, text: string, style: TextStyle, dx: number, width: number, parent = this.parent): void {
    if (!this.draw) {
      this.y += heightOf(this.pdf, text, style, width);
      return;
    }
    const y = this.y;
    // On a one-page copy text is never allowed past the foot of the page (pdfkit would add a page).
    if (this.onePage && y + heightOf(this.pdf, 'X', style, width) > contentBottom + 0.5) return;
    const height = this.onePage ? contentBottom - y + 0.5 : undefined;
    useStyle(this.pdf, style);
    const draw = () => {
      this.pdf.text(text, this.frame.x + dx, y, { width, lineGap: style.lineGap, height });
    };
    parent?.add(this.pdf.struct(tag, {}, draw));
    this.y = this.pdf.y;
  }

  /** Draws a label (a bullet) at the start of the current line without moving down. */
  label(text: string, style: TextStyle, parent: Struct | null): void {
    if (!this.draw) return;
    if (this.onePage && this.y + heightOf(this.pdf, 'X', style, contentWidth) > contentBottom + 0.5) return;
    useStyle(this.pdf, style);
    const x = this.frame.x;
    const y = this.y;
    parent?.add(this.pdf.struct('Lbl', {}, () => this.pdf.text(text, x, y, { lineBreak: false })));
  }

  container(tag: string, parent = this.parent): Struct | null {
    if (!this.draw) return null;
    const element = this.pdf.struct(tag);
    parent?.add(element);
    return element;
  }

  // -- blocks

  heading(id: string, level: HeadingLevel, raw: string, priority: number): void {
    const text = raw.trim();
    if (text === '') return;
    const style = this.st.heading[level];
    const width = this.frame.width;
    this.unit(
      id,
      priority,
      'heading',
      (room) => fitText(this.pdf, text, style, width, room),
      // Keep a heading with the first lines of what follows it.
      (fitted) => heightOf(this.pdf, fitted, style, width) + 3 * this.st.body.size,
      (fitted) => this.text(`H${level}`, fitted, style, 0, width),
    );
  }

  paragraph(id: string, raw: string, priority: number): void {
    const text = raw.trim();
    if (text === '') return;
    const style = this.st.body;
    const width = this.frame.width;
    this.unit(
      id,
      priority,
      'other',
      (room) => fitText(this.pdf, text, style, width, room),
      () => 2 * style.size,
      (fitted) => this.text('P', fitted, style, 0, width),
    );
  }

  list(id: string, raw: string[], priority: number): void {
    const items = raw.map((item) => item.trim()).filter((item) => item !== '');
    if (items.length === 0) return;
    const { body } = this.st;
    const indent = this.st.bulletIndent;
    const width = this.frame.width - indent;
    this.unit(
      id,
      priority,
      'other',
      (room) =>
        fitSequence(
          items,
          (item) => heightOf(this.pdf, item, body, width),
          (item, h, always) => fitText(this.pdf, item, body, width, h, always),
          this.st.space.item,
          room,
        ),
      () => 2 * body.size,
      (fitted) => {
        const list = this.container('L');
        fitted.forEach((item, i) => {
          if (i > 0) this.y += this.st.space.item;
          if (i > 0) this.keep(2 * body.size);
          const li = this.container('LI', list);
          this.label('•', body, li);
          this.text('LBody', item, body, indent, width, li);
          li?.end();
        });
        list?.end();
      },
    );
  }

  definitions(id: string, raw: { term: string; detail: string }[], priority: number): void {
    const items = raw
      .map(({ term, detail }) => ({ term: term.trim(), detail: detail.trim() }))
      .filter(({ term, detail }) => term !== '' || detail !== '');
    if (items.length === 0) return;
    const { body, strong } = this.st;
    const width = this.frame.width;
    const termHeight = (term: string) => heightOf(this.pdf, term, strong, width);
    this.unit(
      id,
      priority,
      'other',
      (room) =>
        fitSequence(
          items,
          (item) => termHeight(item.term) + heightOf(this.pdf, item.detail, body, width),
          (item, h, always) => {
            const detail = fitText(this.pdf, item.detail, body, width, h - termHeight(item.term), always);
            return detail === null ? null : { term: item.term, detail };
          },
          this.st.space.item,
          room,
        ),
      (fitted) => termHeight(fitted[0]?.term ?? '') + 2 * body.size,
      (fitted) => {
        const list = this.container('L');
        fitted.forEach((item, i) => {
          if (i > 0) this.y += this.st.space.item;
          if (i > 0) this.keep(termHeight(item.term) + 2 * body.size);
          const li = this.container('LI', list);
          if (item.term !== '') this.text('Lbl', item.term, strong, 0, width, li);
          if (item.detail !== '') this.text('LBody', item.detail, body, 0, width, li);
          li?.end();
        });
        list?.end();
      },
    );
  }

  box(block: { title: string; blocks: PdfBlock[] }, id: string): void {
    const pad = this.st.boxPadding;
    const inset = pad + this.st.boxBorder;
    if (this.draw && !this.onePage) {
      // Keep the box on one page when it fits on one.
      const probe = new Layout(this.pdf, this.st.body.size, 'measure', null);
      probe.frame = this.frame;
      probe.lastLevel = this.lastLevel;
      probe.prev = 'top';
      probe.box(block, id);
      const height = probe.y - contentTop;
      if (height <= contentHeight) this.keep(this.gapBefore('box') + height);
    }
    this.space(this.gapBefore('box'));
    const outer = this.frame;
    const parent = this.parent;
    const section = this.container('Sect');
    const open = {
      top: this.y,
      page: this.draw ? this.page : 0,
      frame: { x: outer.x + inset, width: outer.width - 2 * inset },
    };
    this.openBoxes.push(open);
    this.frame = open.frame;
    this.parent = section;
    this.y += pad;
    this.prev = 'top';
    const level = Math.min(3, this.lastLevel + 1) as HeadingLevel;
    this.heading(`${id}t`, level, block.title, 0);
    this.blocks(block.blocks, `${id}.`, true);
    this.y += pad - this.st.body.lineGap; // the last line's gap is space enough
    this.openBoxes.pop();
    this.segments.push({
      page: open.page,
      top: open.top,
      bottom: Math.min(this.y, contentBottom + pad / 2),
      ...this.boxEdges(open.frame),
    });
    section?.end();
    this.parent = parent;
    this.frame = outer;
    this.prev = 'other';
  }
}

/**
 * Items in order, the last one shortened, that fit in `room`: whole items while they fit, then the
 * next one cut short; if not even a word of it fits, the item before it is ended with … instead.
 */
function fitSequence<T>(
  items: T[],
  height: (item: T) => number,
  fit: (item: T, room: number, always: boolean) => T | null,
  gap: number,
  room: number,
): T[] | null {
  const out: T[] = [];
  const usedBefore: number[] = [];
  let used = 0;
  for (const [i, item] of items.entries()) {
    const g = i > 0 ? gap : 0;
    const h = height(item);
    if (used + g + h <= room) {
      out.push(item);
      usedBefore.push(used);
      used += g + h;
      continue;
    }
    const cut = fit(item, room - used - g, false);
    if (cut !== null) return [...out, cut];
    const last = out.pop();
    const before = usedBefore.pop();
    if (last === undefined || before === undefined) return null;
    const ended = fit(last, room - before - (out.length > 0 ? gap : 0), true);
    return ended === null ? (out.length > 0 ? out : null) : [...out, ended];
  }
  return out;
}

/**
 * Caps for the units so the total fits `available`: the lowest priority level whose units can
 * absorb the overflow is chosen (2: paragraphs and lists, then 1: headings too, then 0: boxes too),
 * and among those only the tallest are cut, all to the same height (water-filling).
 */
function capUnits(units: Unit[], total: number, available: number): Map<string, number> {
  for (const priority of [2, 1, 0]) {
    const cuttable = units.filter((u) => u.priority >= priority);
    const cuttableHeight = cuttable.reduce((sum, u) => sum + u.height, 0);
    const budget = available - (total - cuttableHeight);
    if (budget < 0 || cuttable.length === 0) continue;
    let lo = 0;
    let hi = Math.max(...cuttable.map((u) => u.height));
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      const used = cuttable.reduce((sum, u) => sum + Math.min(u.height, mid), 0);
      if (used <= budget) lo = mid;
      else hi = mid;
    }
    return new Map(cuttable.filter((u) => u.height > lo).map((u) => [u.id, lo]));
  }
  return new Map(units.map((u) => [u.id, 0]));
}

// ---------------------------------------------------------------------------------------------

function cleanBlock(block: PdfBlock): PdfBlock {
  switch (block.kind) {
    case 'heading':
      return { kind: 'heading', text: drawable(block.text), level: block.level };
    case 'paragraph':
      return { kind: 'paragraph', text: drawable(block.text), keep: block.keep };
    case 'list':
      return { kind: 'list', items: block.items.map(drawable) };
    case 'definitions':
      return {
        kind: 'definitions',
        items: block.items.map((d) => ({ term: drawable(d.term), detail: drawable(d.detail) })),
      };
    case 'box':
      return { kind: 'box', title: drawable(block.title), blocks: block.blocks.map(cleanBlock) };
  }
}

function footers(pdf: Pdf, footer: string, size: number): void {
  const { count } = pdf.bufferedPageRange();
  const style: TextStyle = { font: 'Helvetica', size, lineGap: 0, color: black };
  const y = contentBottom + 28;
  for (let page = 0; page < count; page++) {
    pdf.switchToPage(page);
    useStyle(pdf, style);
    const number = count > 1 ? `Page ${page + 1} of ${count}` : '';
    const numberWidth = number === '' ? 0 : pdf.widthOfString(number) + size;
    const text = footer === '' ? '' : fitText(pdf, footer, style, contentWidth - numberWidth, style.size * 1.5);
    if (!text && !number) continue;
    pdf.markContent('Artifact', { type: 'Pagination' });
    if (text) pdf.text(text, margins.left, y, { lineBreak: false });
    if (number) pdf.text(number, margins.left + contentWidth - pdf.widthOfString(number), y, { lineBreak: false });
    pdf.endMarkedContent();
  }
}

function borders(pdf: Pdf, segments: Segment[], width: number): void {
  for (const s of segments) {
    pdf.switchToPage(s.page);
    pdf.markContent('Artifact', { type: 'Layout' });
    pdf
      .lineWidth(width)
      .strokeColor(nhsBlue)
      .rect(s.left + width / 2, s.top + width / 2, s.width - width, s.bottom - s.top - width)
      .stroke();
    pdf.endMarkedContent();
  }
}

/**
 * Draws `doc` as an A4, tagged PDF. Every string is drawn as text, never interpreted.
 * With `onePage`, the result is always exactly one page (see RenderPdfOptions).
 */
export async function renderPdf(doc: PdfDocument, options: RenderPdfOptions = {}): Promise<Buffer> {
  const title = metadataText(doc.title);
  const info: PDFKit.DocumentInfo = {
    Title: title,
    Creator: 'Onward',
    CreationDate: options.createdAt ?? new Date(),
  };
  if (doc.author) info.Author = metadataText(doc.author);
  if (doc.subject) info.Subject = metadataText(doc.subject);
  const pdf = new PDFDocument({
    size: 'A4',
    margins,
    pdfVersion: '1.7',
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
    bufferPages: true,
    info,
  });
  // pdfkit copies Title/Author/Subject into the XMP metadata without escaping them: the Info
  // dictionary has been written by the time endMetadata runs, so escape them for the XMP only.
  const endMetadata = pdf.endMetadata.bind(pdf);
  pdf.endMetadata = () => {
    for (const key of ['Title', 'Author', 'Subject'] as const) {
      const value = pdf.info[key];
      if (value) pdf.info[key] = escapeXml(value);
    }
    endMetadata();
  };
  const chunks: Uint8Array[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Uint8Array) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const clean: PdfDocument = { ...doc, title: drawable(doc.title), blocks: doc.blocks.map(cleanBlock) };
  const layout = options.onePage ? onePageLayout(pdf, clean) : new Layout(pdf, 12, 'draw', null);
  layout.document(clean);
  borders(pdf, layout.segments, layout.st.boxBorder);
  const footer = drawable(doc.footer ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  footers(pdf, footer, Math.min(footerSize, layout.st.body.size));
  pdf.end();
  return done;
}

/** The largest body size at which everything fits one page; failing that, 7pt with units capped. */
function onePageLayout(pdf: Pdf, doc: PdfDocument): Layout {
  const available = contentHeight - 1;
  const measure = (size: number, caps: ReadonlyMap<string, number>, notice: boolean) => {
    const m = new Layout(pdf, size, 'measure', { caps, notice });
    m.document(doc);
    return m;
  };
  for (const size of onePageSizes) {
    if (measure(size, new Map(), false).y - contentTop <= available) {
      return new Layout(pdf, size, 'draw', { caps: new Map(), notice: false });
    }
  }
  const size = smallestSize;
  const natural = measure(size, new Map(), true);
  const total = natural.y - contentTop;
  let caps = capUnits(natural.units, total, available);
  // Leaving a unit out can change the gaps around it, so check and tighten until it fits.
  let target = available;
  for (let i = 0; i < 6; i++) {
    const over = measure(size, caps, true).y - contentTop - available;
    if (over <= 0) break;
    target -= over + 1;
    caps = capUnits(natural.units, total, target);
  }
  // Should the caps still not be enough, drawing stops at the foot of the page: never a second page.
  return new Layout(pdf, size, 'draw', { caps, notice: true });
}
