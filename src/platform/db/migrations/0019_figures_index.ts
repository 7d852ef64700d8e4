import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// Indexes the benchmarks showed missing (bench/RESULTS.md):
// - the assessments withdrawn as entered in error, as a small index of their own: the 48-hour figures
//   leave out clocks whose assessment was withdrawn, and reading each assessment to ask (a wide row,
//   sections and all) cost 1.5 s over a quarter's 60,000 clocks on PostgreSQL;
// - the clocks by when the person was seen, carrying what the figures count, so the quarter is read
//   from the index alone;
// - a person's withdrawn safety plans (the summary lists them): without it every summary read the
//   whole table, and the summary fell to a thirteenth of its speed;
// - a person's consents, withdrawn ones included (their consent page).

const up_statements = [
  sql`CREATE INDEX assessments_in_error ON assessments (id) WHERE entered_in_error_at IS NOT NULL`,
  sql`DROP INDEX follow_ups_week`,
  sql`CREATE INDEX follow_ups_week ON follow_ups (assessed_at) INCLUDE (team_id, assessment_id, state, due_at, contacted_at)`,
  sql`CREATE INDEX safety_plans_withdrawn ON safety_plans (patient_id) WHERE entered_in_error_at IS NOT NULL`,
  sql`CREATE INDEX consents_patient ON consents (patient_id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX consents_patient`.execute(db);
  await sql`DROP INDEX safety_plans_withdrawn`.execute(db);
  await sql`DROP INDEX follow_ups_week`.execute(db);
  await sql`CREATE INDEX follow_ups_week ON follow_ups (assessed_at)`.execute(db);
  await sql`DROP INDEX assessments_in_error`.execute(db);
}
