import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// The front door. A person arriving in the emergency department is traced against the population
// the organisation may see (the embedded stand-in for the national demographics service is the
// population register below), taken into a team's care by a recorded decision, or registered as
// an unverified record when they cannot be traced. Two records later found to be one person are
// merged: the merged record stays, pointing at the survivor, and the merge says what moved.

const up_statements = [
  // The embedded population register: who lives in the demo Integrated Care System, whether or
  // not anyone is caring for them. Searched as the national service would be: by NHS number, or
  // by date of birth and then by how closely the names and postcode match.
  sql`CREATE TABLE population_register (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    nhs_number text UNIQUE CHECK (nhs_number ~ '^[0-9]{10}$'),
    given_name text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
    family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
    date_of_birth date NOT NULL,
    sex text NOT NULL CHECK (sex IN ('male', 'female', 'other', 'unknown')),
    postcode text CHECK (postcode ~ '^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$'),
    gp_practice_ods text CHECK (gp_practice_ods ~ '^[A-Z][0-9]{5}$')
  )`,
  sql`CREATE INDEX population_register_birth ON population_register (date_of_birth)`,
  // Whether the record's identity was confirmed by a trace; an untraced attender is unverified
  // until a trace or a merge settles who they are. Every record before this one was traced or
  // loaded with its NHS number, except those without one.
  sql`ALTER TABLE patients ADD COLUMN identity text NOT NULL DEFAULT 'traced'
    CHECK (identity IN ('traced', 'unverified'))`,
  sql`UPDATE patients SET identity = 'unverified' WHERE nhs_number IS NULL`,
  sql`ALTER TABLE patients ADD COLUMN registered_by uuid REFERENCES users(id)`,
  sql`ALTER TABLE patients ADD COLUMN merged_into uuid REFERENCES patients(id) CHECK (merged_into <> id)`,
  sql`CREATE INDEX patients_postcode ON patients (postcode) WHERE postcode IS NOT NULL`,
  // Who took the person into care, why (the legitimate relationship), and how they were found.
  // Rows from before this (the demo's, loaded in bulk) have none of these.
  sql`ALTER TABLE care_relationships ADD COLUMN started_by uuid REFERENCES users(id)`,
  sql`ALTER TABLE care_relationships ADD COLUMN start_reason text CHECK (start_reason IN
    ('ed-referral', 'ward-referral', 'returned', 'other'))`,
  sql`ALTER TABLE care_relationships ADD COLUMN start_reason_text text CHECK (length(start_reason_text) <= 2000)`,
  sql`ALTER TABLE care_relationships ADD COLUMN found_by text CHECK (found_by IN
    ('trace', 'existing-record', 'registered-untraced'))`,
  sql`ALTER TABLE care_relationships ADD CONSTRAINT care_relationships_start_recorded
    CHECK ((started_by IS NULL) = (start_reason IS NULL) AND (started_by IS NULL) = (found_by IS NULL))`,
  // One open care relationship per team and person: two practitioners taking the same person
  // into the same team's care at once make one relationship, and the second is told.
  sql`DROP INDEX care_relationships_team_patient`,
  sql`CREATE UNIQUE INDEX care_relationships_team_patient ON care_relationships (team_id, patient_id)
    WHERE ended_at IS NULL`,
  sql`CREATE INDEX care_relationships_started_by ON care_relationships (team_id, started_at DESC, id DESC)
    WHERE started_by IS NOT NULL`,
  sql`CREATE TABLE patient_merges (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    survivor_id uuid NOT NULL REFERENCES patients(id),
    merged_id uuid NOT NULL UNIQUE REFERENCES patients(id),
    merged_by uuid NOT NULL REFERENCES users(id),
    merged_at timestamptz NOT NULL,
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    -- what moved, table by table, as ids: so it can be shown afterwards what came from where
    moved jsonb NOT NULL,
    CHECK (survivor_id <> merged_id)
  )`,
  sql`CREATE INDEX patient_merges_survivor ON patient_merges (survivor_id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE patient_merges`.execute(db);
  await sql`DROP INDEX care_relationships_started_by`.execute(db);
  await sql`DROP INDEX care_relationships_team_patient`.execute(db);
  await sql`CREATE INDEX care_relationships_team_patient ON care_relationships (team_id, patient_id) WHERE ended_at IS NULL`.execute(
    db,
  );
  await sql`ALTER TABLE care_relationships DROP CONSTRAINT care_relationships_start_recorded`.execute(db);
  for (const c of ['found_by', 'start_reason_text', 'start_reason', 'started_by'])
    await sql`ALTER TABLE care_relationships DROP COLUMN ${sql.ref(c)}`.execute(db);
  await sql`DROP INDEX patients_postcode`.execute(db);
  for (const c of ['merged_into', 'registered_by', 'identity'])
    await sql`ALTER TABLE patients DROP COLUMN ${sql.ref(c)}`.execute(db);
  await sql`DROP TABLE population_register`.execute(db);
}
