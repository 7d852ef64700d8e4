import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// Putting the record right without losing what was written. A finalised assessment is never
// edited: what is learned afterwards is an addendum, attributed and dated, shown after the signed
// text. A presentation is completed or corrected as a new version, the earlier kept whole with the
// documents' versions.

const up_statements = [
  sql`CREATE TABLE assessment_addenda (
    id uuid PRIMARY KEY,
    assessment_id uuid NOT NULL REFERENCES assessments(id),
    patient_id uuid NOT NULL REFERENCES patients(id),
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 10000),
    written_by uuid NOT NULL REFERENCES users(id),
    written_at timestamptz NOT NULL
  )`,
  sql`CREATE INDEX assessment_addenda_assessment ON assessment_addenda (assessment_id, written_at)`,
  sql`ALTER TABLE record_versions DROP CONSTRAINT record_versions_subject_type_check`,
  sql`ALTER TABLE record_versions ADD CONSTRAINT record_versions_subject_type_check
    CHECK (subject_type IN ('assessment', 'care-plan', 'safety-plan', 'presentation'))`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM record_versions WHERE subject_type = 'presentation'`.execute(db);
  await sql`ALTER TABLE record_versions DROP CONSTRAINT record_versions_subject_type_check`.execute(db);
  await sql`ALTER TABLE record_versions ADD CONSTRAINT record_versions_subject_type_check
    CHECK (subject_type IN ('assessment', 'care-plan', 'safety-plan'))`.execute(db);
  await sql`DROP TABLE assessment_addenda`.execute(db);
}
