// What a document that leaves the hospital is made of, in words: headings, paragraphs, lists and
// boxes, with no layout and no markup. A part describes its letter or copy in these terms
// (plans/care/letter.ts, plans/safety/model.ts) and document.ts draws it.

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
  /** Lines drawn above the title, to the right: the organisation, team and how to reach them. */
  letterhead?: string[];
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
