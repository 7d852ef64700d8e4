import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';
import { inErrorOf } from '#platform/withdrawal.ts';
import {
  type AgreementWay,
  type CarePlan,
  type CarePlanContent,
  type InputDiscipline,
  type InputRequest,
  inputDisciplines,
  toContent,
} from './model.ts';

export async function insertCarePlan(
  db: Db,
  p: { patientId: string; assessmentId: string; teamId: string; userId: string; at: Date; content: CarePlanContent },
): Promise<string> {
  const row = await db
    .insertInto('care_plans')
    .values({
      patient_id: p.patientId,
      assessment_id: p.assessmentId,
      team_id: p.teamId,
      content: JSON.stringify(p.content),
      created_by: p.userId,
      created_at: p.at,
      updated_by: p.userId,
      updated_at: p.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findCarePlanOfAssessment(db: Db, assessmentId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('care_plans')
    .select('id')
    .where('assessment_id', '=', assessmentId)
    .where('entered_in_error_at', 'is', null)
    .executeTakeFirst();
  return row?.id;
}

function selectPlans(db: Db) {
  return db
    .selectFrom('care_plans')
    .innerJoin('users as creator', 'creator.id', 'care_plans.created_by')
    .innerJoin('users as updater', 'updater.id', 'care_plans.updated_by')
    .leftJoin('users as agreer', 'agreer.id', 'care_plans.agreed_by')
    .leftJoin('users as sharer', 'sharer.id', 'care_plans.shared_by')
    .leftJoin('users as withdrawer', 'withdrawer.id', 'care_plans.entered_in_error_by')
    .select([
      'care_plans.created_by',
      'care_plans.entered_in_error_at',
      'care_plans.entered_in_error_reason',
      'withdrawer.display_name as entered_in_error_by_name',
      'care_plans.id',
      'care_plans.patient_id',
      'care_plans.assessment_id',
      'care_plans.team_id',
      'care_plans.content',
      'care_plans.version',
      'care_plans.created_at',
      'creator.display_name as created_by_name',
      'care_plans.updated_at',
      'updater.display_name as updated_by_name',
      'care_plans.agreed_version',
      'care_plans.agreed_at',
      'agreer.display_name as agreed_by_name',
      'care_plans.agreed_how',
      'care_plans.gp_consent',
      'care_plans.shared_version',
      'care_plans.shared_at',
      'sharer.display_name as shared_by_name',
    ]);
}

function toPlan(r: Awaited<ReturnType<ReturnType<typeof selectPlans>['executeTakeFirstOrThrow']>>): CarePlan {
  return {
    id: r.id,
    patientId: r.patient_id,
    assessmentId: r.assessment_id,
    teamId: r.team_id,
    content: toContent(r.content),
    version: r.version,
    createdAt: r.created_at,
    createdByName: r.created_by_name,
    updatedAt: r.updated_at,
    updatedByName: r.updated_by_name,
    agreedVersion: r.agreed_version,
    agreedAt: r.agreed_at,
    agreedByName: r.agreed_by_name,
    agreedHow: r.agreed_how as AgreementWay | null,
    gpConsent: r.gp_consent,
    sharedVersion: r.shared_version,
    sharedAt: r.shared_at,
    sharedByName: r.shared_by_name,
    createdBy: r.created_by,
    enteredInError: inErrorOf(r),
  };
}

export async function findCarePlan(db: Db, id: string): Promise<CarePlan | undefined> {
  const row = await selectPlans(db).where('care_plans.id', '=', id).executeTakeFirst();
  return row && toPlan(row);
}

/** Hold the plan's row for the rest of the transaction, so two changes are decided in turn. */
export async function lockCarePlan(db: Db, id: string) {
  return db
    .selectFrom('care_plans')
    .select(['version', 'patient_id', 'agreed_version', 'shared_version', 'gp_consent', 'entered_in_error_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateContent(
  db: Db,
  p: { id: string; baseVersion: number; content: CarePlanContent; userId: string; at: Date },
): Promise<boolean> {
  const r = await db
    .updateTable('care_plans')
    .set({
      content: JSON.stringify(p.content),
      version: sql<number>`version + 1`,
      updated_by: p.userId,
      updated_at: p.at,
    })
    .where('id', '=', p.id)
    .where('version', '=', p.baseVersion)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function recordAgreement(
  db: Db,
  p: { id: string; version: number; userId: string; at: Date; how: AgreementWay; gpConsent: boolean },
): Promise<void> {
  await db
    .updateTable('care_plans')
    .set({
      agreed_version: p.version,
      agreed_at: p.at,
      agreed_by: p.userId,
      agreed_how: p.how,
      gp_consent: p.gpConsent,
    })
    .where('id', '=', p.id)
    .where('version', '=', p.version)
    .executeTakeFirstOrThrow();
}

export async function recordSharing(
  db: Db,
  p: { id: string; version: number; userId: string; at: Date },
): Promise<void> {
  await db
    .updateTable('care_plans')
    .set({ shared_version: p.version, shared_at: p.at, shared_by: p.userId })
    .where('id', '=', p.id)
    .where('agreed_version', '=', p.version)
    .executeTakeFirstOrThrow();
}

/** Colleagues of the named disciplines in a team: the only people input can be asked of. */
export async function colleaguesForInput(db: Db, teamId: string, exceptUserId: string) {
  const rows = await db
    .selectFrom('users')
    .innerJoin('team_memberships', 'team_memberships.user_id', 'users.id')
    .select(['users.id', 'users.display_name', 'users.discipline'])
    .where('team_memberships.team_id', '=', teamId)
    .where('users.discipline', 'in', [...inputDisciplines])
    .where('users.disabled_at', 'is', null)
    .where('users.id', '!=', exceptUserId)
    .orderBy('users.discipline')
    .orderBy('users.display_name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name, discipline: r.discipline as InputDiscipline }));
}

export async function insertInputRequest(
  db: Db,
  r: {
    carePlanId: string;
    patientId: string;
    userId: string;
    at: Date;
    discipline: InputDiscipline;
    colleagueId: string;
    question: string;
  },
): Promise<string> {
  const row = await db
    .insertInto('input_requests')
    .values({
      care_plan_id: r.carePlanId,
      patient_id: r.patientId,
      requested_by: r.userId,
      requested_at: r.at,
      discipline: r.discipline,
      colleague_id: r.colleagueId,
      question: r.question,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function selectRequests(db: Db) {
  return db
    .selectFrom('input_requests')
    .innerJoin('users as asker', 'asker.id', 'input_requests.requested_by')
    .innerJoin('users as colleague', 'colleague.id', 'input_requests.colleague_id')
    .select([
      'input_requests.id',
      'input_requests.care_plan_id',
      'input_requests.patient_id',
      'input_requests.requested_by',
      'asker.display_name as requested_by_name',
      'input_requests.requested_at',
      'input_requests.discipline',
      'input_requests.colleague_id',
      'colleague.display_name as colleague_name',
      'input_requests.question',
      'input_requests.answer',
      'input_requests.answered_at',
    ]);
}

function toRequest(r: Awaited<ReturnType<ReturnType<typeof selectRequests>['executeTakeFirstOrThrow']>>): InputRequest {
  return {
    id: r.id,
    carePlanId: r.care_plan_id,
    patientId: r.patient_id,
    requestedBy: r.requested_by,
    requestedByName: r.requested_by_name,
    requestedAt: r.requested_at,
    discipline: r.discipline as InputDiscipline,
    colleagueId: r.colleague_id,
    colleagueName: r.colleague_name,
    question: r.question,
    answer: r.answer,
    answeredAt: r.answered_at,
  };
}

export async function findInputRequest(db: Db, id: string): Promise<InputRequest | undefined> {
  const row = await selectRequests(db).where('input_requests.id', '=', id).executeTakeFirst();
  return row && toRequest(row);
}

export async function inputRequestsOfPlan(db: Db, carePlanId: string): Promise<InputRequest[]> {
  const rows = await selectRequests(db)
    .where('input_requests.care_plan_id', '=', carePlanId)
    .orderBy('input_requests.requested_at')
    .execute();
  return rows.map(toRequest);
}

/** Requests waiting for one colleague, oldest first, with who they are about (for their home page). */
/** The requests still waiting for this colleague, oldest first, a page at a time by (asked at, id). */
export async function openRequestsFor(
  db: Db,
  colleague: { id: string; teamIds: readonly string[] },
  after: readonly [string, string] | undefined,
  limit: number,
) {
  if (colleague.teamIds.length === 0) return [];
  let q = selectRequests(db)
    .innerJoin('patients', 'patients.id', 'input_requests.patient_id')
    .select(['patients.given_name', 'patients.family_name'])
    .where('input_requests.colleague_id', '=', colleague.id)
    .where('input_requests.answered_at', 'is', null)
    // Only people the colleague's teams still care for: a request about someone since discharged
    // could not be opened, so it is not listed either.
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('care_relationships')
          .select('care_relationships.id')
          .whereRef('care_relationships.patient_id', '=', 'input_requests.patient_id')
          .where('care_relationships.team_id', 'in', colleague.teamIds)
          .where('care_relationships.ended_at', 'is', null),
      ),
    );
  if (after)
    q = q.where(
      sql<boolean>`(input_requests.requested_at, input_requests.id) > (${new Date(after[0])}, ${after[1]}::uuid)`,
    );
  const rows = await q.orderBy('input_requests.requested_at').orderBy('input_requests.id').limit(limit).execute();
  return rows.map((r) => ({ ...toRequest(r), patientName: `${r.family_name.toUpperCase()}, ${r.given_name}` }));
}

/** Answer once: a request already answered is left as it was, and the caller told so. */
export async function answerInputRequest(
  db: Db,
  a: { id: string; userId: string; at: Date; answer: string },
): Promise<boolean> {
  const r = await db
    .updateTable('input_requests')
    .set({ answer: a.answer, answered_by: a.userId, answered_at: a.at })
    .where('id', '=', a.id)
    .where('colleague_id', '=', a.userId)
    .where('answered_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
