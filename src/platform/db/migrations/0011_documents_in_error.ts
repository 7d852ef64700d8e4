import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// Assessments, care plans and safety plans can be withdrawn as entered in error, as presentations
// can: who, when and why are kept, the document stays readable with a banner, and it leaves the
// default views. A withdrawn document no longer holds its place: the presentation can be assessed
// again, the assessment can have a new plan, the person a new safety plan. So the one-per rules
// become one current (not withdrawn) per presentation, assessment and person.

const tables = ['assessments', 'care_plans', 'safety_plans'] as const;

const unique = {
  assessments: { constraint: 'assessments_presentation_id_key', column: 'presentation_id' },
  care_plans: { constraint: 'care_plans_assessment_id_key', column: 'assessment_id' },
  safety_plans: { constraint: 'safety_plans_patient_id_key', column: 'patient_id' },
} as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const t of tables) {
    await sql`ALTER TABLE ${sql.table(t)} ADD COLUMN entered_in_error_at timestamptz`.execute(db);
    await sql`ALTER TABLE ${sql.table(t)} ADD COLUMN entered_in_error_by uuid REFERENCES users(id)`.execute(db);
    await sql`ALTER TABLE ${sql.table(t)} ADD COLUMN entered_in_error_reason text
      CHECK (length(entered_in_error_reason) BETWEEN 1 AND 2000)`.execute(db);
    await sql`ALTER TABLE ${sql.table(t)} ADD CONSTRAINT ${sql.ref(`${t}_entered_in_error_whole`)} CHECK (
      (entered_in_error_at IS NULL) = (entered_in_error_by IS NULL)
      AND (entered_in_error_at IS NULL) = (entered_in_error_reason IS NULL))`.execute(db);
    const u = unique[t];
    await sql`ALTER TABLE ${sql.table(t)} DROP CONSTRAINT ${sql.ref(u.constraint)}`.execute(db);
    await sql`CREATE UNIQUE INDEX ${sql.ref(`${t}_current_${u.column}`)} ON ${sql.table(t)} (${sql.ref(u.column)})
      WHERE entered_in_error_at IS NULL`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [...tables].reverse()) {
    const u = unique[t];
    await sql`DROP INDEX ${sql.ref(`${t}_current_${u.column}`)}`.execute(db);
    await sql`DELETE FROM ${sql.table(t)} WHERE entered_in_error_at IS NOT NULL`.execute(db);
    await sql`ALTER TABLE ${sql.table(t)} ADD CONSTRAINT ${sql.ref(u.constraint)} UNIQUE (${sql.ref(u.column)})`.execute(
      db,
    );
    await sql`ALTER TABLE ${sql.table(t)} DROP CONSTRAINT ${sql.ref(`${t}_entered_in_error_whole`)}`.execute(db);
    for (const c of ['entered_in_error_reason', 'entered_in_error_by', 'entered_in_error_at'])
      await sql`ALTER TABLE ${sql.table(t)} DROP COLUMN ${sql.ref(c)}`.execute(db);
  }
}
