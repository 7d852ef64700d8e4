import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import { fromKysely, fromPglite, type Db as IDatabase, PgBoss } from 'pg-boss';
import type { Connection } from '#platform/db/connect.ts';
import type { Database, Db } from '#platform/db/schema.ts';

// The durable queue under the outbox is pg-boss's, in its own schema (`pgboss`), on whichever
// engine Onward runs. A job is created with the change that causes it, through the transaction
// that change is written in (pg-boss's Kysely adapter), so a rolled-back change sends nothing and a
// committed one is never forgotten. pg-boss retries with back-off and, after the last try, moves
// the job to a dead-letter queue; the outbox row is what people see.
//
// On PostgreSQL pg-boss keeps a small pool of its own. PGlite has one session and Kysely queues
// every use of it (a transaction holds it from BEGIN to COMMIT): pg-boss's own statements (polling,
// supervision, its migrations) go through Kysely's connection too, so they wait their turn rather
// than land inside a request's open transaction. For the same reason a job is only ever sent
// through the transaction it belongs to, never through the queue's own connection.

export const OUTBOX_QUEUE = 'outbox';
export const OUTBOX_DEAD_LETTERS = 'outbox-dead-letters';

export type Retry = { limit: number; delaySeconds: number; delayMaxSeconds: number; expireSeconds: number };

/** A transport down for an hour is tried again for about an hour and a half before it is given up. */
export const defaultRetry: Retry = { limit: 8, delaySeconds: 30, delayMaxSeconds: 1800, expireSeconds: 300 };

/** The retry policy the configuration asks for (OUTBOX_RETRY_LIMIT, OUTBOX_RETRY_DELAY_SECONDS, …). */
export const retryFrom = (o: { retryLimit: number; retryDelaySeconds: number; expireSeconds: number }): Retry => ({
  limit: o.retryLimit,
  delaySeconds: o.retryDelaySeconds,
  delayMaxSeconds: Math.max(o.retryDelaySeconds, defaultRetry.delayMaxSeconds),
  expireSeconds: o.expireSeconds,
});

export type OutboxJob = { messageId: string; payloadHash: string };

export type Queue = {
  boss: PgBoss;
  retry: Retry;
  /** The queue's name and its dead letters' (tests give each worker its own pair). */
  names: { jobs: string; deadLetters: string; due: string };
  /** A job in `tx`; `startAfter` keeps it waiting until then (a reminder for its day). */
  send(tx: Db, job: OutboxJob, o?: { startAfter?: Date }): Promise<string>;
  stop(): Promise<void>;
};

/** pg-boss on the same database as Onward, its statements serialised with Kysely's on PGlite. */
function bossDatabase(connection: Pick<Connection, 'db' | 'pglite' | 'engine'>): IDatabase | undefined {
  if (connection.engine === 'postgres') return undefined;
  const pglite = connection.pglite as PGlite;
  const direct = fromPglite(pglite);
  return {
    executeSql: (text, values) => connection.db.connection().execute(() => direct.executeSql(text, values)),
  };
}

type Role = {
  /** Runs pg-boss's own schema migrations (only `onward migrate` and first start do). */
  migrate?: boolean;
  /** Expires stuck jobs and runs maintenance: the workers' instances. */
  supervise?: boolean;
  /** Runs the cron schedules: the workers' instances. */
  schedule?: boolean;
  /** How often a supervising instance looks for jobs whose worker died (pg-boss's default: 60). */
  superviseIntervalSeconds?: number;
};

