import { sql } from 'kysely';
import type { Db } from '../db/schema.ts';
import { type AuditEntry, type AuditOutcome, chainEntry } from './model.ts';

export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash' | 'detail'> & {
  detail?: Record<string, string | number | boolean | null>;
};

// One chain means one writer at a time: a transaction-scoped advisory lock orders appends across
// every process on PostgreSQL (PGlite has one connection, so it is ordered already).
const AUDIT_LOCK = 7_246_001;

export async function appendAudit(db: Db, entry: NewAuditEntry): Promise<AuditEntry> {
  if (!db.isTransaction) return db.transaction().execute((tx) => appendAudit(tx, entry));
  await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(db);
  const last = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const chained = chainEntry(last, {
    at: entry.at,
    userId: entry.userId,
    role: entry.role,
    action: entry.action,
    patientId: entry.patientId,
    outcome: entry.outcome,
    detail: JSON.stringify(entry.detail ?? {}),
  });
  await db
    .insertInto('audit_log')
    .values({
      seq: chained.seq,
      at: chained.at,
      user_id: chained.userId,
      role: chained.role,
      action: chained.action,
      patient_id: chained.patientId,
      outcome: chained.outcome,
      detail: chained.detail,
      prev_hash: chained.prevHash,
      hash: chained.hash,
    })
    .execute();
  return chained;
}

export async function auditPage(db: Db, afterSeq: number, limit: number): Promise<AuditEntry[]> {
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
    seq: r.seq,
    at: r.at,
    atMicros: r.at_micros,
    userId: r.user_id,
    role: r.role,
    action: r.action,
    patientId: r.patient_id,
    outcome: r.outcome as AuditOutcome,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}

export type PatientAccess = {
  at: Date;
  userName: string | null;
  username: string | null;
  role: string | null;
  action: string;
  outcome: AuditOutcome;
};

export async function listPatientAccess(db: Db, patientId: string, limit: number): Promise<PatientAccess[]> {
  const rows = await db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.user_id')
    .select([
      'audit_log.at',
      'users.display_name',
      'users.username',
      'audit_log.role',
      'audit_log.action',
      'audit_log.outcome',
    ])
    .where('audit_log.patient_id', '=', patientId)
    .orderBy('audit_log.seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
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
): Promise<AuditEntry> {
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
