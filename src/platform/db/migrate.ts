import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { installQueue } from '../../notify/queue.ts';
import type { Connection } from './connect.ts';
import { migrationProvider } from './migrations/index.ts';

export type MigrationReport = { applied: string[] };

/**
 * Onward's tables, then the job queue's schema and queues (pg-boss migrates its own, under an
 * advisory lock): one step, so no server starts on a database half ready.
 */
export async function migrateToLatest(connection: Connection): Promise<MigrationReport> {
  const report = await migrateTables(connection.db);
  await installQueue(connection);
  return report;
}

async function migrateTables(db: Kysely<any>): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`Migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
