import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// A presentation recorded in error (on the wrong person, or one that never happened) is withdrawn,
// never deleted: who withdrew it, when and why are kept, it stays readable with a banner, and it
// leaves the default views (the caseload's next steps, and the figures once they count attendances).

const up_statements = [
  sql`ALTER TABLE presentations ADD COLUMN entered_in_error_at timestamptz`,
  sql`ALTER TABLE presentations ADD COLUMN entered_in_error_by uuid REFERENCES users(id)`,
  sql`ALTER TABLE presentations ADD COLUMN entered_in_error_reason text
    CHECK (length(entered_in_error_reason) BETWEEN 1 AND 2000)`,
  sql`ALTER TABLE presentations ADD CONSTRAINT presentations_entered_in_error_whole CHECK (
    (entered_in_error_at IS NULL) = (entered_in_error_by IS NULL)
    AND (entered_in_error_at IS NULL) = (entered_in_error_reason IS NULL))`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE presentations DROP CONSTRAINT presentations_entered_in_error_whole`.execute(db);
  for (const c of ['entered_in_error_reason', 'entered_in_error_by', 'entered_in_error_at'])
    await sql`ALTER TABLE presentations DROP COLUMN ${sql.ref(c)}`.execute(db);
}
