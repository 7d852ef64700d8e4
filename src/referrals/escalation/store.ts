import type { Db } from '#platform/db/schema.ts';
import type { EscalationStatus, Outcome } from './model.ts';

// Escalations' SQL: one with its referral's service and the names, a person's, a senior clinician's
// open ones, and each conversation with the service.

export type StoredEscalation = {
  id: string;
  referralId: string;
  patientId: string;
  teamId: string;
  ownerId: string;
  ownerName: string;
  serviceName: string;
  status: EscalationStatus;
  outcome: Outcome | null;
  reason: string;
  dueOn: string;
  /** Null when Onward's rock-and-a-hard-place rule opened it, not a person. */
  openedByName: string | null;
  openedAt: Date;
  resolvedAt: Date | null;
  resolution: string | null;
};

const base = (db: Db) =>
  db
    .selectFrom('escalations as e')
    .innerJoin('referrals as r', 'r.id', 'e.referral_id')
    .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
    .innerJoin('users as o', 'o.id', 'e.owner_id')
    .leftJoin('users as b', 'b.id', 'e.opened_by')
    .select([
      'e.id',
      'e.referral_id',
      'e.patient_id',
      'e.team_id',
      'e.owner_id',
      'o.display_name as owner_name',
      's.name as service_name',
      'e.status',
      'e.outcome',
      'e.reason',
      'e.due_on',
      'b.display_name as opened_by_name',
      'e.opened_at',
      'e.resolved_at',
      'e.resolution',
    ]);

type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

const toEscalation = (r: Row): StoredEscalation => ({
  id: r.id,
  referralId: r.referral_id,
  patientId: r.patient_id,
  teamId: r.team_id,
  ownerId: r.owner_id,
  ownerName: r.owner_name,
  serviceName: r.service_name,
  status: r.status as EscalationStatus,
  outcome: r.outcome as Outcome | null,
  reason: r.reason,
  dueOn: r.due_on,
  openedByName: r.opened_by_name,
  openedAt: r.opened_at,
  resolvedAt: r.resolved_at,
  resolution: r.resolution,
});

export async function findEscalation(db: Db, id: string, o: { lock?: boolean } = {}) {
  let q = base(db).where('e.id', '=', id);
  if (o.lock) q = q.forUpdate('e');
  const r = await q.executeTakeFirst();
  return r && toEscalation(r);
}

export async function escalationsOfReferral(db: Db, referralId: string): Promise<StoredEscalation[]> {
  return (await base(db).where('e.referral_id', '=', referralId).orderBy('e.opened_at', 'desc').execute()).map(
    toEscalation,
  );
}

/** The open escalations a senior clinician owns, soonest due first. */
export async function openEscalationsOf(db: Db, ownerId: string, limit: number) {
  const rows = await base(db)
    .innerJoin('patients as p', 'p.id', 'e.patient_id')
    .select(['p.given_name', 'p.family_name'])
    .where('e.owner_id', '=', ownerId)
    .where('e.status', '<>', 'resolved')
    .orderBy('e.due_on')
    .orderBy('e.opened_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...toEscalation(r), givenName: r.given_name, familyName: r.family_name }));
}

/** Open one, unless one is open for the referral already (then its id). */
export async function insertEscalation(
  db: Db,
  e: {
    referralId: string;
    patientId: string;
    teamId: string;
    ownerId: string;
    reason: string;
    dueOn: string;
    /** Null with `rule` when Onward's own rule opens it. */
    by: string | null;
    rule?: 'hard-place';
    at: Date;
  },
): Promise<{ id: string; existing: boolean }> {
  const open = await db
    .selectFrom('escalations')
    .select('id')
    .where('referral_id', '=', e.referralId)
    .where('status', '<>', 'resolved')
    .executeTakeFirst();
  if (open) return { id: open.id, existing: true };
  const row = await db
    .insertInto('escalations')
    .values({
      referral_id: e.referralId,
      patient_id: e.patientId,
      team_id: e.teamId,
      owner_id: e.ownerId,
      status: 'open',
      reason: e.reason,
      due_on: e.dueOn,
      opened_by: e.by,
      opened_by_rule: e.rule ?? null,
      opened_at: e.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, existing: false };
}

export async function setStatus(
  db: Db,
  id: string,
  status: EscalationStatus,
  resolved?: { outcome: Outcome; resolution: string; by: string; at: Date },
): Promise<void> {
  await db
    .updateTable('escalations')
    .set({
      status,
      ...(resolved
        ? {
            outcome: resolved.outcome,
            resolution: resolved.resolution,
            resolved_by: resolved.by,
            resolved_at: resolved.at,
          }
        : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function notesOf(db: Db, escalationId: string) {
  const rows = await db
    .selectFrom('escalation_notes as n')
    .innerJoin('users as u', 'u.id', 'n.recorded_by')
    .select(['n.id', 'n.with_whom', 'n.way', 'n.held_at', 'n.agreed', 'u.display_name'])
    .where('n.escalation_id', '=', escalationId)
    .orderBy('n.held_at')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    withWhom: r.with_whom,
    way: r.way,
    heldAt: r.held_at,
    agreed: r.agreed,
    byName: r.display_name,
  }));
}

export async function insertNote(
  db: Db,
  n: {
    escalationId: string;
    patientId: string;
    withWhom: string;
    way: string;
    heldAt: Date;
    agreed: string;
    by: string;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('escalation_notes')
    .values({
      escalation_id: n.escalationId,
      patient_id: n.patientId,
      with_whom: n.withWhom,
      way: n.way,
      held_at: n.heldAt,
      agreed: n.agreed,
      recorded_by: n.by,
      recorded_at: n.at,
    })
    .execute();
}

/** Whether any escalation is open for the person, whichever referral it is about. */
export async function openEscalationFor(db: Db, patientId: string): Promise<string | null> {
  const row = await db
    .selectFrom('escalations')
    .select('id')
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'resolved')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The senior clinician of a team with the fewest open escalations (then by name): whom the rule gives one to. */
export async function leastBusySenior(db: Db, teamId: string) {
  return db
    .selectFrom('users as u')
    .innerJoin('team_memberships as m', 'm.user_id', 'u.id')
    .leftJoin('escalations as e', (j) => j.onRef('e.owner_id', '=', 'u.id').on('e.status', '<>', 'resolved'))
    .select(['u.id', 'u.display_name', (eb) => eb.fn.count<number>('e.id').as('open')])
    .where('m.team_id', '=', teamId)
    .where('u.role', '=', 'senior-clinician')
    .where('u.disabled_at', 'is', null)
    .groupBy(['u.id', 'u.display_name'])
    .orderBy('open')
    .orderBy('u.display_name')
    .limit(1)
    .executeTakeFirst();
}

/** The senior clinicians of a team: who an escalation may be given to. */
export async function seniorsOf(db: Db, teamId: string) {
  return db
    .selectFrom('users as u')
    .innerJoin('team_memberships as m', 'm.user_id', 'u.id')
    .select(['u.id', 'u.display_name'])
    .where('m.team_id', '=', teamId)
    .where('u.role', '=', 'senior-clinician')
    .where('u.disabled_at', 'is', null)
    .orderBy('u.display_name')
    .execute();
}
