import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// Consent to share with an aftercare service: what, with which service, recorded by whom, when and
// how; withdrawn (never deleted) with who, when and why.

const up_statements = [
  sql`CREATE TABLE consents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients(id),
    service_id uuid NOT NULL REFERENCES healthcare_services(id),
    shares text[] NOT NULL CHECK ('letter' = ANY (shares) AND shares <@ ARRAY['letter', 'assessment', 'care-plan', 'safety-plan']),
    way text NOT NULL CHECK (way IN ('in-person', 'phone', 'written')),
    given_on date NOT NULL,
    recorded_by uuid NOT NULL REFERENCES users(id),
    recorded_at timestamptz NOT NULL,
    withdrawn_at timestamptz,
    withdrawn_by uuid REFERENCES users(id),
    withdrawn_reason text CHECK (length(withdrawn_reason) BETWEEN 1 AND 2000),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL) AND (withdrawn_at IS NULL) = (withdrawn_reason IS NULL))
  )`,
  // One consent in force per person and service: a new one replaces it only after a withdrawal.
  sql`CREATE UNIQUE INDEX consents_in_force ON consents (patient_id, service_id) WHERE withdrawn_at IS NULL`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE consents`.execute(db);
}
