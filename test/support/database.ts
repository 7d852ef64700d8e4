import { readFileSync } from 'node:fs';
import { openQueue, type Queue, queueNames } from '../../src/notify/queue.ts';
import { type Connection, openEmbedded, openMemory, openPostgres } from '../../src/platform/db/connect.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';

// One database per test process: PostgreSQL when DATABASE_URL is set (the production path),
// otherwise an in-memory PGlite loaded from the migrated dump the global setup made. Tests make
// their own teams and patients, so they never need to empty tables.

let shared: Promise<Connection> | undefined;
let queue: Promise<Queue> | undefined;

export function testDatabase(): Promise<Connection> {
  shared ??= open();
  return shared;
}

async function open(): Promise<Connection> {
  if (process.env.DATABASE_URL) return openPostgres(process.env.DATABASE_URL, 4);
  const dump = process.env.ONWARD_TEST_DUMP;
  const loadDataDir = dump ? new Blob([readFileSync(dump)]) : undefined;
  // A data folder rather than memory: for a test whose other processes open the database too.
  const folder = process.env.ONWARD_TEST_DATA_DIR;
  if (folder) {
    const connection = await openEmbedded(folder, { loadDataDir });
    if (!loadDataDir) await migrateToLatest(connection);
    return connection;
  }
  if (loadDataDir) return openMemory({ loadDataDir });
  // Run on its own (node --test a single file without the global setup): migrate here.
  const connection = await openMemory();
  await migrateToLatest(connection);
  return connection;
}

/** The process's job queue on its database: it sends, it does not work (tests with a worker make their own). */
export function testQueue(): Promise<Queue> {
  // A queue of the process's own: on a PostgreSQL shared by parallel test files, no other file's
  // worker takes these jobs.
  queue ??= testDatabase().then((c) => openQueue(c, { names: queueNames(`outbox-test-${process.pid}`) }));
  return queue;
}

export async function closeTestDatabase(): Promise<void> {
  if (queue) {
    const q = await queue;
    queue = undefined;
    await q.stop();
  }
  if (!shared) return;
  const c = await shared;
  shared = undefined;
  await c.close();
}

export const engineName = () => (process.env.DATABASE_URL ? 'postgres' : 'pglite');
