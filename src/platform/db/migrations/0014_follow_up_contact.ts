import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// When contact was made, beside when it was recorded: a follow-up made on time and written up
// late was still on time (NICE NG225 counts the contact, not the typing). The 48-hour figures read
// this column; until now it was only in the attempt that made the follow-up done.

const up_statements = [
  sql`ALTER TABLE follow_ups ADD COLUMN contacted_at timestamptz`,
  sql`UPDATE follow_ups f SET contacted_at = (SELECT min(a.at) FROM follow_up_attempts a
    WHERE a.follow_up_id = f.id AND a.result = 'spoke') WHERE f.state = 'done'`,
  sql`UPDATE follow_ups SET contacted_at = closed_at WHERE state = 'done' AND contacted_at IS NULL`,
  sql`ALTER TABLE follow_ups ADD CONSTRAINT follow_ups_contact_when_done CHECK ((state = 'done') = (contacted_at IS NOT NULL))`,
  // The figures: a team's clocks by the week they started.
  sql`CREATE INDEX follow_ups_week ON follow_ups (assessed_at)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX follow_ups_week`.execute(db);
  await sql`ALTER TABLE follow_ups DROP CONSTRAINT follow_ups_contact_when_done`.execute(db);
  await sql`ALTER TABLE follow_ups DROP COLUMN contacted_at`.execute(db);
}
