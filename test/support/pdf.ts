// Reads a PDF back the way an outside reader would (pdf.js, Node build: no worker thread, no
// canvas, no fonts loaded), so tests assert on the text and tags a person or screen reader gets.

import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export type PdfText = {
  pages: number;
  /** The text of each page, lines ended by \n as pdf.js finds them. */
  text: string[];
  title?: string;
  author?: string;
  subject?: string;
  /** The catalog's /Lang. */
  language?: string;
  /** The XMP dc:title, when the file has XMP metadata. */
  xmpTitle?: string;
  /** The structure tree's roles in reading order, page by page ("Document", "H1", "P", "L", "LI"...). */
  roles: string[];
  /** The distinct sizes text is drawn at, in points, smallest first. */
  fontSizes: number[];
  /** Annotations of any kind (links, notes) on all pages. */
  annotations: number;
};

type StructNode = { role?: string; children?: StructNode[] };

function collectRoles(node: StructNode | null, out: string[]): void {
  if (!node) return;
  if (node.role && node.role !== 'Root') out.push(node.role);
  for (const child of node.children ?? []) collectRoles(child, out);
}

export async function pdfText(buffer: Uint8Array): Promise<PdfText> {
  const task = getDocument({
    // pdf.js takes ownership of (detaches) the array it is given: pass a copy.
    data: new Uint8Array(buffer),
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  try {
    const pdf = await task.promise;
    const text: string[] = [];
    const roles: string[] = [];
    const sizes = new Set<number>();
    let annotations = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      let pageText = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        pageText += item.str + (item.hasEOL ? '\n' : '');
        const [a = 0, b = 0] = item.transform as number[];
        if (item.str.trim() !== '') sizes.add(Math.round(Math.hypot(a, b) * 10) / 10);
      }
      text.push(pageText);
      collectRoles((await page.getStructTree()) as StructNode | null, roles);
      annotations += (await page.getAnnotations()).length;
    }
    const { info, metadata } = (await pdf.getMetadata()) as {
      info: Record<string, unknown>;
      metadata: { get(name: string): unknown } | null;
    };
    const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return {
      pages: pdf.numPages,
      text,
      title: str(info.Title),
      author: str(info.Author),
      subject: str(info.Subject),
      language: str(info.Language),
      xmpTitle: str(metadata?.get('dc:title')),
      roles,
      fontSizes: [...sizes].sort((x, y) => x - y),
      annotations,
    };
  } finally {
    await task.destroy();
  }
}

/** All pages' text with runs of white space made single spaces, for matching wrapped text. */
export function flatText(pages: string[]): string {
  return pages.join(' ').replace(/\s+/g, ' ').trim();
}
