import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openEmbedded } from '../../src/platform/db/connect.ts';
import { untilDone } from './cleanup.ts';
import type { Settings } from './env.ts';

// Where a benchmark's data lives: a fresh embedded DATA_DIR or a fresh PostgreSQL database. Each is
// created empty and removed by drop(), so a run leaves nothing behind. Each has its own audit anchor
// file (AUDIT_ANCHOR_FILE, not yet created): left to its default, `onward serve` would publish this
// store's heads into ./audit-anchors.jsonl of the working tree, and `onward audit verify` would check
// the store against heads published there by any other database (and find its chain "rewritten").

export type Engine = 'pglite' | 'postgres';
export const engineName: Record<Engine, string> = { pglite: 'PGlite (embedded)', postgres: 'PostgreSQL' };

export type Query = <Row>(text: string) => Promise<Row[]>;

export type Store = {
  engine: Engine;
  /** The settings that point `onward` at this store. */
  settings: Settings;
  /** Open the store, run fn's queries, close it. On PGlite nothing else may have the folder open. */
  read<T>(fn: (query: Query) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
};

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function psql(sql: string): string {
  return execFileSync('psql', [ADMIN_URL, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' }).trim();
}

export function newStore(engine: Engine): Store {
  return engine === 'pglite' ? newEmbeddedStore() : newPostgresStore();
}

function newEmbeddedStore(): Store {
  const dataDir = mkdtempSync(join(tmpdir(), 'onward-bench-'));
  // Beside the folder, not in it: the folder is PGlite's own.
  const anchors = `${dataDir}-audit-anchors.jsonl`;
  const remove = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(anchors, { force: true });
  };
  const done = untilDone(remove);
  return {
    engine: 'pglite',
    settings: { DATA_DIR: dataDir, AUDIT_ANCHOR_FILE: anchors },
    async read(fn) {
      const connection = await openEmbedded(dataDir);
      try {
        return await fn(async <Row>(text: string) => (await connection.pglite!.query<Row>(text)).rows);
      } finally {
        await connection.close();
        // close() leaves PGlite to its Kysely's destroy(), which does nothing if that Kysely never ran a
        // query (as here): without this the instance, its heap and a wasm timer stay in this process.
        if (!connection.pglite!.closed) await connection.pglite!.close();
      }
    },
    async drop() {
      remove();
      done();
    },
  };
}

let created = 0;

function newPostgresStore(): Store {
  // The pid keeps parallel runs apart; the counter keeps this run's databases apart.
  const name = `onward_bench_${process.pid}_${++created}`;
  psql(`CREATE DATABASE ${name}`);
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  const anchors = join(tmpdir(), `${name}-audit-anchors.jsonl`);
  // WITH (FORCE) ends any connection a failed or interrupted run left open.
  const remove = () => {
    psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    rmSync(anchors, { force: true });
  };
  const done = untilDone(remove);
  return {
    engine: 'postgres',
    settings: { DATABASE_URL: url, AUDIT_ANCHOR_FILE: anchors },
    async read(fn) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return await fn(async <Row>(text: string) => (await client.query(text)).rows as Row[]);
      } finally {
        await client.end();
      }
    },
    async drop() {
      remove();
      done();
    },
  };
}
