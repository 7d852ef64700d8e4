import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.

const up_statements = [
  // Every change to the clinical record is an event, appended in the same transaction as the
  // current state it produces: who, when, what, and from which state.
  sql`CREATE TABLE record_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    user_id uuid NOT NULL REFERENCES users(id),
    patient_id uuid NOT NULL REFERENCES patients(id),
    subject_type text NOT NULL,
    subject_id uuid NOT NULL,
    type text NOT NULL,
    from_state text,
    data jsonb NOT NULL DEFAULT '{}'
  )`,
  sql`CREATE INDEX record_events_subject ON record_events (subject_id, id)`,
  sql`CREATE INDEX record_events_patient ON record_events (patient_id, id)`,
  sql`CREATE TABLE presentations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients(id),
    -- the liaison team that saw the person; its organisation is the hospital
    team_id uuid NOT NULL REFERENCES teams(id),
    arrived_at timestamptz NOT NULL,
    left_at timestamptz,
    outcome text CHECK (outcome IN ('discharged', 'admitted', 'transferred', 'left-before-assessment')),
    -- ICD-10 intentional self-harm codes X60–X84
    methods text[] NOT NULL CHECK (cardinality(methods) BETWEEN 1 AND 25 AND methods <@ ARRAY[
      'X60','X61','X62','X63','X64','X65','X66','X67','X68','X69','X70','X71','X72','X73','X74','X75',
      'X76','X77','X78','X79','X80','X81','X82','X83','X84']::text[]),
    recorded_by uuid NOT NULL REFERENCES users(id),
    recorded_at timestamptz NOT NULL,
    version integer NOT NULL DEFAULT 1,
    CHECK (left_at IS NULL OR left_at >= arrived_at),
    CHECK ((left_at IS NULL) = (outcome IS NULL))
  )`,
  sql`CREATE INDEX presentations_patient ON presentations (patient_id, arrived_at DESC)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS presentations`.execute(db);
  await sql`DROP TABLE IF EXISTS record_events`.execute(db);
}
