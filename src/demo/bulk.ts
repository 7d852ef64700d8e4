import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Connection } from '#platform/db/connect.ts';

// Bulk loading runs on one session in one transaction, so a seed either lands whole or not at
// all, and uses COPY, which is ten times faster than batched INSERTs on both engines.

export type BulkSession = {
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
};

export async function inBulkTransaction<T>(
  connection: Connection,
  work: (session: BulkSession) => Promise<T>,
): Promise<T> {
  if (connection.pool) {
    const client = await connection.pool.connect();
    const session: BulkSession = {
      query: async (text, params) => (await client.query(text, params)).rows,
      copyCsv: (table, columns, csv) =>
        pipeline(
          Readable.from([csv]),
          client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`)),
        ),
    };
    try {
      await client.query('BEGIN');
      const result = await work(session);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
  const pglite = connection.pglite;
  if (!pglite) throw new Error('no database session to load into');
  return pglite.transaction(async (tx) =>
    work({
      query: async (text, params) => (await tx.query<Record<string, unknown>>(text, params)).rows,
      copyCsv: async (table, columns, csv) => {
        await tx.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
          blob: new Blob([csv]),
        });
      },
    }),
  );
}

/** One CSV field: quoted only when it must be. Null is an unquoted empty field. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}
