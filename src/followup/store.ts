import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';
import { listQuery } from '#platform/db/together.ts';
import type { Attempt, AttemptMethod, AttemptResult, FollowUpState, Stop, StopReason } from './model.ts';

// The follow-up's SQL: the clock started at finalising, its attempts, its closing (done or
// stopped), and the team's worklist of clocks still due.

export type FollowUp = {
  id: string;
  patientId: string;
  teamId: string;
  assessmentId: string;
  assessedAt: Date;
  dueAt: Date;
  state: FollowUpState;
  closedAt: Date | null;
  closedByName: string | null;
  stopReason: StopReason | null;
  stopReasonText: string | null;
  otherTeam: string | null;
  otherTeamSawOn: string | null;
  version: number;
};

export type RecordedAttempt = Attempt & { id: string; byName: string };

export async function startClock(
  db: Db,
  c: { patientId: string; teamId: string; assessmentId: string; assessedAt: Date; dueAt: Date },
): Promise<string> {
  const row = await db
    .insertInto('follow_ups')
    .values({
      patient_id: c.patientId,
      team_id: c.teamId,
      assessment_id: c.assessmentId,
      assessed_at: c.assessedAt,
      due_at: c.dueAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function selectFollowUps(db: Db) {
  return db
    .selectFrom('follow_ups as f')
    .leftJoin('users as closer', 'closer.id', 'f.closed_by')
    .select([
      'f.id',
      'f.patient_id',
      'f.team_id',
      'f.assessment_id',
      'f.assessed_at',
      'f.due_at',
      'f.state',
      'f.closed_at',
      'closer.display_name as closed_by_name',
      'f.stop_reason',
      'f.stop_reason_text',
      'f.other_team',
      'f.other_team_saw_on',
      'f.version',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectFollowUps>['executeTakeFirstOrThrow']>>;

const toFollowUp = (r: Row): FollowUp => ({
  id: r.id,
  patientId: r.patient_id,
  teamId: r.team_id,
  assessmentId: r.assessment_id,
  assessedAt: r.assessed_at,
  dueAt: r.due_at,
  state: r.state as FollowUpState,
  closedAt: r.closed_at,
  closedByName: r.closed_by_name,
  stopReason: r.stop_reason as StopReason | null,
  stopReasonText: r.stop_reason_text,
  otherTeam: r.other_team,
  otherTeamSawOn: r.other_team_saw_on,
  version: r.version,
});

export async function findFollowUp(db: Db, id: string): Promise<FollowUp | undefined> {
  const row = await selectFollowUps(db).where('f.id', '=', id).executeTakeFirst();
  return row && toFollowUp(row);
}

/** The follow-up of an assessment, if its clock was started. */
export async function followUpOfAssessment(db: Db, assessmentId: string): Promise<FollowUp | undefined> {
  const row = await selectFollowUps(db).where('f.assessment_id', '=', assessmentId).executeTakeFirst();
  return row && toFollowUp(row);
}

/** Hold the clock for the rest of the transaction, so two closings are decided in turn. */
export async function lockFollowUp(db: Db, id: string) {
  return db
    .selectFrom('follow_ups')
    .select(['id', 'patient_id', 'state', 'assessed_at', 'due_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function attemptsOf(db: Db, followUpId: string): Promise<RecordedAttempt[]> {
  const rows = await db
    .selectFrom('follow_up_attempts as a')
    .innerJoin('users as u', 'u.id', 'a.recorded_by')
    .select(['a.id', 'a.at', 'a.method', 'a.result', 'a.note', 'a.next_try_at', 'u.display_name'])
    .where('a.follow_up_id', '=', followUpId)
    .orderBy('a.at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    method: r.method as AttemptMethod,
    result: r.result as AttemptResult,
    note: r.note,
    nextTryAt: r.next_try_at,
    byName: r.display_name,
  }));
}

export async function insertAttempt(
  db: Db,
  a: Attempt & { followUpId: string; patientId: string; by: string; recordedAt: Date },
): Promise<void> {
  await db
    .insertInto('follow_up_attempts')
    .values({
      follow_up_id: a.followUpId,
      patient_id: a.patientId,
      at: a.at,
      method: a.method,
      result: a.result,
      note: a.note,
      next_try_at: a.result === 'spoke' ? null : a.nextTryAt,
      recorded_by: a.by,
      recorded_at: a.recordedAt,
    })
    .execute();
}

export async function closeFollowUp(
  db: Db,
  c: { id: string; to: 'done' | 'stopped'; at: Date; by: string; stop?: Stop; contactedAt?: Date },
): Promise<void> {
  await db
    .updateTable('follow_ups')
    .set((eb) => ({
      state: c.to,
      closed_at: c.at,
      closed_by: c.by,
      contacted_at: c.to === 'done' ? (c.contactedAt ?? c.at) : null,
      stop_reason: c.stop?.reason ?? null,
      stop_reason_text: c.stop?.reasonText || null,
      other_team: c.stop?.reason === 'other-team' ? c.stop.otherTeam : null,
      other_team_saw_on: c.stop?.reason === 'other-team' ? c.stop.otherTeamSawOn : null,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', c.id)
    .where('state', '=', 'due')
    .executeTakeFirstOrThrow();
}

export type WorklistRow = {
  id: string;
  patientId: string;
  givenName: string;
  familyName: string;
  nhsNumber: string | null;
  phone: string | null;
  dueAt: Date;
  lastAttempt: { at: Date; result: AttemptResult; nextTryAt: Date | null } | null;
  hasSafetyPlan: boolean;
  /** The latest clinic appointment still to happen or missed: what the worklist says of the clinic. */
  appointment: { startsAt: Date; state: 'booked' | 'did-not-attend' } | null;
};

/**
 * The team's follow-ups still due, soonest (most overdue) first, a page at a time by keyset. A clock
 * whose assessment was withdrawn as entered in error, or whose person is no longer in the team's
 * care, is not listed (a discharge with a due follow-up records why it is not needed).
 */
export async function dueFollowUps(
  db: Db,
  teamId: string,
  limit: number,
  after: { dueAt: Date; id: string } | undefined,
): Promise<WorklistRow[]> {
  const rows = await sql<{
    id: string;
    patient_id: string;
    given_name: string;
    family_name: string;
    nhs_number: string | null;
    phone: string | null;
    due_at: Date;
    last_at: Date | null;
    last_result: string | null;
    last_next_try_at: Date | null;
    has_safety_plan: boolean;
    appointment_at: Date | null;
    appointment_state: string | null;
  }>`SELECT f.id, f.patient_id, p.given_name, p.family_name, p.nhs_number, p.phone, f.due_at,
      last.at AS last_at, last.result AS last_result, last.next_try_at AS last_next_try_at,
      EXISTS (SELECT 1 FROM safety_plans s WHERE s.patient_id = f.patient_id AND s.entered_in_error_at IS NULL) AS has_safety_plan,
      appt.starts_at AS appointment_at, appt.state AS appointment_state
    FROM follow_ups f
    JOIN patients p ON p.id = f.patient_id
    JOIN assessments a ON a.id = f.assessment_id AND a.entered_in_error_at IS NULL
    LEFT JOIN LATERAL (SELECT at, result, next_try_at FROM follow_up_attempts t
      WHERE t.follow_up_id = f.id ORDER BY t.at DESC LIMIT 1) last ON true
    LEFT JOIN LATERAL (SELECT starts_at, state FROM clinic_appointments c
      WHERE c.follow_up_id = f.id AND c.state IN ('booked', 'did-not-attend') ORDER BY c.booked_at DESC LIMIT 1) appt ON true
    WHERE f.team_id = ${teamId} AND f.state = 'due'
      AND EXISTS (SELECT 1 FROM care_relationships c WHERE c.patient_id = f.patient_id AND c.team_id = f.team_id AND c.ended_at IS NULL)
      ${after ? sql`AND (f.due_at, f.id) > (${after.dueAt}, ${after.id})` : sql``}
    ORDER BY f.due_at, f.id
    LIMIT ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    givenName: r.given_name,
    familyName: r.family_name,
    nhsNumber: r.nhs_number,
    phone: r.phone,
    dueAt: new Date(r.due_at),
    lastAttempt: r.last_at
      ? {
          at: new Date(r.last_at),
          result: r.last_result as AttemptResult,
          nextTryAt: r.last_next_try_at ? new Date(r.last_next_try_at) : null,
        }
      : null,
    hasSafetyPlan: Boolean(r.has_safety_plan),
    appointment: r.appointment_at
      ? { startsAt: new Date(r.appointment_at), state: r.appointment_state as 'booked' | 'did-not-attend' }
      : null,
  }));
}

/** The due follow-up of this person in this team, if any: what a discharge must say why it stops. */
export async function dueFollowUpOf(db: Db, patientId: string, teamId: string) {
  return db
    .selectFrom('follow_ups as f')
    .innerJoin('assessments as a', 'a.id', 'f.assessment_id')
    .select(['f.id', 'f.due_at'])
    .where('f.patient_id', '=', patientId)
    .where('f.team_id', '=', teamId)
    .where('f.state', '=', 'due')
    .where('a.entered_in_error_at', 'is', null)
    .orderBy('f.due_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Follow-ups still due whose reminder moments may fall in (from, to]: due in (from, to + 12 hours].
 * With who is to be told: the practitioner who finalised the assessment, and the team's managers.
 */
export async function followUpsForReminders(db: Db, from: Date, to: Date, dueSoonMs: number) {
  const rows = await sql<{
    id: string;
    patient_id: string;
    team_id: string;
    due_at: Date;
    practitioner: string | null;
    managers: string[] | null;
  }>`SELECT f.id, f.patient_id, f.team_id, f.due_at, a.finalised_by AS practitioner,
      (SELECT array_agg(u.id ORDER BY u.id) FROM team_memberships m JOIN users u ON u.id = m.user_id
        WHERE m.team_id = f.team_id AND u.role = 'team-manager' AND u.disabled_at IS NULL) AS managers
    FROM follow_ups f
    JOIN assessments a ON a.id = f.assessment_id AND a.entered_in_error_at IS NULL
    WHERE f.state = 'due' AND f.due_at > ${from} AND f.due_at <= ${new Date(to.getTime() + dueSoonMs)}
      AND EXISTS (SELECT 1 FROM care_relationships c WHERE c.patient_id = f.patient_id AND c.team_id = f.team_id AND c.ended_at IS NULL)
    ORDER BY f.due_at, f.id`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    teamId: r.team_id,
    dueAt: new Date(r.due_at),
    recipients: [...new Set([...(r.practitioner ? [r.practitioner] : []), ...(r.managers ?? [])])],
  }));
}

export type TimelineFollowUp = {
  id: string;
  assessmentId: string;
  state: FollowUpState;
  dueAt: Date;
  contactedAt: Date | null;
  closedAt: Date | null;
  closedByName: string | null;
  stopReason: StopReason | null;
};

/** A person's follow-up clocks, as a list the summary reads in the statement that checks care. */
export function followUpsOfPatient(db: Db, patientId: string) {
  return listQuery({
    builder: db
      .selectFrom('follow_ups as f')
      .leftJoin('users as closer', 'closer.id', 'f.closed_by')
      .select([
        'f.id',
        'f.assessment_id',
        'f.state',
        'f.due_at',
        'f.contacted_at',
        'f.closed_at',
        'closer.display_name as closed_by_name',
        'f.stop_reason',
      ])
      .where('f.patient_id', '=', patientId)
      .orderBy('f.due_at', 'desc')
      .limit(100),
    times: ['due_at', 'contacted_at', 'closed_at'],
    map: (r): TimelineFollowUp => ({
      id: r.id,
      assessmentId: r.assessment_id,
      state: r.state as FollowUpState,
      dueAt: r.due_at,
      contactedAt: r.contacted_at,
      closedAt: r.closed_at,
      closedByName: r.closed_by_name,
      stopReason: r.stop_reason as StopReason | null,
    }),
  });
}
