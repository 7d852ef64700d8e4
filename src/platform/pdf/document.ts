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
import type { PdfBlock, PdfDocument, RenderPdfOptions } from './blocks.ts';
import {
  black,
  capUnits,
  contentBottom,
  contentHeight,
  contentTop,
  contentWidth,
  fitText,
  footerSize,
  Layout,
  margins,
  nhsBlue,
  onePageSizes,
  type Pdf,
  type Segment,
  smallestSize,
  type TextStyle,
  useStyle,
} from './layout.ts';
import { drawable, escapeXml, metadataText } from './winansi.ts';

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

  const clean: PdfDocument = {
    ...doc,
    title: drawable(doc.title),
    letterhead: doc.letterhead?.map(drawable),
    blocks: doc.blocks.map(cleanBlock),
  };
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
