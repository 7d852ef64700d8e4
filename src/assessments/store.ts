import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';
import { listQuery } from '#platform/db/together.ts';
import { inErrorOf } from '#platform/withdrawal.ts';
import { type Assessment, type AssessmentStatus, type Sections, toSections } from './model.ts';

export async function insertAssessment(
  db: Db,
  a: { patientId: string; presentationId: string; teamId: string; userId: string; at: Date; sections: Sections },
): Promise<string> {
  const row = await db
    .insertInto('assessments')
    .values({
      patient_id: a.patientId,
      presentation_id: a.presentationId,
      team_id: a.teamId,
      status: 'draft',
      sections: JSON.stringify(a.sections),
      started_by: a.userId,
      started_at: a.at,
      updated_by: a.userId,
      updated_at: a.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function selectAssessments(db: Db) {
  return db
    .selectFrom('assessments')
    .innerJoin('users as starter', 'starter.id', 'assessments.started_by')
    .innerJoin('users as updater', 'updater.id', 'assessments.updated_by')
    .leftJoin('users as finaliser', 'finaliser.id', 'assessments.finalised_by')
    .leftJoin('users as withdrawer', 'withdrawer.id', 'assessments.entered_in_error_by')
    .select([
      'assessments.id',
      'assessments.patient_id',
      'assessments.presentation_id',
      'assessments.team_id',
      'assessments.status',
      'assessments.sections',
      'assessments.version',
      'assessments.started_by',
      'starter.display_name as started_by_name',
      'assessments.started_at',
      'updater.display_name as updated_by_name',
      'assessments.updated_at',
      'finaliser.display_name as finalised_by_name',
      'assessments.finalised_at',
      'assessments.finalised_by',
      'assessments.follow_up_due_at',
      'assessments.entered_in_error_at',
      'assessments.entered_in_error_reason',
      'withdrawer.display_name as entered_in_error_by_name',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectAssessments>['executeTakeFirstOrThrow']>>;

function toAssessment(r: Row): Assessment {
  return {
    id: r.id,
    patientId: r.patient_id,
    presentationId: r.presentation_id,
    teamId: r.team_id,
    status: r.status as AssessmentStatus,
    sections: toSections(r.sections),
    version: r.version,
    startedBy: r.started_by,
    startedByName: r.started_by_name,
    startedAt: r.started_at,
    updatedByName: r.updated_by_name,
    updatedAt: r.updated_at,
    finalisedByName: r.finalised_by_name,
    finalisedAt: r.finalised_at,
    finalisedBy: r.finalised_by,
    followUpDueAt: r.follow_up_due_at,
    enteredInError: inErrorOf(r),
  };
}

export async function findAssessment(db: Db, id: string): Promise<Assessment | undefined> {
  const row = await selectAssessments(db).where('assessments.id', '=', id).executeTakeFirst();
  return row && toAssessment(row);
}

export async function findAssessmentOfPresentation(db: Db, presentationId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('assessments')
    .select('id')
    .where('presentation_id', '=', presentationId)
    .where('entered_in_error_at', 'is', null)
    .executeTakeFirst();
  return row?.id;
}

/** Hold the row for the rest of the transaction, so two saves are decided one after the other. */
export async function lockAssessment(db: Db, id: string) {
  const row = await db
    .selectFrom('assessments')
    .innerJoin('presentations', 'presentations.id', 'assessments.presentation_id')
    .select([
      'assessments.version',
      'assessments.status',
      'assessments.patient_id',
      'assessments.team_id',
      'assessments.entered_in_error_at',
      'presentations.arrived_at',
    ])
    .where('assessments.id', '=', id)
    .forUpdate('assessments')
    .executeTakeFirst();
  return (
    row && {
      version: row.version,
      status: row.status as AssessmentStatus,
      patientId: row.patient_id,
      teamId: row.team_id,
      enteredInError: row.entered_in_error_at !== null,
      /** When the person arrived: the assessment cannot have taken place before it. */
      arrivedAt: row.arrived_at,
    }
  );
}

/** Write the next version, only if nobody else has: the number of rows changed says whether it did. */
export async function updateAssessment(
  db: Db,
  a: {
    id: string;
    baseVersion: number;
    sections: Sections;
    userId: string;
    at: Date;
    finalise: boolean;
    followUpDueAt: Date | null;
    assessedAt: Date | null;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('assessments')
    .set({
      sections: JSON.stringify(a.sections),
      version: sql<number>`version + 1`,
      updated_by: a.userId,
      updated_at: a.at,
      ...(a.finalise
        ? {
            status: 'final',
            finalised_by: a.userId,
            finalised_at: a.at,
            follow_up_due_at: a.followUpDueAt,
            assessed_at: a.assessedAt,
          }
        : {}),
    })
    .where('id', '=', a.id)
    .where('version', '=', a.baseVersion)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type AssessmentEntry = Pick<
  Assessment,
  | 'id'
  | 'presentationId'
  | 'status'
  | 'startedAt'
  | 'startedByName'
  | 'finalisedAt'
  | 'finalisedByName'
  | 'followUpDueAt'
  | 'enteredInError'
>;

/** The timeline's view of a patient's assessments: who and when, never the sections' text. */
export function assessmentsOfPatient(db: Db, patientId: string, limit: number) {
  return listQuery({
    builder: db
      .selectFrom('assessments')
      .innerJoin('users as starter', 'starter.id', 'assessments.started_by')
      .leftJoin('users as finaliser', 'finaliser.id', 'assessments.finalised_by')
      .leftJoin('users as withdrawer', 'withdrawer.id', 'assessments.entered_in_error_by')
      .select([
        'assessments.id',
        'assessments.presentation_id',
        'assessments.status',
        'assessments.started_at',
        'starter.display_name as started_by_name',
        'assessments.finalised_at',
        'finaliser.display_name as finalised_by_name',
        'assessments.follow_up_due_at',
        'assessments.entered_in_error_at',
        'assessments.entered_in_error_reason',
        'withdrawer.display_name as entered_in_error_by_name',
      ])
      .where('assessments.patient_id', '=', patientId)
      .orderBy('assessments.started_at', 'desc')
      .limit(limit),
    times: ['started_at', 'finalised_at', 'follow_up_due_at', 'entered_in_error_at'],
    map: (r): AssessmentEntry => ({
      id: r.id,
      presentationId: r.presentation_id,
      status: r.status as AssessmentStatus,
      startedAt: r.started_at,
      startedByName: r.started_by_name,
      finalisedAt: r.finalised_at,
      finalisedByName: r.finalised_by_name,
      followUpDueAt: r.follow_up_due_at,
      enteredInError: inErrorOf(r),
    }),
  });
}

export type Addendum = { id: string; text: string; writtenByName: string; writtenAt: Date };

export async function insertAddendum(
  db: Db,
  a: { id: string; assessmentId: string; patientId: string; text: string; userId: string; at: Date },
): Promise<void> {
  await db
    .insertInto('assessment_addenda')
    .values({
      id: a.id,
      assessment_id: a.assessmentId,
      patient_id: a.patientId,
      text: a.text,
      written_by: a.userId,
      written_at: a.at,
    })
    .execute();
}

/** Every addendum to an assessment, oldest first, as they read after the signed text. */
export async function addendaOf(db: Db, assessmentId: string): Promise<Addendum[]> {
  const rows = await db
    .selectFrom('assessment_addenda')
    .innerJoin('users', 'users.id', 'assessment_addenda.written_by')
    .select(['assessment_addenda.id', 'assessment_addenda.text', 'users.display_name', 'assessment_addenda.written_at'])
    .where('assessment_addenda.assessment_id', '=', assessmentId)
    .orderBy('assessment_addenda.written_at')
    .orderBy('assessment_addenda.id')
    .execute();
  return rows.map((r) => ({ id: r.id, text: r.text, writtenByName: r.display_name, writtenAt: r.written_at }));
}
