import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// The closed loop: a referral's stage (what may happen next; its Task status and business step are
// kept beside it for exchange and queries), the service's answers (the coded rejection, the
// appointment, the outcome), the referrer's request to cancel, when the service first opened it,
// and a thread of messages between the two sides. A directory service may name the team that
// answers its referrals in Onward: that team's clinicians see its inbox.

const stages = `'draft', 'requested', 'on-hold', 'accepted', 'booked', 'attended', 'did-not-attend', 'rejected', 'completed', 'cancelled', 'entered-in-error'`;

const up_statements = [
  sql.raw(`ALTER TABLE referrals
    ADD COLUMN stage text NOT NULL DEFAULT 'draft' CHECK (stage IN (${stages})),
    ADD COLUMN received_at timestamptz,
    ADD COLUMN cancellation_requested_at timestamptz,
    ADD COLUMN rejection_reason text,
    ADD COLUMN rejection_text text CHECK (length(rejection_text) <= 2000),
    ADD COLUMN appointment_at timestamptz,
    ADD COLUMN appointment_place text CHECK (length(appointment_place) <= 200),
    ADD COLUMN appointment_how text CHECK (appointment_how IN ('in-person', 'phone', 'video')),
    ADD COLUMN outcome text CHECK (length(outcome) <= 4000),
    ADD COLUMN closed_at timestamptz`),
  sql`UPDATE referrals SET stage = CASE status WHEN 'requested' THEN 'requested' WHEN 'cancelled' THEN 'cancelled' ELSE 'draft' END`,
  sql`ALTER TABLE referrals ADD CONSTRAINT referrals_rejected_with_reason CHECK (stage <> 'rejected' OR rejection_reason IS NOT NULL)`,
  // A service's inbox: its open referrals, oldest or newest sent first.
  sql.raw(`CREATE INDEX referrals_inbox ON referrals (service_id, sent_at, id)
    WHERE stage IN ('requested', 'on-hold', 'accepted', 'booked', 'attended', 'did-not-attend')`),
  sql`ALTER TABLE healthcare_services ADD COLUMN receiving_team_id uuid REFERENCES teams(id)`,
  sql`CREATE INDEX healthcare_services_receiving_team ON healthcare_services (receiving_team_id) WHERE receiving_team_id IS NOT NULL`,
  sql`CREATE TABLE referral_messages (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    referral_id uuid NOT NULL REFERENCES referrals(id),
    patient_id uuid NOT NULL REFERENCES patients(id),
    from_party text NOT NULL CHECK (from_party IN ('referrer', 'service')),
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    sent_by uuid NOT NULL REFERENCES users(id),
    sent_at timestamptz NOT NULL
  )`,
  sql`CREATE INDEX referral_messages_referral ON referral_messages (referral_id, sent_at)`,
  sql`CREATE INDEX referral_messages_patient ON referral_messages (patient_id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE referral_messages`.execute(db);
  await sql`ALTER TABLE healthcare_services DROP COLUMN receiving_team_id`.execute(db);
  await sql`DROP INDEX referrals_inbox`.execute(db);
  await sql`ALTER TABLE referrals DROP CONSTRAINT referrals_rejected_with_reason`.execute(db);
  for (const column of [
    'stage',
    'received_at',
    'cancellation_requested_at',
    'rejection_reason',
    'rejection_text',
    'appointment_at',
    'appointment_place',
    'appointment_how',
    'outcome',
    'closed_at',
  ])
    await sql`ALTER TABLE referrals DROP COLUMN ${sql.ref(column)}`.execute(db);
}
