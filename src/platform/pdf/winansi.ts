// Text for the standard 14 PDF fonts, which cover WinAnsi only: every piece of free text is mapped
// to WinAnsi before it is drawn or written into the metadata, so nothing is silently dropped and
// nothing is parsed as markup.

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

export const drawable = (text: string): string => breakLongWords(toWinAnsi(text));

/**
 * Metadata strings are written as UTF-16, so they keep every character but control characters,
 * lone surrogates and bidi overrides (which can make a title read as something else).
 */
export const metadataText = (text: string): string =>
  text
    .replace(/[\p{Cc}\p{Cs}]/gu, ' ')
    .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

export const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => `&#${c.codePointAt(0)};`).replace(/[\u{fffe}\u{ffff}]/gu, '');
