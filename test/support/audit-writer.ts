// A writer that dies between appending an audit entry and its sealing: it appends one entry
// (committed), says so, and kills itself with SIGKILL, so no shutdown code runs.
import { appendAudit } from '../../src/platform/audit/store.ts';
import { openEmbedded, openPostgres } from '../../src/platform/db/connect.ts';

const action = process.argv[2] ?? 'test.killed-writer';
const connection = process.env.DATABASE_URL
  ? await openPostgres(process.env.DATABASE_URL, 1)
  : await openEmbedded(process.env.DATA_DIR!);
const { id } = await appendAudit(connection.db, {
  at: new Date(),
  userId: null,
  role: null,
  action,
  patientId: null,
  outcome: 'ok',
});
process.stdout.write(`appended ${id}\n`, () => process.kill(process.pid, 'SIGKILL'));
