import type { Db } from '#platform/db/schema.ts';
import { listQuery } from '#platform/db/together.ts';
import type { MethodCode, Outcome, Presentation, PresentationInput } from './model.ts';

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

export function presentationsOfPatient(db: Db, patientId: string, limit: number) {
  return listQuery({
    builder: selectPresentations(db)
      .where('presentations.patient_id', '=', patientId)
      .orderBy('presentations.arrived_at', 'desc')
      .limit(limit),
    times: ['arrived_at', 'left_at', 'recorded_at'],
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
  };
}
