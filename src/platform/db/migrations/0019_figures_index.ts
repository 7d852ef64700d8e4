import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// The assessments withdrawn as entered in error, as a small index of their own: the 48-hour figures
// leave out clocks whose assessment was withdrawn, and reading each assessment to ask (a wide row,
// sections and all) cost 1.5 s over a quarter's 60,000 clocks on PostgreSQL (bench/RESULTS.md).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX assessments_in_error ON assessments (id) WHERE entered_in_error_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX assessments_in_error`.execute(db);
}
