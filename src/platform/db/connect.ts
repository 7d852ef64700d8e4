import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './lock.ts';
import type { Database } from './schema.ts';

export type Engine = 'pglite' | 'postgres';

export type Connection = {
  db: Kysely<Database>;
  engine: Engine;
  /** The PGlite instance in embedded mode (for COPY and dumps); undefined on PostgreSQL. */
  pglite: PGlite | undefined;
  /** The pg pool on PostgreSQL (for COPY); undefined in embedded mode. */
  pool: pg.Pool | undefined;
  /** The PostgreSQL connection URL (for the job queue's own pool); undefined in embedded mode. */
  url: string | undefined;
  close(): Promise<void>;
};

// The two engines disagree at the edges: pg returns int8 as a string and a date as a local
// midnight Date; PGlite returns numbers and UTC Dates. Pin both to the same JavaScript types.
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

const parseInt8 = (v: string) => Number.parseInt(v, 10);
const keepDate = (v: string) => v;

pg.types.setTypeParser(INT8, parseInt8);
pg.types.setTypeParser(DATE, keepDate);
pg.types.setTypeParser(NUMERIC, Number.parseFloat);

const pgliteParsers = { [INT8]: parseInt8, [DATE]: keepDate, [NUMERIC]: Number.parseFloat };

export async function openPostgres(url: string, poolSize = 10): Promise<Connection> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await assertDurable(db);
  return { db, engine: 'postgres', pglite: undefined, pool, url, close: () => db.destroy() };
}

/** Refuse to run the production path on a server that can lose committed clinical records. */
async function assertDurable(db: Kysely<Database>): Promise<void> {
  const fsync = await sql<{ fsync: string }>`SHOW fsync`.execute(db);
  const commit = await sql<{ synchronous_commit: string }>`SHOW synchronous_commit`.execute(db);
  const problems: string[] = [];
  if (fsync.rows[0]?.fsync !== 'on') problems.push('fsync is off');
  if (commit.rows[0]?.synchronous_commit === 'off') problems.push('synchronous_commit is off');
  if (problems.length > 0) {
    await db.destroy();
    throw new Error(
      `PostgreSQL is not durable (${problems.join(', ')}): committed records could be lost on a crash. Turn them on.`,
    );
  }
}

/**
 * The embedded engine. PGlite is one process, one opener: a lock file in the data folder makes
 * a second `onward` on the same folder fail fast instead of corrupting it.
 */
export async function openEmbedded(dataDir: string, options: { loadDataDir?: Blob } = {}): Promise<Connection> {
  mkdirSync(dataDir, { recursive: true });
  const lock: DataDirLock = acquireDataDirLock(dataDir);
  try {
    const pglite = await PGlite.create({ dataDir, parsers: pgliteParsers, loadDataDir: options.loadDataDir });
    return wrapPglite(pglite, async () => {
      // CHECKPOINT writes everything to the data files before the process goes (Node's PGlite
      // does not fsync, so an orderly close is what keeps the folder whole).
      await pglite.query('CHECKPOINT').catch(() => {});
      lock.release();
    });
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** An in-memory PGlite, optionally started from a dumped data folder (tests). */
export async function openMemory(options: { loadDataDir?: Blob } = {}): Promise<Connection> {
  const pglite = await PGlite.create({ parsers: pgliteParsers, loadDataDir: options.loadDataDir });
  return wrapPglite(pglite, async () => {});
}

function wrapPglite(pglite: PGlite, beforeClose: () => Promise<void>): Connection {
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  let closed = false;
  return {
    db,
    engine: 'pglite',
    pglite,
    pool: undefined,
    url: undefined,
    async close() {
      if (closed) return;
      closed = true;
      await beforeClose();
      // Destroying Kysely closes PGlite too (kysely-pglite-dialect ≥ 1.3) — but only if Kysely ever
      // started its driver: a connection that ran no query through Kysely would leave PGlite open
      // and the process alive, so PGlite is closed here too when it still is.
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

export async function openDatabase(config: {
  databaseUrl: string | undefined;
  dataDir: string;
  databasePoolSize: number;
}): Promise<Connection> {
  return config.databaseUrl ? openPostgres(config.databaseUrl, config.databasePoolSize) : openEmbedded(config.dataDir);
}
