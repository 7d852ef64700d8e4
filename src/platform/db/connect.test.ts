import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { closeTestDatabase, testDatabase } from '../../../test/support/database.ts';
import { openEmbedded } from './connect.ts';
import { DataDirInUse } from './lock.ts';

after(closeTestDatabase);

test('both engines give the same JavaScript types: int8 as number, date as YYYY-MM-DD, timestamptz as Date', async () => {
  const { db } = await testDatabase();
  const r = await sql<{
    n: number;
    d: string;
    t: Date;
  }>`SELECT 9007199254740::int8 AS n, date '2026-03-01' AS d, timestamptz '2026-03-01T10:00:00Z' AS t`.execute(db);
  assert.deepEqual(r.rows[0], { n: 9007199254740, d: '2026-03-01', t: new Date('2026-03-01T10:00:00Z') });
});

test('a second opener of the same data folder fails fast with a clear message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onward-lock-'));
  try {
    const first = await openEmbedded(dir);
    await assert.rejects(
      openEmbedded(dir),
      (e) => e instanceof DataDirInUse && /already open in this process/.test(e.message),
    );
    await first.close();
    // (Reopening in the same process is covered by the CLI test, in separate processes: PGlite
    // instances reopened within one process can leave the process unable to exit.)
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
