import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Db } from './schema.ts';

// A list a part reads (a patient's presentations, their plans' versions …), declared once and run
// either on its own or together with other lists in ONE statement: a page that shows several
// parts' records (the timeline) costs one round trip, not one per part. Run together, each list
// comes back as JSON, where times are text: the list names its time columns so they come back
// as the same Dates either way.

export type ListQuery<Row, T> = {
  // biome-ignore lint/suspicious/noExplicitAny: the builder's tables are the part's own business
  builder: SelectQueryBuilder<any, any, Row>;
  times: readonly (keyof Row & string)[];
  map: (row: Row) => T;
};

export const listQuery = <Row, T>(q: ListQuery<Row, T>): ListQuery<Row, T> => q;

export async function runList<Row, T>(q: ListQuery<Row, T>): Promise<T[]> {
  return (await q.builder.execute()).map((r) => q.map(r as Row));
}

// biome-ignore lint/suspicious/noExplicitAny: each list keeps its own row type
export type Lists = Record<string, ListQuery<any, any>>;
// biome-ignore lint/suspicious/noExplicitAny: the row type is each list's own
export type Results<L extends Lists> = { [K in keyof L]: L[K] extends ListQuery<any, infer T> ? T[] : never };

export async function runTogether<L extends Lists>(db: Db, lists: L): Promise<Results<L>> {
  const names = Object.keys(lists);
  const row = (await db
    .selectNoFrom(() => names.map((name) => jsonArrayFrom(lists[name]!.builder).as(name)))
    .executeTakeFirstOrThrow()) as Record<string, unknown>;
  return reviveLists(lists, row);
}

/**
 * Each list as one JSON column of a bigger statement, returning its rows only when `gate` holds
 * (the patient summary reads its timeline in the same statement as the care check that allows it).
 */
export function listColumns(lists: Lists, gate: RawBuilder<boolean>) {
  return Object.entries(lists).map(([name, q]) =>
    sql<unknown[]>`(SELECT coalesce(json_agg(agg), '[]'::json) FROM (${q.builder}) AS agg WHERE ${gate})`.as(name),
  );
}

/** The lists' JSON columns back as each list's values, with their times as Dates again. */
export function reviveLists<L extends Lists>(lists: L, row: Record<string, unknown>): Results<L> {
  const out: Record<string, unknown[]> = {};
  for (const [name, q] of Object.entries(lists)) {
    out[name] = ((row[name] ?? []) as Record<string, unknown>[]).map((r) => {
      for (const t of q.times) if (typeof r[t] === 'string') r[t] = new Date(r[t] as string);
      return q.map(r);
    });
  }
  return out as Results<L>;
}
