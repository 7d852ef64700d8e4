import type { FastifyInstance } from 'fastify';
import { systemClock } from '#platform/clock.ts';
import type { Config } from '#platform/config.ts';
import { type Connection, openDatabase } from '#platform/db/connect.ts';
import { migrateToLatest } from '#platform/db/migrate.ts';
import { buildApp } from '#platform/http/app.ts';
import { seedDemoIfEmpty } from './demo/service.ts';
import { pages } from './routes.ts';

export type Running = {
  app: FastifyInstance;
  connection: Connection;
  address: string;
  stop(): Promise<void>;
};

/** Open the database, migrate, seed the demo on first start, listen; stop cleanly on a signal. */
export async function serve(config: Config, say: (line: string) => void): Promise<Running> {
  const connection = await openDatabase(config);
  try {
    const migrated = await migrateToLatest(connection.db);
    if (migrated.applied.length > 0) say(`Migrations applied: ${migrated.applied.join(', ')}`);
    if (config.seedDemo) {
      const seeded = await seedDemoIfEmpty(connection, config, say);
      if (seeded) {
        say(`Demo sign-ins (password for all: ${seeded.password}):`);
        for (const u of seeded.users) say(`  ${u.username.padEnd(28)} ${u.description}`);
      }
    }
    const app = await buildApp({ db: connection.db, clock: systemClock, config, pages });
    const address = await app.listen({ port: config.port, host: config.host });
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        await app.close();
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
