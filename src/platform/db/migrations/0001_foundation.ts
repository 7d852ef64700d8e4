import { type Kysely, sql } from 'kysely';

// Frozen in time: this file must not import from the application, so it means the same thing
// in five years as it does today. Later changes are new migrations.

const up_statements = [
  sql`CREATE TABLE organisations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    ods_code text NOT NULL UNIQUE CHECK (ods_code ~ '^[A-Z0-9]{3,6}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind text NOT NULL CHECK (kind IN ('integrated-care-board', 'nhs-trust', 'gp-practice', 'voluntary-sector', 'local-authority')),
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE TABLE teams (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations(id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind text NOT NULL CHECK (kind IN ('liaison-psychiatry', 'talking-therapies', 'crisis-home-treatment',
      'community-mental-health', 'general-practice', 'drug-alcohol', 'voluntary-sector', 'liaison-follow-up',
      'analytics', 'administration')),
    -- SNOMED CT care-setting code (UK Core), where the team is a clinical service
    service_code text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, name)
  )`,
  sql`CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username text NOT NULL UNIQUE CHECK (username = lower(username) AND username ~ '^[a-z0-9._@-]{3,100}$'),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    role text NOT NULL CHECK (role IN ('liaison-practitioner', 'senior-clinician', 'mdt-contributor',
      'receiving-clinician', 'team-manager', 'analyst', 'administrator')),
    discipline text CHECK (discipline IN ('mental-health-nurse', 'psychiatrist', 'social-worker',
      'occupational-therapist', 'pharmacist', 'psychologist', 'community-mental-health-worker',
      'liaison-psychiatrist', 'general-practitioner', 'therapist', 'support-worker')),
    -- null for accounts that sign in through an identity provider (NHS CIS2) only
    password_hash text,
    failed_sign_ins integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
  )`,
  sql`CREATE TABLE team_memberships (
    user_id uuid NOT NULL REFERENCES users(id),
    team_id uuid NOT NULL REFERENCES teams(id),
    PRIMARY KEY (user_id, team_id)
  )`,
  sql`CREATE INDEX team_memberships_team ON team_memberships (team_id)`,
  sql`CREATE TABLE patients (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- null for a person not yet traced on the Personal Demographics Service (an unknown attender)
    nhs_number text UNIQUE CHECK (nhs_number ~ '^[0-9]{10}$'),
    given_name text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
    family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
    date_of_birth date NOT NULL,
    sex text NOT NULL CHECK (sex IN ('male', 'female', 'other', 'unknown')),
    -- NHS Data Dictionary ETHNIC CATEGORY (2001 census classification); Z not stated, 99 not known
    ethnic_category text NOT NULL CHECK (ethnic_category IN ('A','B','C','D','E','F','G','H','J','K','L','M','N','P','R','S','Z','99')),
    postcode text CHECK (postcode ~ '^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$'),
    imd_decile smallint CHECK (imd_decile BETWEEN 1 AND 10),
    gp_practice_ods text CHECK (gp_practice_ods ~ '^[A-Z][0-9]{5}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
  )`,
  sql`CREATE INDEX patients_name_birth ON patients (date_of_birth, lower(family_name))`,
  // Access follows the care relationship: a team sees the patients it is caring for.
  sql`CREATE TABLE care_relationships (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients(id),
    team_id uuid NOT NULL REFERENCES teams(id),
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    CHECK (ended_at IS NULL OR ended_at >= started_at)
  )`,
  sql`CREATE INDEX care_relationships_team_patient ON care_relationships (team_id, patient_id) WHERE ended_at IS NULL`,
  sql`CREATE INDEX care_relationships_patient ON care_relationships (patient_id)`,
  // Sessions are server-side so they can be ended: the cookie holds a random token, the table
  // holds only its SHA-256, so a stolen database copy cannot be replayed as a cookie.
  sql`CREATE TABLE sessions (
    id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
    user_id uuid NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    ended_at timestamptz,
    end_reason text CHECK (end_reason IN ('signed-out', 'idle', 'expired', 'account-disabled', 'replaced'))
  )`,
  sql`CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL`,
  // Append-only and hash-chained: each row's hash covers its content and the previous row's hash,
  // so a changed, inserted or removed row breaks the chain that "onward audit verify" walks.
  sql`CREATE TABLE audit_log (
    seq bigint PRIMARY KEY CHECK (seq >= 1),
    at timestamptz NOT NULL,
    user_id uuid,
    role text,
    action text NOT NULL,
    patient_id uuid,
    outcome text NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
    detail text NOT NULL DEFAULT '{}',
    prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
    hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
  )`,
  sql`CREATE INDEX audit_log_patient ON audit_log (patient_id, seq) WHERE patient_id IS NOT NULL`,
  sql`CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
    END
  $$`,
  sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`,
  sql`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_log',
    'sessions',
    'care_relationships',
    'patients',
    'team_memberships',
    'users',
    'teams',
    'organisations',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS audit_log_is_append_only()`.execute(db);
}
