import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// There is no risk score, risk level or risk category column here, nor anywhere else (NICE NG225
// section 1.6, risk assessment tools and scales: do not use them, or low/medium/high stratification); the risk formulation is
// prose inside the assessment's sections. A test walks information_schema to keep it that way.

const disciplines = `'occupational-therapist', 'pharmacist', 'psychologist', 'community-mental-health-worker',
  'liaison-psychiatrist'`;

const up_statements = [
  // Every saved version of an assessment, care plan or safety plan, whole: nothing written is
  // ever overwritten, earlier versions can be read, and a refused save can show what changed.
  sql`CREATE TABLE record_versions (
    subject_id uuid NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    subject_type text NOT NULL CHECK (subject_type IN ('assessment', 'care-plan', 'safety-plan')),
    patient_id uuid NOT NULL REFERENCES patients(id),
    content jsonb NOT NULL,
    saved_by uuid NOT NULL REFERENCES users(id),
    saved_at timestamptz NOT NULL,
    PRIMARY KEY (subject_id, version)
  )`,
  sql`CREATE INDEX record_versions_patient ON record_versions (patient_id, saved_at DESC)`,
  sql`CREATE TABLE assessments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients(id),
    presentation_id uuid NOT NULL UNIQUE REFERENCES presentations(id),
    team_id uuid NOT NULL REFERENCES teams(id),
    status text NOT NULL CHECK (status IN ('draft', 'final')),
    sections jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(sections) = 'object' AND octet_length(sections::text) < 500000),
    version integer NOT NULL DEFAULT 1,
    started_by uuid NOT NULL REFERENCES users(id),
    started_at timestamptz NOT NULL,
    updated_by uuid NOT NULL REFERENCES users(id),
    updated_at timestamptz NOT NULL,
    finalised_by uuid REFERENCES users(id),
    finalised_at timestamptz,
    -- NICE NG225: follow-up within 48 hours of the psychosocial assessment; the follow-up
    -- part starts its clock from here.
    follow_up_due_at timestamptz,
    CHECK ((status = 'final') = (finalised_at IS NOT NULL)),
    CHECK ((finalised_at IS NULL) = (finalised_by IS NULL)),
    CHECK ((finalised_at IS NULL) = (follow_up_due_at IS NULL)),
    CHECK (follow_up_due_at IS NULL OR follow_up_due_at = finalised_at + interval '48 hours')
  )`,
  sql`CREATE INDEX assessments_patient ON assessments (patient_id, started_at DESC)`,
  sql`CREATE INDEX assessments_follow_up_due ON assessments (follow_up_due_at) WHERE status = 'final'`,
  sql`CREATE TABLE care_plans (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients(id),
    assessment_id uuid UNIQUE REFERENCES assessments(id),
    team_id uuid NOT NULL REFERENCES teams(id),
    content jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object' AND octet_length(content::text) < 500000),
    version integer NOT NULL DEFAULT 1,
    created_by uuid NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL,
    updated_by uuid NOT NULL REFERENCES users(id),
    updated_at timestamptz NOT NULL,
    -- Which version the person agreed to, and which was shared with them and their GP.
    agreed_version integer CHECK (agreed_version >= 1 AND agreed_version <= version),
    agreed_at timestamptz,
    agreed_by uuid REFERENCES users(id),
    agreed_how text CHECK (agreed_how IN ('in-person', 'phone', 'video')),
    -- The person's consent to a copy going to their GP (NICE NG225: share with consent).
    gp_consent boolean,
    shared_version integer CHECK (shared_version <= agreed_version),
    shared_at timestamptz,
    shared_by uuid REFERENCES users(id),
    CHECK ((agreed_version IS NULL) = (agreed_at IS NULL) AND (agreed_at IS NULL) = (agreed_by IS NULL)
      AND (agreed_at IS NULL) = (agreed_how IS NULL) AND (agreed_at IS NULL) = (gp_consent IS NULL)),
    CHECK ((shared_version IS NULL) = (shared_at IS NULL) AND (shared_at IS NULL) = (shared_by IS NULL))
  )`,
  sql`CREATE INDEX care_plans_patient ON care_plans (patient_id, created_at DESC)`,
  sql`CREATE TABLE input_requests (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_plan_id uuid NOT NULL REFERENCES care_plans(id),
    patient_id uuid NOT NULL REFERENCES patients(id),
    requested_by uuid NOT NULL REFERENCES users(id),
    requested_at timestamptz NOT NULL,
    discipline text NOT NULL CHECK (discipline IN (${sql.raw(disciplines)})),
    colleague_id uuid NOT NULL REFERENCES users(id),
    question text NOT NULL CHECK (length(question) BETWEEN 1 AND 4000),
    answer text CHECK (length(answer) BETWEEN 1 AND 10000),
    answered_by uuid REFERENCES users(id),
    answered_at timestamptz,
    CHECK ((answer IS NULL) = (answered_at IS NULL) AND (answered_at IS NULL) = (answered_by IS NULL)),
    -- Only the named colleague answers: their discipline is the one asked for.
    CHECK (answered_by IS NULL OR answered_by = colleague_id)
  )`,
  sql`CREATE INDEX input_requests_plan ON input_requests (care_plan_id, requested_at)`,
  sql`CREATE INDEX input_requests_open ON input_requests (colleague_id, requested_at) WHERE answered_at IS NULL`,
  sql`CREATE TABLE safety_plans (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL UNIQUE REFERENCES patients(id),
    team_id uuid NOT NULL REFERENCES teams(id),
    content jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object' AND octet_length(content::text) < 500000),
    version integer NOT NULL DEFAULT 1,
    created_by uuid NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL,
    updated_by uuid NOT NULL REFERENCES users(id),
    updated_at timestamptz NOT NULL
  )`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['safety_plans', 'input_requests', 'care_plans', 'assessments', 'record_versions']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
}
