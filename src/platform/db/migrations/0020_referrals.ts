import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// Referrals to aftercare services: the letter written for the service (its sections as JSON: read
// whole, never queried), its state as the closed-loop guides' task status, and once sent, who sent
// it, what the person's consent let go with it and the letterhead as it stood, so a sent letter
// reads the same for ever. Early conversations with the receiving service hang off the referral.
// A team's letterhead (address, phone, secure email) is what its letters are written on.

const up_statements = [
  sql`ALTER TABLE teams ADD COLUMN address text, ADD COLUMN phone text, ADD COLUMN secure_email text`,
  sql`CREATE TABLE referrals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients(id),
    team_id uuid NOT NULL REFERENCES teams(id),
    assessment_id uuid NOT NULL REFERENCES assessments(id),
    service_id uuid NOT NULL REFERENCES healthcare_services(id),
    status text NOT NULL CHECK (status IN ('draft', 'requested', 'accepted', 'rejected', 'in-progress', 'on-hold', 'completed', 'cancelled', 'failed', 'entered-in-error')),
    business_status text,
    letter jsonb NOT NULL,
    version integer NOT NULL DEFAULT 1,
    created_by uuid NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL,
    updated_by uuid NOT NULL REFERENCES users(id),
    updated_at timestamptz NOT NULL,
    sent_by uuid REFERENCES users(id),
    sent_at timestamptz,
    consent_id uuid REFERENCES consents(id),
    shared text[],
    letterhead jsonb,
    CHECK ((sent_at IS NULL) = (sent_by IS NULL)),
    CHECK (status = 'draft' OR status = 'cancelled' OR (sent_at IS NOT NULL AND consent_id IS NOT NULL AND letterhead IS NOT NULL))
  )`,
  sql`CREATE INDEX referrals_patient ON referrals (patient_id, created_at DESC)`,
  sql`CREATE INDEX referrals_service ON referrals (service_id, status)`,
  sql`CREATE TABLE referral_conversations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    referral_id uuid NOT NULL REFERENCES referrals(id),
    patient_id uuid NOT NULL REFERENCES patients(id),
    with_whom text NOT NULL CHECK (length(with_whom) BETWEEN 1 AND 200),
    way text NOT NULL CHECK (way IN ('phone', 'meeting', 'video')),
    held_at timestamptz NOT NULL,
    agreed text NOT NULL CHECK (length(agreed) BETWEEN 1 AND 4000),
    recorded_by uuid NOT NULL REFERENCES users(id),
    recorded_at timestamptz NOT NULL
  )`,
  sql`CREATE INDEX referral_conversations_referral ON referral_conversations (referral_id, held_at)`,
  sql`CREATE INDEX referral_conversations_patient ON referral_conversations (patient_id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE referral_conversations`.execute(db);
  await sql`DROP TABLE referrals`.execute(db);
  await sql`ALTER TABLE teams DROP COLUMN address, DROP COLUMN phone, DROP COLUMN secure_email`.execute(db);
}
