import type { FastifyInstance } from 'fastify';
import { makeAnchorPublisher } from '#platform/audit/anchors.ts';
import { sealAudit } from '#platform/audit/store.ts';
import { systemClock } from '#platform/clock.ts';
import type { Config } from '#platform/config.ts';
import { type Connection, openDatabase } from '#platform/db/connect.ts';
import { migrateToLatest } from '#platform/db/migrate.ts';
import { buildApp } from '#platform/http/app.ts';
import { seedDemoIfEmpty } from './demo/service.ts';
import { crashHooks } from './notify/crash.ts';
import { openQueue, queueNames, retryFrom } from './notify/queue.ts';
import { startWorker, transportsFrom } from './notify/worker.ts';
import { pages } from './routes.ts';

export type Running = {
  app: FastifyInstance;
  connection: Connection;
  address: string;
  stop(): Promise<void>;
};

/**
 * The job queue every server sends through and, unless WORKER=false, the outbox's workers too (a
 * server then also supervises: it retries the jobs of a worker that died).
 */
export async function startOutbox(connection: Connection, config: Config, onError: (error: unknown) => void) {
  const queue = await openQueue(connection, {
    supervise: config.worker,
    schedule: config.worker,
    retry: retryFrom(config.outbox),
    names: queueNames(config.outbox.queue),
    superviseIntervalSeconds: Math.min(60, config.outbox.expireSeconds),
    onError,
  });
  const worker = config.worker
    ? await startWorker(queue, { db: connection.db, clock: systemClock }, transportsFrom(config), {
        pollSeconds: config.outbox.pollSeconds,
        batchSize: config.outbox.batchSize,
        hooks: crashHooks(),
        onError,
      })
    : undefined;
  return { queue, worker };
}

/** Open the database, migrate, seed the demo on first start, listen; stop cleanly on a signal. */
export async function serve(config: Config, say: (line: string) => void): Promise<Running> {
  const connection = await openDatabase(config);
  try {
    const migrated = await migrateToLatest(connection);
    if (migrated.applied.length > 0) say(`Migrations applied: ${migrated.applied.join(', ')}`);
    if (config.seedDemo) {
      const seeded = await seedDemoIfEmpty(connection, config, say);
      if (seeded) {
        say(`Demo sign-ins (password for all: ${seeded.password}):`);
        for (const u of seeded.users) say(`  ${u.username.padEnd(28)} ${u.description}`);
      }
    }
    let logTo: FastifyInstance | undefined;
    const { queue, worker } = await startOutbox(connection, config, (error) =>
      logTo?.log.error({ err: error }, 'the job queue reported a problem'),
    );
    const app = await buildApp({ db: connection.db, clock: systemClock, config, pages, queue });
    logTo = app;
    const address = await app.listen({ port: config.port, host: config.host });
    const publishHead = makeAnchorPublisher({
      db: connection.db,
      file: config.auditAnchorFile,
      now: () => systemClock.now(),
      log: (anchor) => app.log.info({ auditHead: anchor }, 'audit head published'),
    });
    const publishQuietly = () =>
      publishHead().catch((error) => app.log.error({ err: error }, 'publishing the audit head failed'));
    const timer =
      config.auditAnchorIntervalSeconds > 0
        ? setInterval(publishQuietly, config.auditAnchorIntervalSeconds * 1000).unref()
        : undefined;
    // The sealer chains the audit entries requests wrote. Every server runs one; an advisory lock
    // lets one at a time work, so on several instances it carries on while any one is up.
    let sealing: Promise<unknown> = Promise.resolve();
    const seal = () => {
      sealing = sealing
        .then(() => sealAudit(connection.db))
        .catch((error) => app.log.error({ err: error }, 'sealing the audit trail failed'));
      return sealing;
    };
    const sealer = setInterval(seal, config.auditSealIntervalMs).unref();
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        clearInterval(timer);
        clearInterval(sealer);
        await worker?.stop();
        await app.close();
        await queue.stop();
        // Everything written is chained, and the last head published, before the database closes.
        await seal();
        if (timer) await publishQuietly();
        await connection.close();
      })();
      return stopping;
    };
    return { app, connection, address, stop };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
