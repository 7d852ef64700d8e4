import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditEntry } from '../../src/platform/audit/model.ts';
import { appendAudit, auditPage, type NewAuditEntry, sealAudit } from '../../src/platform/audit/store.ts';
import type { Db } from '../../src/platform/db/schema.ts';

/**
 * Seal until the entry is in the chain, and return it as stored. On a PostgreSQL that other test
 * processes share, a transaction of theirs still running holds the sealer's horizon back for a
 * moment; the wait is bounded and says what it saw.
 */
export async function sealedEntry(db: Db, id: number): Promise<AuditEntry & { id: number; txid: number }> {
  for (let attempt = 0; attempt < 400; attempt++) {
    await sealAudit(db);
    const row = await db.selectFrom('audit_log').select('seq').where('id', '=', id).executeTakeFirstOrThrow();
    if (row.seq !== null) return (await auditPage(db, row.seq - 1, 1))[0]!;
    await sleep(25);
  }
  throw new Error(`audit entry ${id} was still not sealed after 400 rounds of the sealer`);
}

export async function appendSealed(db: Db, entry: NewAuditEntry) {
  return sealedEntry(db, (await appendAudit(db, entry)).id);
}
