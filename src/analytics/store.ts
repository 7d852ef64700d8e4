import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';
import type { FollowUpCounts } from './model.ts';

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

export type FollowUpWeek = {
  teamId: string;
  teamName: string;
  organisationName: string;
  /** The Monday of the week the assessments took place, UK time. */
  week: string;
  counts: FollowUpCounts;
};

/**
 * The 48-hour follow-up counts by team and week, since a UK Monday: one grouped statement over the
 * clocks started since then (index follow_ups_week), withdrawn assessments left out. Counts only.
 */
export async function followUpsByTeamAndWeek(
  db: Db,
  teamIds: readonly string[] | 'all',
  since: Date,
  now: Date,
): Promise<FollowUpWeek[]> {
  if (teamIds !== 'all' && teamIds.length === 0) return [];
  const { rows } = await sql<{
    team_id: string;
    team_name: string;
    organisation_name: string;
    week: string;
    in_time: number;
    late: number;
    not_followed_up: number;
    stopped: number;
    running: number;
  }>`WITH withdrawn AS (SELECT id FROM assessments WHERE entered_in_error_at IS NOT NULL),
    weeks AS (
      -- Counted by team and week first (narrow rows to group), the names joined to the 21-odd groups after.
      SELECT f.team_id, date_trunc('week', f.assessed_at AT TIME ZONE 'Europe/London') AS week,
        count(*) FILTER (WHERE f.state = 'done' AND f.contacted_at <= f.due_at)::int AS in_time,
        count(*) FILTER (WHERE f.state = 'done' AND f.contacted_at > f.due_at)::int AS late,
        count(*) FILTER (WHERE f.state = 'due' AND f.due_at <= ${now})::int AS not_followed_up,
        count(*) FILTER (WHERE f.state = 'stopped')::int AS stopped,
        count(*) FILTER (WHERE f.state = 'due' AND f.due_at > ${now})::int AS running
      FROM follow_ups f
      -- The withdrawn are few (index assessments_in_error): a hash of them, not a look at each assessment.
      LEFT JOIN withdrawn w ON w.id = f.assessment_id
      WHERE f.assessed_at >= ${since} AND w.id IS NULL
        ${teamIds === 'all' ? sql`` : sql`AND f.team_id IN (${sql.join(teamIds)})`}
      GROUP BY 1, 2)
    SELECT w.team_id, t.name AS team_name, o.name AS organisation_name, to_char(w.week, 'YYYY-MM-DD') AS week,
      w.in_time, w.late, w.not_followed_up, w.stopped, w.running
    FROM weeks w
    JOIN teams t ON t.id = w.team_id
    JOIN organisations o ON o.id = t.organisation_id
    ORDER BY o.name, t.name, w.week DESC`.execute(db);
  return rows.map((r) => ({
    teamId: r.team_id,
    teamName: r.team_name,
    organisationName: r.organisation_name,
    week: r.week,
    counts: {
      inTime: r.in_time,
      late: r.late,
      notFollowedUp: r.not_followed_up,
      stopped: r.stopped,
      running: r.running,
    },
  }));
}
