import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';
import { listQuery } from '#platform/db/together.ts';
import { type MergedPart, type Moved, mergedParts } from './model.ts';

// The SQL of a merge: each table's rows of the merged record move to the survivor, and the ids
// that moved are returned so the merge can keep them. Audit rows do not move: the trail is
// append-only and hash-chained, so it keeps naming the record that was read at the time.

const idColumn: Record<MergedPart, string> = {
  presentations: 'id',
  assessments: 'id',
  assessment_addenda: 'id',
  care_plans: 'id',
  input_requests: 'id',
  safety_plans: 'id',
  care_relationships: 'id',
  follow_ups: 'id',
  follow_up_attempts: 'id',
  clinic_appointments: 'id',
  assessment_needs: 'assessment_id',
  consents: 'id',
  referrals: 'id',
  referral_conversations: 'id',
  referral_messages: 'id',
  escalations: 'id',
  escalation_notes: 'id',
  record_versions: 'subject_id',
  record_events: 'id',
};

export async function hasSafetyPlan(db: Db, patientId: string): Promise<boolean> {
  const row = await db
    .selectFrom('safety_plans')
    .select('id')
    .where('patient_id', '=', patientId)
    .where('entered_in_error_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A team caring for both records would care for the survivor twice: the merged record's
 * relationship with that team ends (by the person merging, saying why), and then moves with the rest.
 */
/**
 * Consent to share with a service the survivor already holds consent for: the merged record's is
 * withdrawn (by the person merging, saying why) so one consent stays in force, then moves with the rest.
 */
export async function withdrawDuplicateConsent(db: Db, survivorId: string, mergedId: string, at: Date, by: string) {
  await db
    .updateTable('consents')
    .set({
      withdrawn_at: at,
      withdrawn_by: by,
      withdrawn_reason: 'Merged into another record of the same person, which holds consent for this service',
    })
    .where('patient_id', '=', mergedId)
    .where('withdrawn_at', 'is', null)
    .where((eb) =>
      eb(
        'service_id',
        'in',
        eb
          .selectFrom('consents')
          .select('service_id')
          .where('patient_id', '=', survivorId)
          .where('withdrawn_at', 'is', null),
      ),
    )
    .execute();
}

export async function endDuplicateCare(
  db: Db,
  survivorId: string,
  mergedId: string,
  at: Date,
  by: string,
): Promise<void> {
  await db
    .updateTable('care_relationships')
    .set({
      ended_at: at,
      ended_by: by,
      end_reason: 'other',
      end_reason_text: 'Merged into another record of the same person',
    })
    .where('patient_id', '=', mergedId)
    .where('ended_at', 'is', null)
    .where((eb) =>
      eb(
        'team_id',
        'in',
        eb
          .selectFrom('care_relationships')
          .select('team_id')
          .where('patient_id', '=', survivorId)
          .where('ended_at', 'is', null),
      ),
    )
    .execute();
}

/** Move every row of the merged record to the survivor, table by table; what moved, by id. */
export async function moveRecord(db: Db, survivorId: string, mergedId: string): Promise<Moved> {
  const moved: Moved = {};
  for (const table of Object.keys(mergedParts) as MergedPart[]) {
    const result = await sql<{ id: string }>`UPDATE ${sql.table(table)} SET patient_id = ${survivorId}
      WHERE patient_id = ${mergedId} RETURNING ${sql.ref(idColumn[table])}::text AS id`.execute(db);
    if (result.rows.length > 0) moved[table] = [...new Set(result.rows.map((r) => r.id))];
  }
  return moved;
}

export async function recordMerge(
  db: Db,
  m: { survivorId: string; mergedId: string; by: string; at: Date; reason: string; moved: Moved },
): Promise<string> {
  await db.updateTable('patients').set({ merged_into: m.survivorId }).where('id', '=', m.mergedId).execute();
  await db
    .updateTable('patients')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', m.survivorId)
    .execute();
  const row = await db
    .insertInto('patient_merges')
    .values({
      survivor_id: m.survivorId,
      merged_id: m.mergedId,
      merged_by: m.by,
      merged_at: m.at,
      reason: m.reason,
      moved: JSON.stringify(m.moved),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export type MergeRecord = {
  id: string;
  mergedId: string;
  mergedName: string;
  mergedNhsNumber: string | null;
  mergedDateOfBirth: string;
  mergedIdentity: string;
  byName: string;
  at: Date;
  reason: string;
  moved: Moved;
};

/** The merges into this record, oldest first: a list the summary reads with its timeline. */
export function mergesInto(db: Db, survivorId: string) {
  return listQuery({
    builder: db
      .selectFrom('patient_merges as m')
      .innerJoin('patients as p', 'p.id', 'm.merged_id')
      .innerJoin('users as u', 'u.id', 'm.merged_by')
      .select([
        'm.id',
        'm.merged_id',
        'p.given_name',
        'p.family_name',
        'p.nhs_number',
        'p.date_of_birth',
        'p.identity',
        'u.display_name',
        'm.merged_at',
        'm.reason',
        'm.moved',
      ])
      .where('m.survivor_id', '=', survivorId)
      .orderBy('m.merged_at'),
    times: ['merged_at'],
    map: (r): MergeRecord => ({
      id: r.id,
      mergedId: r.merged_id,
      mergedName: `${r.family_name.toUpperCase()}, ${r.given_name}`,
      mergedNhsNumber: r.nhs_number,
      mergedDateOfBirth: r.date_of_birth,
      mergedIdentity: r.identity,
      byName: r.display_name,
      at: r.merged_at,
      reason: r.reason,
      moved: r.moved as Moved,
    }),
  });
}
