import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// The needs a practitioner confirms from a psychosocial assessment, as tags, with what the person
// wants in their own words: what needs-led matching reads (never free text guessed at). Kept beside
// the assessment, not in it, so a finalised assessment is not changed to record them; each change
// is a new version, with the one before kept in record_versions.

const up_statements = [
  sql`CREATE TABLE assessment_needs (
    assessment_id uuid PRIMARY KEY REFERENCES assessments(id),
    patient_id uuid NOT NULL REFERENCES patients(id),
    needs text[] NOT NULL,
    wants text NOT NULL DEFAULT '' CHECK (length(wants) <= 2000),
    version integer NOT NULL DEFAULT 1,
    confirmed_by uuid NOT NULL REFERENCES users(id),
    confirmed_at timestamptz NOT NULL
  )`,
  sql`CREATE INDEX assessment_needs_patient ON assessment_needs (patient_id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE assessment_needs`.execute(db);
}
