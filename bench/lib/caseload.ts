import type { Query } from './stores.ts';

// What the benchmark needs to know about a seeded store, read straight from the database before the
// server starts (an embedded DATA_DIR has one opener at a time, and the server takes it).

export const USERNAME = 'practitioner';

export type Caseload = {
  patients: number;
  /** Patients the practitioner's teams care for now. */
  caredFor: number;
  teams: string[];
  /** Up to `limit` of those patients, ordered by id: random UUIDs, so spread over the whole table. */
  ids: string[];
};

export async function readCaseload(query: Query, limit: number): Promise<Caseload> {
  const cared = `FROM care_relationships c
    JOIN team_memberships m ON m.team_id = c.team_id
    JOIN users u ON u.id = m.user_id
    WHERE u.username = '${USERNAME}' AND c.ended_at IS NULL`;
  const [counts] = await query<{ patients: number; cared_for: number }>(
    `SELECT (SELECT count(*)::int FROM patients) AS patients, (SELECT count(DISTINCT c.patient_id)::int ${cared}) AS cared_for`,
  );
  const teams = await query<{ name: string }>(
    `SELECT t.name FROM teams t JOIN team_memberships m ON m.team_id = t.id JOIN users u ON u.id = m.user_id
     WHERE u.username = '${USERNAME}' ORDER BY t.name`,
  );
  const ids = await query<{ patient_id: string }>(
    `SELECT DISTINCT c.patient_id ${cared} ORDER BY c.patient_id LIMIT ${limit}`,
  );
  return {
    patients: counts?.patients ?? 0,
    caredFor: counts?.cared_for ?? 0,
    teams: teams.map((t) => t.name),
    ids: ids.map((r) => r.patient_id),
  };
}

/** Audit rows for successful reads of a patient summary: one is written per page served. */
export async function summaryReadsAudited(query: Query): Promise<number> {
  const [row] = await query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_log WHERE action = 'patient.read' AND outcome = 'ok'`,
  );
  return row?.n ?? 0;
}
