import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// Ending care is a recorded decision: who ended it, the coded reason (with words beside it), and,
// when the 48-hour follow-up was still due, why it was not needed. Rows ended before this have
// none of these.

const up_statements = [
  sql`ALTER TABLE care_relationships ADD COLUMN ended_by uuid REFERENCES users(id)`,
  sql`ALTER TABLE care_relationships ADD COLUMN end_reason text CHECK (end_reason IN
    ('aftercare-in-place', 'admitted', 'transferred', 'declined', 'moved-away', 'died', 'other'))`,
  sql`ALTER TABLE care_relationships ADD COLUMN end_reason_text text CHECK (length(end_reason_text) <= 2000)`,
  sql`ALTER TABLE care_relationships ADD COLUMN follow_up_reason text CHECK (length(follow_up_reason) <= 2000)`,
  // A discharge that says who but not why (or why but not who) is half a decision.
  sql`ALTER TABLE care_relationships ADD CONSTRAINT care_relationships_end_recorded
    CHECK ((ended_by IS NULL) = (end_reason IS NULL))`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE care_relationships DROP CONSTRAINT care_relationships_end_recorded`.execute(db);
  for (const c of ['follow_up_reason', 'end_reason_text', 'end_reason', 'ended_by'])
    await sql`ALTER TABLE care_relationships DROP COLUMN ${sql.ref(c)}`.execute(db);
}
