import { z } from 'zod';
import { Invalid } from './errors.ts';

// One worklist pattern for every list that can grow (access log, accounts, and the caseload and
// worklists to come): keyset pagination, never OFFSET (which reads and throws away every row
// before the page, and skips or repeats rows when the list changes between pages), and never a
// silent cap. A page is asked for with the key of the last row seen, carried in an opaque `after`
// query parameter; the store reads one row more than the page to know whether there is a next.

export const PAGE_SIZE = 50;

/** The `after` query parameter every worklist page declares. */
export const pageQuery = z.object({
  after: z.string().max(400, { message: 'The page link is not one Onward made' }).optional(),
});

export type Page<T> = { items: T[]; next: string | null };

/** The page's rows (one more was read than is shown) and the cursor for the next page, if any. */
export function pageOf<T, K>(rows: readonly T[], size: number, keyOf: (row: T) => K): Page<T> {
  const items = rows.slice(0, size);
  const last = items.at(-1);
  return { items, next: rows.length > size && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key a cursor carries, checked against the list's own schema; anything else is a 400. */
export function decodeCursor<K>(cursor: string | undefined, schema: z.ZodType<K>): K | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = /^[A-Za-z0-9_-]+$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : Symbol();
  } catch {
    value = Symbol();
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new Invalid(
      { after: 'The page link is not one Onward made. Go back to the first page' },
      'The web address has a problem',
      'bad-page-link',
    );
  return parsed.data;
}
