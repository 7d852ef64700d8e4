import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';
import type { AssessmentStatus } from '../assessments/model.ts';
import type { FollowUpState } from '../followup/model.ts';
import type { Outcome } from '../presentations/model.ts';
import type { CaseFacts } from './model.ts';

// The caseload's two reads: one page of the people a team is caring for now, by keyset in either
// order (each order has its own index, migration 0006), and what the record says about each of
// them — both bounded by the page, however many people the team cares for.

export type CaseloadSort = 'began' | 'name';

/** The key of the last row seen: when care began and the person's id, or the sortable name and id. */
export type CaseloadKey = [string, string] | [string, string, string];

export type CaseloadRow = {
  patientId: string;
  nhsNumber: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: string;
  careStartedAt: Date;
  nameKey: [string, string];
};

export async function caseloadRows(
  db: Db,
  p: { teamId: string; sort: CaseloadSort; after: CaseloadKey | undefined; limit: number },
): Promise<CaseloadRow[]> {
  let q = db
    .selectFrom('care_relationships')
    .innerJoin('patients', 'patients.id', 'care_relationships.patient_id')
    .select([
      'patients.id',
      'patients.nhs_number',
      'patients.given_name',
      'patients.family_name',
      'patients.date_of_birth',
      'patients.sex',
      'care_relationships.started_at',
      // The name order's key, as the database lowers it: the next page must compare like for like.
      sql<string>`lower(patients.family_name)`.as('family_key'),
      sql<string>`lower(patients.given_name)`.as('given_key'),
    ])
    .where('care_relationships.team_id', '=', p.teamId)
    .where('care_relationships.ended_at', 'is', null);
  if (p.sort === 'began') {
    if (p.after)
      q = q.where(
        sql<boolean>`(care_relationships.started_at, care_relationships.patient_id) < (${new Date(p.after[0])}, ${p.after[1]}::uuid)`,
      );
    q = q.orderBy('care_relationships.started_at', 'desc').orderBy('care_relationships.patient_id', 'desc');
  } else {
    if (p.after && p.after.length === 3)
      q = q.where(
        sql<boolean>`(lower(patients.family_name), lower(patients.given_name), patients.id) > (${p.after[0]}, ${p.after[1]}, ${p.after[2]}::uuid)`,
      );
    q = q.orderBy(sql`lower(patients.family_name)`).orderBy(sql`lower(patients.given_name)`).orderBy('patients.id');
  }
  const rows = await q.limit(p.limit).execute();
  return rows.map((r) => ({
    patientId: r.id,
    nhsNumber: r.nhs_number,
    givenName: r.given_name,
    familyName: r.family_name,
    dateOfBirth: r.date_of_birth,
    sex: r.sex,
    careStartedAt: r.started_at,
    nameKey: [r.family_key, r.given_key],
  }));
}

type FactsRow = {
  patient_id: string;
  presentation_id: string | null;
  outcome: string | null;
  left_at: Date | string | null;
  status: string | null;
  follow_up_state: string | null;
  follow_up_due_at: Date | string | null;
  appointment_at: Date | string | null;
  plan_version: number | null;
  agreed_version: number | null;
  has_safety_plan: boolean;
};

const asDate = (v: Date | string | null) => (v === null ? null : v instanceof Date ? v : new Date(v));

/**
 * For each person on the page: their latest attendance seen by this team, its assessment, that
 * assessment's care plan, and whether they have a safety plan — one statement for the whole page.
 */
export async function caseFacts(
  db: Db,
  teamId: string,
  patientIds: readonly string[],
): Promise<Map<string, CaseFacts>> {
  if (patientIds.length === 0) return new Map();
  const { rows } = await sql<FactsRow>`
    SELECT p.id AS patient_id, pr.id AS presentation_id, pr.outcome, pr.left_at, a.status, f.state AS follow_up_state,
           CASE WHEN f.state = 'due' THEN f.due_at END AS follow_up_due_at, appt.starts_at AS appointment_at,
           cp.version AS plan_version, cp.agreed_version, (sp.id IS NOT NULL) AS has_safety_plan
    FROM unnest(${patientIds}::uuid[]) AS p(id)
    LEFT JOIN LATERAL (
      SELECT id, outcome, left_at FROM presentations
      WHERE patient_id = p.id AND team_id = ${teamId} AND entered_in_error_at IS NULL
      ORDER BY arrived_at DESC LIMIT 1
    ) pr ON true
    LEFT JOIN assessments a ON a.presentation_id = pr.id AND a.entered_in_error_at IS NULL
    LEFT JOIN follow_ups f ON f.assessment_id = a.id
    LEFT JOIN LATERAL (
      SELECT starts_at FROM clinic_appointments c WHERE c.follow_up_id = f.id AND c.state = 'booked'
      ORDER BY starts_at LIMIT 1
    ) appt ON true
    LEFT JOIN care_plans cp ON cp.assessment_id = a.id AND cp.entered_in_error_at IS NULL
    LEFT JOIN safety_plans sp ON sp.patient_id = p.id AND sp.entered_in_error_at IS NULL`.execute(db);
  return new Map(
    rows.map((r) => [
      r.patient_id,
      {
        presentation: r.presentation_id ? { outcome: r.outcome as Outcome | null, leftAt: asDate(r.left_at) } : null,
        assessment: r.status
          ? { status: r.status as AssessmentStatus, followUpDueAt: asDate(r.follow_up_due_at) }
          : null,
        carePlan: r.plan_version === null ? null : { version: r.plan_version, agreedVersion: r.agreed_version },
        hasSafetyPlan: r.has_safety_plan,
        followUp: r.follow_up_state
          ? { state: r.follow_up_state as FollowUpState, appointmentAt: asDate(r.appointment_at) }
          : null,
      },
    ]),
  );
}
