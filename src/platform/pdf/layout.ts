import type { HeadingLevel, PdfBlock, PdfDocument } from './blocks.ts';
import { shortenedNotice } from './blocks.ts';

// How a document is laid out on A4: the type styles at a given body size, measuring and drawing
// each block as tagged content, and the rules for shortening a one-page copy.

// A4 in points; 2 cm margins, 2.5 cm at the foot to leave room for the footer.
export const pageSize = { width: 595.28, height: 841.89 } as const;
export const margins = { top: 56.69, bottom: 70.87, left: 56.69, right: 56.69 } as const;
export const contentTop = margins.top;
export const contentBottom = pageSize.height - margins.bottom;
export const contentHeight = contentBottom - contentTop;
export const contentWidth = pageSize.width - margins.left - margins.right;

export const black = '#000000';
export const nhsBlue = '#005eb8';
/** Body sizes tried, largest first, for a one-page copy. */
export const onePageSizes = [12, 11.5, 11, 10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7] as const;
export const smallestSize = 7;
export const footerSize = 10;

export type Pdf = PDFKit.PDFDocument;
export type Struct = PDFKit.PDFStructureElement;
type FontName = 'Helvetica' | 'Helvetica-Bold';
export type TextStyle = { font: FontName; size: number; lineGap: number; color: string };

export function stylesFor(s: number) {
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
export type Styles = ReturnType<typeof stylesFor>;

export function useStyle(pdf: Pdf, style: TextStyle): void {
  pdf.font(style.font).fontSize(style.size).fillColor(style.color);
}

export function heightOf(pdf: Pdf, text: string, style: TextStyle, width: number): number {
  if (text === '') return 0;
  pdf.font(style.font).fontSize(style.size);
  return pdf.heightOfString(text, { width, lineGap: style.lineGap });
}

/**
 * The longest start of `text`, cut at a word where possible and ending in …, that fits in
 * `maxHeight`; null when not even a word fits. With `always`, the result ends in … even if the
 * whole text fits (to show that what follows it was left out).
 */
export function fitText(
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

export type Unit = { id: string; priority: number; height: number };
export type Segment = { page: number; top: number; bottom: number; left: number; width: number };
type Prev = 'top' | 'heading' | 'other';
type Frame = { x: number; width: number };

/**
 * One pass over the document at one body size: in 'measure' mode it only moves `y` (as if the page
 * were endless) and records each unit's height; in 'draw' mode it draws and tags.
 * A unit is a block that a one-page copy may shorten; `caps` holds the heights they were given.
 */
export class Layout {
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
    // A letter's letterhead: who it is from, small and to the right, read first.
    const letterhead = (doc.letterhead ?? []).filter((line) => line.trim() !== '');
    if (letterhead.length > 0) {
      const style = { ...this.st.body, size: this.st.body.size * 0.85, lineGap: this.st.body.size * 0.2 };
      this.text('P', letterhead.join('\n'), style, 0, this.frame.width, this.parent, 'right');
      this.prev = 'other';
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
  text(
    tag: string,
    text: string,
    style: TextStyle,
    dx: number,
    width: number,
    parent = this.parent,
    align: 'left' | 'right' = 'left',
  ): void {
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
      this.pdf.text(text, this.frame.x + dx, y, { width, lineGap: style.lineGap, height, align });
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
export function fitSequence<T>(
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
export function capUnits(units: Unit[], total: number, available: number): Map<string, number> {
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
