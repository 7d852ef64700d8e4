import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';
import { listQuery } from '#platform/db/together.ts';
import { inErrorOf } from '#platform/withdrawal.ts';
import { type SafetyPlan, type Sections, toSections } from './model.ts';

// One current safety plan per person (unique patient_id among plans not withdrawn as entered in
// error); its versions are kept whole in record_versions.

function selectPlans(db: Db) {
  return db
    .selectFrom('safety_plans')
    .innerJoin('teams', 'teams.id', 'safety_plans.team_id')
    .innerJoin('users as creator', 'creator.id', 'safety_plans.created_by')
    .innerJoin('users as updater', 'updater.id', 'safety_plans.updated_by')
    .leftJoin('users as withdrawer', 'withdrawer.id', 'safety_plans.entered_in_error_by')
    .select([
      'safety_plans.created_by',
      'safety_plans.entered_in_error_at',
      'safety_plans.entered_in_error_reason',
      'withdrawer.display_name as entered_in_error_by_name',
      'safety_plans.id',
      'safety_plans.patient_id',
      'safety_plans.team_id',
      'teams.name as team_name',
      'safety_plans.content',
      'safety_plans.version',
      'creator.display_name as created_by_name',
      'safety_plans.created_at',
      'updater.display_name as updated_by_name',
      'safety_plans.updated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectPlans>['executeTakeFirstOrThrow']>>;

function toPlan(r: Row): SafetyPlan {
  return {
    id: r.id,
    patientId: r.patient_id,
    teamId: r.team_id,
    teamName: r.team_name,
    sections: toSections(r.content),
    version: r.version,
    createdByName: r.created_by_name,
    createdAt: r.created_at,
    updatedByName: r.updated_by_name,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    enteredInError: inErrorOf(r),
  };
}

/** Any of the person's plans by its id, current or withdrawn. */
export async function findPlan(db: Db, id: string): Promise<SafetyPlan | undefined> {
  const row = await selectPlans(db).where('safety_plans.id', '=', id).executeTakeFirst();
  return row && toPlan(row);
}

/** The person's plans withdrawn as entered in error, newest first: read with the timeline. */
export function withdrawnPlansOf(db: Db, patientId: string) {
  return listQuery({
    builder: db
      .selectFrom('safety_plans')
      .innerJoin('users as withdrawer', 'withdrawer.id', 'safety_plans.entered_in_error_by')
      .select([
        'safety_plans.id',
        'safety_plans.entered_in_error_at',
        'withdrawer.display_name as entered_in_error_by_name',
      ])
      .where('safety_plans.patient_id', '=', patientId)
      .where('safety_plans.entered_in_error_at', 'is not', null)
      .orderBy('safety_plans.entered_in_error_at', 'desc'),
    times: ['entered_in_error_at'],
    map: (r) => ({ id: r.id, at: r.entered_in_error_at as Date, byName: r.entered_in_error_by_name }),
  });
}

export async function findPlanOfPatient(db: Db, patientId: string): Promise<SafetyPlan | undefined> {
  const row = await selectPlans(db)
    .where('safety_plans.patient_id', '=', patientId)
    .where('safety_plans.entered_in_error_at', 'is', null)
    .executeTakeFirst();
  return row && toPlan(row);
}

/** Hold the person's plan for the rest of the transaction, so two saves are decided one after the other. */
export async function lockPlanOfPatient(
  db: Db,
  patientId: string,
): Promise<{ id: string; version: number } | undefined> {
  return db
    .selectFrom('safety_plans')
    .select(['id', 'version'])
    .where('patient_id', '=', patientId)
    .where('entered_in_error_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * The first version of a person's plan. When someone else has just created it (the UNIQUE on
 * patient_id), nothing is written and undefined comes back instead of an error, so the caller can
 * refuse the save as stale without aborting the transaction.
 */
export async function insertPlan(
  db: Db,
  p: { patientId: string; teamId: string; sections: Sections; userId: string; at: Date },
): Promise<string | undefined> {
  const row = await db
    .insertInto('safety_plans')
    .values({
      patient_id: p.patientId,
      team_id: p.teamId,
      content: JSON.stringify(p.sections),
      version: 1,
      created_by: p.userId,
      created_at: p.at,
      updated_by: p.userId,
      updated_at: p.at,
    })
    .onConflict((oc) => oc.column('patient_id').where('entered_in_error_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Write the next version, only if nobody else has: the number of rows changed says whether it did. */
export async function updatePlan(
  db: Db,
  p: { id: string; baseVersion: number; sections: Sections; userId: string; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('safety_plans')
    .set({
      content: JSON.stringify(p.sections),
      version: sql<number>`version + 1`,
      updated_by: p.userId,
      updated_at: p.at,
    })
    .where('id', '=', p.id)
    .where('version', '=', p.baseVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The team a new plan belongs to: the first of the writer's teams that is caring for the person. */
export async function caringTeamOf(db: Db, patientId: string, teamIds: readonly string[]): Promise<string | undefined> {
  if (teamIds.length === 0) return undefined;
  const row = await db
    .selectFrom('care_relationships')
    .select('team_id')
    .where('patient_id', '=', patientId)
    .where('team_id', 'in', teamIds)
    .where('ended_at', 'is', null)
    .orderBy('started_at')
    .limit(1)
    .executeTakeFirst();
  return row?.team_id;
}
