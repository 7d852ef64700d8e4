import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMemory, openPostgres } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';

// Once per `npm test`: migrate one database, so test processes start from it instead of each
// running initdb and the migrations (DESIGN: one migrated PGlite per test process, from a dump).
export async function globalSetup() {
  if (process.env.DATABASE_URL) {
    const connection = await openPostgres(process.env.DATABASE_URL);
    await migrateToLatest(connection);
    await connection.close();
    return;
  }
  const connection = await openMemory();
  await migrateToLatest(connection);
  const dump = await connection.pglite!.dumpDataDir('none');
  const path = join(tmpdir(), `onward-test-${process.pid}.tar`);
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  await connection.close();
  process.env.ONWARD_TEST_DUMP = path;
}
