import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';

export type TeamCounts = {
  teamId: string;
  teamName: string;
  organisationName: string;
  byQuintile: number[];
  unknownImd: number;
  total: number;
};

/** Patients under each liaison team's care by deprivation quintile: counts only, no identifiers leave. */
export async function patientsByTeamAndDeprivation(db: Db, teamIds: readonly string[] | 'all'): Promise<TeamCounts[]> {
  let q = db
    .selectFrom('care_relationships')
    .innerJoin('patients', 'patients.id', 'care_relationships.patient_id')
    .innerJoin('teams', 'teams.id', 'care_relationships.team_id')
    .innerJoin('organisations', 'organisations.id', 'teams.organisation_id')
    .select([
      'teams.id as team_id',
      'teams.name as team_name',
      'organisations.name as organisation_name',
      sql<number | null>`ceil(patients.imd_decile / 2.0)::int`.as('quintile'),
      sql<number>`count(*)::int`.as('n'),
    ])
    .where('care_relationships.ended_at', 'is', null)
    .groupBy(['teams.id', 'teams.name', 'organisations.name', sql`ceil(patients.imd_decile / 2.0)::int`]);
  if (teamIds !== 'all') {
    if (teamIds.length === 0) return [];
    q = q.where('teams.id', 'in', teamIds);
  }
  const rows = await q.execute();
  const byTeam = new Map<string, TeamCounts>();
  for (const r of rows) {
    const t = byTeam.get(r.team_id) ?? {
      teamId: r.team_id,
      teamName: r.team_name,
      organisationName: r.organisation_name,
      byQuintile: [0, 0, 0, 0, 0],
      unknownImd: 0,
      total: 0,
    };
    if (r.quintile === null) t.unknownImd += r.n;
    else t.byQuintile[r.quintile - 1]! += r.n;
    t.total += r.n;
    byTeam.set(r.team_id, t);
  }
  return [...byTeam.values()].sort((a, b) => a.organisationName.localeCompare(b.organisationName));
}
