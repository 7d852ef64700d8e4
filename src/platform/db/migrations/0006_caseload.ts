import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// The caseload is read a page at a time in two orders: when care began (newest first) and by
// name. Each order has an index that returns a page without reading the rest of the team's
// caseload, however large: a team caring for hundreds of thousands of people pages as fast as one
// caring for ten.

const up_statements = [
  sql`CREATE INDEX care_relationships_team_began ON care_relationships (team_id, started_at DESC, patient_id DESC)
    WHERE ended_at IS NULL`,
  sql`CREATE INDEX patients_sort_name ON patients (lower(family_name), lower(given_name), id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX patients_sort_name`.execute(db);
  await sql`DROP INDEX care_relationships_team_began`.execute(db);
}
