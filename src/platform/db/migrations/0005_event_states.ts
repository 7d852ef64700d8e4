import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// An event says where a record went as well as where it came from, so a record's history can be
// read from its events alone (the timeline, a referral's own history) without asking the record's
// current row what each step led to. Events written before this have no `to_state`.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE record_events ADD COLUMN to_state text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE record_events DROP COLUMN to_state`.execute(db);
}