function makeBoss(connection: Pick<Connection, 'db' | 'pglite' | 'engine'> & { url?: string }, role: Role): PgBoss {
  const db = bossDatabase(connection);
  const boss = new PgBoss({
    ...(db ? { db, backend: 'pglite' as const } : { connectionString: connection.url, max: 3 }),
    // On PostgreSQL a worker is woken by NOTIFY the moment a job commits; polling stays as a floor.
    useListenNotify: !db && (role.supervise ?? false),
    migrate: role.migrate ?? false,
    supervise: role.supervise ?? false,
    schedule: role.schedule ?? false,
    registerInstance: role.supervise ?? false,
    // Expiring the jobs of a worker that died happens in pg-boss's queue monitor, whose pass is
    // claimed in the database once an interval: both follow the interval asked for.
    superviseIntervalSeconds: role.superviseIntervalSeconds ?? 60,
    monitorIntervalSeconds: role.superviseIntervalSeconds ?? 60,
    openTelemetry: { enabled: false },
  });
  return boss;
}

/**
 * Install or bring up to date pg-boss's schema and Onward's queues: part of `onward migrate`, so a
 * server never migrates pg-boss while another serves.
 */
export async function installQueue(connection: Pick<Connection, 'db' | 'pglite' | 'engine'> & { url?: string }) {
  const boss = makeBoss(connection, { migrate: true });
  boss.on('error', () => {});
  await boss.start();
  try {
    await ensureQueues(boss, queueNames(OUTBOX_QUEUE));
  } finally {
    await boss.stop({ graceful: false, close: true });
  }
}

async function ensureQueues(boss: PgBoss, names: Queue['names']) {
  if (!(await boss.getQueue(names.deadLetters))) await boss.createQueue(names.deadLetters, { retryLimit: 3 });
  // What falls due by time: a run a minute, from the cron schedule; a run that fails is tried twice more.
  if (!(await boss.getQueue(names.due)))
    await boss.createQueue(names.due, { retryLimit: 2, retryDelay: 10, expireInSeconds: 120 });
  const jobs = {
    retryLimit: defaultRetry.limit,
    retryDelay: defaultRetry.delaySeconds,
    retryBackoff: true,
    retryDelayMax: defaultRetry.delayMaxSeconds,
    expireInSeconds: defaultRetry.expireSeconds,
    deadLetter: names.deadLetters,
    notify: true,
  };
  if (await boss.getQueue(names.jobs)) await boss.updateQueue(names.jobs, jobs);
  else await boss.createQueue(names.jobs, jobs);
}

/** The queue and dead-letter names for a queue name from the configuration (OUTBOX_QUEUE). */
export const queueNames = (name: string): Queue['names'] =>
  name === OUTBOX_QUEUE
    ? { jobs: OUTBOX_QUEUE, deadLetters: OUTBOX_DEAD_LETTERS, due: 'falls-due' }
    : { jobs: name, deadLetters: `${name}-dead-letters`, due: `${name}-falls-due` };

export async function openQueue(
  connection: Pick<Connection, 'db' | 'pglite' | 'engine'> & { url?: string },
  options: Role & { retry?: Retry; onError?: (error: unknown) => void; names?: Queue['names'] } = {},
): Promise<Queue> {
  const boss = makeBoss(connection, options);
  boss.on('error', options.onError ?? (() => {}));
  await boss.start();
  const names = options.names ?? queueNames(OUTBOX_QUEUE);
  // Queues of their own (another deployment's, a test's) are made here, before a transaction needs them.
  if (names.jobs !== OUTBOX_QUEUE) await ensureQueues(boss, names);
  const retry = options.retry ?? defaultRetry;
  return {
    boss,
    retry,
    names,
    async send(tx, job, o = {}) {
      const id = await boss.send(names.jobs, job, {
        ...(o.startAfter ? { startAfter: o.startAfter } : {}),
        db: fromKysely(tx as Kysely<Database>),
        retryLimit: retry.limit,
        retryDelay: retry.delaySeconds,
        retryBackoff: true,
        retryDelayMax: retry.delayMaxSeconds,
        expireInSeconds: retry.expireSeconds,
      });
      if (!id) throw new Error('The queue did not take the job');
      return id;
    },
    stop: () => boss.stop({ graceful: true, timeout: 5000, close: true }),
  };
}
