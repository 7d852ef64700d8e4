import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// The directory of aftercare services (a FHIR HealthcareService in shape): explicit columns for
// what is searched (kind, status, catchment, ages), the coded criteria as JSON beside them, and
// every saved version kept with who saved it and why.

const up_statements = [
  sql`CREATE TABLE healthcare_services (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    provider_ods text NOT NULL CHECK (provider_ods ~ '^[A-Z0-9]{3,6}$'),
    kind text NOT NULL CHECK (kind IN ('talking-therapies', 'crisis-home-treatment', 'community-mental-health',
      'general-practice', 'drug-alcohol', 'voluntary-sector', 'liaison-follow-up')),
    status text NOT NULL CHECK (status IN ('active', 'temporarily-closed', 'inactive')),
    catchment_districts text[] NOT NULL DEFAULT '{}',
    catchment_practices text[] NOT NULL DEFAULT '{}',
    age_min integer CHECK (age_min BETWEEN 0 AND 120),
    age_max integer CHECK (age_max BETWEEN 0 AND 120),
    criteria jsonb NOT NULL DEFAULT '[]',
    referral_must_contain jsonb NOT NULL DEFAULT '[]',
    route text NOT NULL CHECK (route IN ('ers', 'secure-email', 'phone', 'online-form')),
    phone text CHECK (length(phone) <= 30),
    secure_email text CHECK (length(secure_email) <= 200),
    address text CHECK (length(address) <= 500),
    opening_times text NOT NULL DEFAULT '' CHECK (length(opening_times) <= 500),
    wait_weeks integer CHECK (wait_weeks BETWEEN 0 AND 520),
    response_days integer CHECK (response_days BETWEEN 0 AND 365),
    version integer NOT NULL DEFAULT 1,
    created_by uuid NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL,
    updated_by uuid NOT NULL REFERENCES users(id),
    updated_at timestamptz NOT NULL,
    CHECK (age_min IS NULL OR age_max IS NULL OR age_min <= age_max)
  )`,
  sql`CREATE INDEX healthcare_services_name ON healthcare_services (lower(name), id)`,
  sql`CREATE INDEX healthcare_services_kind ON healthcare_services (kind, status)`,
  sql`CREATE INDEX healthcare_services_districts ON healthcare_services USING gin (catchment_districts)`,
  sql`CREATE TABLE healthcare_service_versions (
    service_id uuid NOT NULL REFERENCES healthcare_services(id),
    version integer NOT NULL,
    content jsonb NOT NULL,
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    saved_by uuid NOT NULL REFERENCES users(id),
    saved_at timestamptz NOT NULL,
    PRIMARY KEY (service_id, version)
  )`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE healthcare_service_versions`.execute(db);
  await sql`DROP TABLE healthcare_services`.execute(db);
}
