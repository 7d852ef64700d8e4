import { AsyncLocalStorage } from 'node:async_hooks';
import { openQueue } from '../src/notify/queue.ts';
import { sealAudit } from '../src/platform/audit/store.ts';
import { systemClock } from '../src/platform/clock.ts';
import { readConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/platform/http/app.ts';
import { definePage, type Page } from '../src/platform/http/pages.ts';
import { pages } from '../src/routes.ts';
import { ceilingPage } from './lib/ceiling.ts';
import { CONTROL_PORT, recordServerTimes } from './lib/timing.ts';

// `onward serve` with three additions, for measuring only:
// - every response's server time is recorded (bench/lib/timing.ts);
// - the ceiling page, GET /bench/ceiling/:patientId: the site layout with a summary list and a
//   60-row table from the shared partial, after the session and one primary-key read — the most a
//   page of this product should cost, served by the same process and pool as the real pages;
// - GET /bench/no-audit/patients/:patientId: the product's own summary handler, with its audit
//   INSERT turned into a no-op, to show what the audit trail costs a page.
// src/server.ts builds the app and listens in one call, leaving no moment to add a hook, so the few
// lines of serve() are repeated here: the same configuration from the environment, the same
// database opening and migration, the same buildApp with the product's pages, the real clock.
// No demo seeding: the benchmark seeds the store beforehand with `onward seed`. The audit sealer
// runs as it does in `onward serve`.

const withoutAudit = new AsyncLocalStorage<true>();

/**
 * Inside a no-audit request, the audit INSERT is answered where the database driver would send it,
 * with the row it would have returned, and never reaches the database. (A Kysely plugin cannot
 * turn an INSERT into nothing.) PGlite's query function, and each pooled PostgreSQL client's.
 */
function skipAuditInserts(target: { query: (...args: never[]) => unknown }, answer: unknown) {
  const query = target.query.bind(target);
  target.query = ((text: unknown, ...rest: never[]) => {
    if (!withoutAudit.getStore() || typeof text !== 'string') return query(text as never, ...rest);
    if (/^insert into "audit_log"/i.test(text)) return Promise.resolve(answer);
    // The summary inserts its audit row in a CTE of the statement that reads the timeline: the same
    // statement is sent with the CTE's INSERT … RETURNING taken away, so it still yields one row
    // when the care check passes (every parameter still used), and nothing is written.
    return query(withoutAuditCte(text) as never, ...rest);
  }) as never;
}

function withoutAuditCte(text: string): string {
  return text.replace(/\(INSERT INTO audit_log \([^)]*\)\s*(SELECT[\s\S]*?)\s*RETURNING id\)/, '($1)');
}

const summary = pages.find((p) => p.method === 'GET' && p.url === '/patients/:patientId')!;

const benchPages: Page[] = [
  ceilingPage,
  definePage({
    ...summary,
    url: '/bench/no-audit/patients/:patientId',
    handler: (request, reply, deps) => withoutAudit.run(true, () => summary.handler(request, reply, deps)),
  }),
];

const read = readConfig(process.env);
if (!read.ok) throw new Error(read.problems.join('; '));
const config = read.config;
const connection = await openDatabase(config);
await migrateToLatest(connection);
if (connection.pglite) skipAuditInserts(connection.pglite as never, { rows: [{ id: 0 }], affectedRows: 1, fields: [] });
if (connection.pool) {
  const pool = connection.pool;
  const connect = pool.connect.bind(pool) as () => Promise<{ query: (...args: never[]) => unknown }>;
  const wrapped = new WeakSet<object>();
  pool.connect = (async () => {
    const client = await connect();
    if (!wrapped.has(client)) {
      skipAuditInserts(client, { rows: [{ id: 0 }], rowCount: 1, command: 'INSERT', fields: [] });
      wrapped.add(client);
    }
    return client;
  }) as never;
}
const queue = await openQueue(connection);
const app = await buildApp({
  queue,
  db: connection.db,
  clock: systemClock,
  config,
  pages: [...pages, ...benchPages],
});
await recordServerTimes(app, Number(process.env[CONTROL_PORT]));
await app.listen({ port: config.port, host: config.host });
// The sealer runs as in `onward serve`, so its cost is in what is measured.
let sealing: Promise<unknown> = Promise.resolve();
const sealer = setInterval(() => {
  sealing = sealing.then(() => sealAudit(connection.db)).catch(() => {});
}, config.auditSealIntervalMs);
process.once('SIGTERM', async () => {
  clearInterval(sealer);
  await sealing;
  await app.close();
  await queue.stop();
  await connection.close();
  process.exit(0);
});
