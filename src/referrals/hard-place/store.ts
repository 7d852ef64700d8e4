import type { Db } from '#platform/db/schema.ts';
import type { ServiceKind } from '../../directory/model.ts';
import type { Outcome } from '../escalation/model.ts';
import type { RejectionReason, Stage } from '../loop/model.ts';
import type { EscalationFacts, Pattern, ReferralFacts } from './model.ts';

// The detector's SQL: a person's referrals and escalations as the rule reads them, the flag that
// stands on a person (one at a time), and the flagged people a team's caseload and senior
// clinicians see.

export async function referralFactsOf(db: Db, patientId: string): Promise<(ReferralFacts & { teamId: string })[]> {
  const rows = await db
    .selectFrom('referrals as r')
    .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
    .select(['r.id', 'r.team_id', 's.name', 's.kind', 'r.stage', 'r.rejection_reason', 'r.sent_at', 'r.rejected_at'])
    .where('r.patient_id', '=', patientId)
    .where('r.sent_at', 'is not', null)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    teamId: r.team_id,
    serviceName: r.name,
    serviceKind: r.kind as ServiceKind,
    stage: r.stage as Stage,
    rejectionReason: r.rejection_reason as RejectionReason | null,
    sentAt: r.sent_at,
    rejectedAt: r.rejected_at,
  }));
}

export async function escalationFactsOf(db: Db, patientId: string): Promise<EscalationFacts[]> {
  const rows = await db
    .selectFrom('escalations')
    .select(['outcome', 'resolved_at'])
    .where('patient_id', '=', patientId)
    .execute();
  return rows.map((r) => ({ outcome: r.outcome as Outcome | null, resolvedAt: r.resolved_at }));
}

/** Holds the person's row until the transaction ends, so two steps about one person are judged one after the other. */
export async function lockPerson(db: Db, patientId: string): Promise<void> {
  await db.selectFrom('patients').select('id').where('id', '=', patientId).forUpdate().execute();
}

export type StandingFlag = { id: string; pattern: Pattern; referralIds: string[] };

export async function standingFlag(db: Db, patientId: string): Promise<StandingFlag | null> {
  const row = await db
    .selectFrom('hard_place_flags')
    .select(['id', 'pattern', 'referral_ids'])
    .where('patient_id', '=', patientId)
    .where('cleared_at', 'is', null)
    .executeTakeFirst();
  return row ? { id: row.id, pattern: row.pattern as Pattern, referralIds: row.referral_ids } : null;
}

export async function raiseFlag(
  db: Db,
  f: {
    patientId: string;
    teamId: string;
    pattern: Pattern;
    referralIds: string[];
    escalationId: string | null;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('hard_place_flags')
    .values({
      patient_id: f.patientId,
      team_id: f.teamId,
      pattern: f.pattern,
      referral_ids: f.referralIds,
      escalation_id: f.escalationId,
      raised_at: f.at,
    })
    .execute();
}

export async function updateFlag(db: Db, id: string, f: { pattern: Pattern; referralIds: string[] }): Promise<void> {
  await db
    .updateTable('hard_place_flags')
    .set({ pattern: f.pattern, referral_ids: f.referralIds })
    .where('id', '=', id)
    .execute();
}

export async function clearFlag(db: Db, id: string, at: Date, because: string): Promise<void> {
  await db
    .updateTable('hard_place_flags')
    .set({ cleared_at: at, cleared_because: because })
    .where('id', '=', id)
    .execute();
}

export type FlaggedPerson = {
  patientId: string;
  givenName: string;
  familyName: string;
  pattern: Pattern;
  raisedAt: Date;
  escalationId: string | null;
};

/** The people flagged for some of these teams, longest flagged first. */
export async function flaggedFor(db: Db, teamIds: readonly string[], limit: number): Promise<FlaggedPerson[]> {
  if (teamIds.length === 0) return [];
  const rows = await db
    .selectFrom('hard_place_flags as f')
    .innerJoin('patients as p', 'p.id', 'f.patient_id')
    .select(['f.patient_id', 'p.given_name', 'p.family_name', 'f.pattern', 'f.raised_at', 'f.escalation_id'])
    .where('f.team_id', 'in', teamIds)
    .where('f.cleared_at', 'is', null)
    .orderBy('f.raised_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    patientId: r.patient_id,
    givenName: r.given_name,
    familyName: r.family_name,
    pattern: r.pattern as Pattern,
    raisedAt: r.raised_at,
    escalationId: r.escalation_id,
  }));
}

/** Which of these people stand flagged, and how: for the caseload's page of rows. */
export async function flagsOf(db: Db, patientIds: readonly string[]): Promise<Map<string, Pattern>> {
  if (patientIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('hard_place_flags')
    .select(['patient_id', 'pattern'])
    .where('patient_id', 'in', patientIds)
    .where('cleared_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.patient_id, r.pattern as Pattern]));
}
