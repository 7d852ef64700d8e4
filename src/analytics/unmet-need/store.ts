import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';
import type { Dimension } from './model.ts';

// The unmet-need register's SQL: the rule in model.ts (gapState) over every rejection in the
// period, in one statement. Counts only: no identifier leaves the database.

export type GapCounts = { gaps: number; alternatives: number; waiting: number };
export type GapRow = { dimension: Dimension; value: string | null; gaps: number };

const judged = (teamIds: readonly string[] | 'all', since: Date, now: Date, days: number) => sql`
  WITH rejected AS (
    SELECT r.id, r.patient_id, r.rejected_at, r.rejection_reason, r.service_id
    FROM referrals r
    WHERE r.stage = 'rejected' AND r.rejected_at >= ${since} AND r.rejected_at <= ${now}
      ${teamIds === 'all' ? sql`` : sql`AND r.team_id IN (${sql.join(teamIds)})`}
  ), judged AS (
    SELECT x.*, CASE
      WHEN EXISTS (
        SELECT 1 FROM referrals a
        WHERE a.patient_id = x.patient_id AND a.id <> x.id AND a.accepted_at IS NOT NULL
          AND a.accepted_at <= x.rejected_at + make_interval(days => ${days}::int)
          AND (a.closed_at IS NULL OR a.closed_at >= x.rejected_at) AND a.stage <> 'entered-in-error')
        OR EXISTS (
        SELECT 1 FROM escalations e
        WHERE e.referral_id = x.id AND e.outcome IN ('accepted', 'alternative-found')
          AND e.resolved_at <= x.rejected_at + make_interval(days => ${days}::int))
      THEN 'alternative'
      WHEN x.rejected_at + make_interval(days => ${days}::int) <= ${now} THEN 'gap'
      ELSE 'waiting' END AS state
    FROM rejected x
  )`;

/**
 * Rejections since `since` (a quarter): how many became gaps, had an alternative in time, or are
 * still inside their days; and the gaps by each dimension, in one grouped pass.
 */
export async function unmetNeed(
  db: Db,
  teamIds: readonly string[] | 'all',
  since: Date,
  now: Date,
  days: number,
): Promise<{ counts: GapCounts; rows: GapRow[] }> {
  const none = { counts: { gaps: 0, alternatives: 0, waiting: 0 }, rows: [] };
  if (teamIds !== 'all' && teamIds.length === 0) return none;
  const { rows } = await sql<{
    dimension: string;
    value: string | null;
    n: number;
  }>`${judged(teamIds, since, now, days)},
    gaps AS (
      SELECT s.name AS service, j.rejection_reason AS reason,
        nullif(split_part(upper(trim(p.postcode)), ' ', 1), '') AS area,
        CASE WHEN a.age < 18 THEN 'Under 18' WHEN a.age < 25 THEN '18 to 24' WHEN a.age < 35 THEN '25 to 34'
          WHEN a.age < 45 THEN '35 to 44' WHEN a.age < 55 THEN '45 to 54' WHEN a.age < 65 THEN '55 to 64'
          ELSE '65 and over' END AS age_band,
        p.sex, p.ethnic_category AS ethnicity, p.imd_decile::text AS imd
      FROM judged j
      JOIN patients p ON p.id = j.patient_id
      JOIN healthcare_services s ON s.id = j.service_id
      CROSS JOIN LATERAL (SELECT extract(year FROM age(j.rejected_at::date, p.date_of_birth))::int AS age) a
      WHERE j.state = 'gap')
    SELECT '_state' AS dimension, state AS value, count(*)::int AS n FROM judged GROUP BY state
    UNION ALL
    SELECT CASE WHEN grouping(service) = 0 THEN 'service' WHEN grouping(reason) = 0 THEN 'reason'
        WHEN grouping(area) = 0 THEN 'area' WHEN grouping(age_band) = 0 THEN 'ageBand'
        WHEN grouping(sex) = 0 THEN 'sex' WHEN grouping(ethnicity) = 0 THEN 'ethnicity' ELSE 'imd' END,
      CASE WHEN grouping(service) = 0 THEN service WHEN grouping(reason) = 0 THEN reason
        WHEN grouping(area) = 0 THEN area WHEN grouping(age_band) = 0 THEN age_band
        WHEN grouping(sex) = 0 THEN sex WHEN grouping(ethnicity) = 0 THEN ethnicity ELSE imd END,
      count(*)::int
    FROM gaps
    GROUP BY GROUPING SETS ((service), (reason), (area), (age_band), (sex), (ethnicity), (imd))`.execute(db);
  const counts = { ...none.counts };
  const out: GapRow[] = [];
  for (const r of rows) {
    if (r.dimension === '_state') {
      if (r.value === 'gap') counts.gaps = r.n;
      else if (r.value === 'alternative') counts.alternatives = r.n;
      else counts.waiting = r.n;
    } else out.push({ dimension: r.dimension as Dimension, value: r.value, gaps: r.n });
  }
  return { counts, rows: out };
}
