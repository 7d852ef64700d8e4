import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';
import { listQuery } from '#platform/db/together.ts';
import { inErrorOf } from '#platform/withdrawal.ts';
import type { MethodCode, Outcome, Presentation, PresentationContent, PresentationInput } from './model.ts';

export async function insertPresentation(
  db: Db,
  p: PresentationInput & { patientId: string; recordedBy: string; recordedAt: Date },
): Promise<string> {
  const row = await db
    .insertInto('presentations')
    .values({
      patient_id: p.patientId,
      team_id: p.teamId,
      arrived_at: p.arrivedAt,
      left_at: p.leftAt,
      outcome: p.outcome,
      methods: p.methods,
      recorded_by: p.recordedBy,
      recorded_at: p.recordedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Hold the presentation's row for the rest of the transaction, so two changes are decided in turn. */
export async function lockPresentation(db: Db, id: string) {
  return db
    .selectFrom('presentations')
    .select(['id', 'version', 'patient_id', 'recorded_by', 'entered_in_error_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function withdrawPresentation(
  db: Db,
  w: { id: string; at: Date; by: string; reason: string },
): Promise<void> {
  await db
    .updateTable('presentations')
    .set({ entered_in_error_at: w.at, entered_in_error_by: w.by, entered_in_error_reason: w.reason })
    .where('id', '=', w.id)
    .where('entered_in_error_at', 'is', null)
    .executeTakeFirstOrThrow();
}

/** Write the next version, only if nobody else has: the number of rows changed says whether it did. */
export async function updatePresentation(
  db: Db,
  p: PresentationInput & { id: string; baseVersion: number },
): Promise<boolean> {
  const r = await db
    .updateTable('presentations')
    .set({
      team_id: p.teamId,
      arrived_at: p.arrivedAt,
      left_at: p.leftAt,
      outcome: p.outcome,
      methods: p.methods,
      version: sql<number>`version + 1`,
    })
    .where('id', '=', p.id)
    .where('version', '=', p.baseVersion)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function presentationsOfPatient(db: Db, patientId: string, limit: number) {
  return listQuery({
    builder: selectPresentations(db)
      .where('presentations.patient_id', '=', patientId)
      .orderBy('presentations.arrived_at', 'desc')
      .limit(limit),
    times: ['arrived_at', 'left_at', 'recorded_at', 'entered_in_error_at'],
    map: toPresentation,
  });
}

export async function findPresentation(db: Db, id: string): Promise<Presentation | undefined> {
  const row = await selectPresentations(db).where('presentations.id', '=', id).executeTakeFirst();
  return row && toPresentation(row);
}

function selectPresentations(db: Db) {
  return db
    .selectFrom('presentations')
    .innerJoin('teams', 'teams.id', 'presentations.team_id')
    .innerJoin('organisations', 'organisations.id', 'teams.organisation_id')
    .leftJoin('users as withdrawer', 'withdrawer.id', 'presentations.entered_in_error_by')
    .select([
      'presentations.id',
      'presentations.patient_id',
      'presentations.team_id',
      'organisations.name as hospital_name',
      'presentations.arrived_at',
      'presentations.left_at',
      'presentations.outcome',
      'presentations.methods',
      'presentations.recorded_by',
      'presentations.recorded_at',
      'presentations.version',
      'presentations.entered_in_error_at',
      'presentations.entered_in_error_reason',
      'withdrawer.display_name as entered_in_error_by_name',
    ]);
}

function toPresentation(
  r: Awaited<ReturnType<ReturnType<typeof selectPresentations>['executeTakeFirstOrThrow']>>,
): Presentation {
  return {
    id: r.id,
    patientId: r.patient_id,
    teamId: r.team_id,
    hospitalName: r.hospital_name,
    arrivedAt: r.arrived_at,
    leftAt: r.left_at,
    outcome: r.outcome as Outcome | null,
    methods: r.methods as MethodCode[],
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
    version: r.version,
    enteredInError: inErrorOf(r),
  };
}

/** Who made the presentation's latest version and when: the recorder, or whoever changed it last. */
export async function lastChangedBy(db: Db, id: string): Promise<{ name: string; at: Date }> {
  const row = await db
    .selectFrom('record_versions')
    .innerJoin('users', 'users.id', 'record_versions.saved_by')
    .select(['users.display_name', 'record_versions.saved_at'])
    .where('record_versions.subject_id', '=', id)
    .orderBy('record_versions.version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row) return { name: row.display_name, at: row.saved_at };
  // Recorded before versions were kept for presentations: the recorder.
  const recorded = await db
    .selectFrom('presentations')
    .innerJoin('users', 'users.id', 'presentations.recorded_by')
    .select(['users.display_name', 'presentations.recorded_at'])
    .where('presentations.id', '=', id)
    .executeTakeFirstOrThrow();
  return { name: recorded.display_name, at: recorded.recorded_at };
}

/** Every kept version of a presentation, oldest first, with who saved it and the reason given for the change. */
export async function presentationVersions(db: Db, id: string) {
  const rows = await db
    .selectFrom('record_versions')
    .innerJoin('users', 'users.id', 'record_versions.saved_by')
    .leftJoin('record_events', (j) =>
      j
        .onRef('record_events.subject_id', '=', 'record_versions.subject_id')
        .on('record_events.type', 'in', ['presentation.completed', 'presentation.amended'])
        .on(sql`(record_events.data->>'version')::int`, '=', sql.ref('record_versions.version')),
    )
    .select([
      'record_versions.version',
      'record_versions.content',
      'record_versions.saved_at',
      'users.display_name',
      'record_events.type',
      sql<string | null>`record_events.data->>'reason'`.as('reason'),
    ])
    .where('record_versions.subject_id', '=', id)
    .where('record_versions.subject_type', '=', 'presentation')
    .orderBy('record_versions.version')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    content: r.content as PresentationContent,
    savedAt: r.saved_at,
    savedByName: r.display_name,
    change:
      r.type === 'presentation.completed' ? 'completed' : r.type === 'presentation.amended' ? 'amended' : 'recorded',
    reason: r.reason,
  }));
}
