import { sql } from 'kysely';
import type { Db } from '../db/schema.ts';
import { type AuditEntry, type AuditOutcome, canonicalContent, chainEntry } from './model.ts';

export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash' | 'detail' | 'atMicros'> & {
  detail?: Record<string, string | number | boolean | null>;
};

/**
 * Append an entry: one INSERT, in the caller's transaction when there is one, with no lock, so
 * page views in every process run side by side. The sealer chains it afterwards (sealAudit).
 * What is stored is already the canonical form the chain's hash will cover.
 */
export async function appendAudit(db: Db, entry: NewAuditEntry): Promise<{ id: number }> {
  return db.insertInto('audit_log').values(auditRow(entry)).returning('id').executeTakeFirstOrThrow();
}

/** The columns an entry is stored as: the canonical form the chain's hash will cover. */
export function auditRow(entry: NewAuditEntry) {
  const c = canonicalContent({ ...entry, detail: JSON.stringify(entry.detail ?? {}) });
  return {
    at: c.at,
    user_id: c.userId,
    role: c.role,
    action: c.action,
    patient_id: c.patientId,
    outcome: c.outcome,
    detail: c.detail,
  };
}

/** The last entry in the chain: where the sealer goes on from, and what an anchor publishes. */
export async function sealedHead(db: Db): Promise<{ seq: number; hash: string; txid: number; id: number } | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash', 'txid', 'id'])
    .where('seq', 'is not', null)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { seq: row.seq!, hash: row.hash!, txid: row.txid, id: row.id };
}

// One sealer at a time across every process: a transaction-scoped advisory lock.
const SEAL_LOCK = 7_246_002;

/**
 * Chain every entry that no running transaction can still precede, in the chain's own order
 * (writing transaction, then id). Entries whose transactions are older than the oldest one still
 * running are all committed (or rolled back) and visible now; anything newer waits for a later
 * round. Returns how many entries were sealed.
 */
export async function sealAudit(db: Db, batch = 5000): Promise<number> {
  let sealed = 0;
  for (;;) {
    const n = await db.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${SEAL_LOCK})`.execute(tx);
      const horizon = await sql<{
        xmin: number;
      }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin`.execute(tx);
      const head = await sealedHead(tx);
      const pending = await tx
        .selectFrom('audit_log')
        .select(['id', 'at', 'user_id', 'role', 'action', 'patient_id', 'outcome', 'detail'])
        .where('seq', 'is', null)
        .where('txid', '<', horizon.rows[0]!.xmin)
        .orderBy('txid')
        .orderBy('id')
        .limit(batch)
        .execute();
      if (pending.length === 0) return 0;
      let previous: { seq: number; hash: string } | undefined = head;
      const rows: { id: number; seq: number; prev_hash: string; hash: string }[] = [];
      for (const r of pending) {
        const chained = chainEntry(previous, {
          at: r.at,
          userId: r.user_id,
          role: r.role,
          action: r.action,
          patientId: r.patient_id,
          outcome: r.outcome as AuditOutcome,
          detail: r.detail,
        });
        rows.push({ id: r.id, seq: chained.seq, prev_hash: chained.prevHash, hash: chained.hash });
        previous = chained;
      }
      // One statement for the whole batch.
      const values = sql.join(rows.map((r) => sql`(${r.id}::bigint, ${r.seq}::bigint, ${r.prev_hash}, ${r.hash})`));
      await sql`UPDATE audit_log AS a SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
        FROM (VALUES ${values}) AS v(id, seq, prev_hash, hash) WHERE a.id = v.id`.execute(tx);
      return rows.length;
    });
    sealed += n;
    if (n < batch) return sealed;
  }
}

/** Sealed entries in chain order, a page at a time, with what verify needs to check their order. */
export async function auditPage(
  db: Db,
  afterSeq: number,
  limit: number,
): Promise<(AuditEntry & { txid: number; id: number })[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    // What a Date cannot carry, read as a number so verify sees a change below the millisecond.
    .select(sql<number>`(extract(microseconds FROM at)::bigint % 1000)::int`.as('at_micros'))
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    txid: r.txid,
    seq: r.seq!,
    at: r.at,
    atMicros: r.at_micros,
    userId: r.user_id,
    role: r.role,
    action: r.action,
    patientId: r.patient_id,
    outcome: r.outcome as AuditOutcome,
    detail: r.detail,
    prevHash: r.prev_hash!,
    hash: r.hash!,
  }));
}

/**
 * Entries not yet sealed, and those among them that are older than the chain's head: no running
 * transaction wrote them, so they were put in outside the way Onward writes (or the sealer lost
 * them), and verify names them.
 */
export async function unsealedEntries(db: Db): Promise<{ unsealed: number; stray: number[] }> {
  const head = await sealedHead(db);
  const count = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('seq', 'is', null)
    .executeTakeFirstOrThrow();
  const stray = head
    ? await db
        .selectFrom('audit_log')
        .select('id')
        .where('seq', 'is', null)
        .where((eb) =>
          eb.or([eb('txid', '<', head.txid), eb.and([eb('txid', '=', head.txid), eb('id', '<', head.id)])]),
        )
        .orderBy('id')
        .limit(100)
        .execute()
    : [];
  return { unsealed: Number(count.n), stray: stray.map((r) => r.id) };
}

export type PatientAccess = {
  at: Date;
  userName: string | null;
  username: string | null;
  role: string | null;
  action: string;
  outcome: AuditOutcome;
};

/** Who opened a patient's record, newest first, a page at a time: entries before `beforeId`. */
export async function listPatientAccess(
  db: Db,
  patientId: string,
  limit: number,
  beforeId?: number,
): Promise<(PatientAccess & { id: number })[]> {
  let query = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.user_id')
    .select([
      'audit_log.id',
      'audit_log.at',
      'users.display_name',
      'users.username',
      'audit_log.role',
      'audit_log.action',
      'audit_log.outcome',
    ])
    .where('audit_log.patient_id', '=', patientId);
  if (beforeId !== undefined) query = query.where('audit_log.id', '<', beforeId);
  const rows = await query.orderBy('audit_log.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    userName: r.display_name,
    username: r.username,
    role: r.role,
    action: r.action,
    outcome: r.outcome as AuditOutcome,
  }));
}

/** An entry for what a signed-in person just did: who and which action come from the request. */
export function auditAction(
  db: Db,
  actor: { clock: { now(): Date }; user: { id: string; role: string }; action: string },
  patientId: string | null,
  outcome: AuditOutcome,
  detail?: NewAuditEntry['detail'],
): Promise<{ id: number }> {
  return appendAudit(db, {
    at: actor.clock.now(),
    userId: actor.user.id,
    role: actor.user.role,
    action: actor.action,
    patientId,
    outcome,
    detail,
  });
}
