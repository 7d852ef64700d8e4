import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// The outbox: one row for each message Onward means to send (a referral letter by secure email,
// a text to the person), written in the same transaction as the change that causes it. Its key is
// derived from what the message is (this letter, this version, to this address), so the same
// message is never queued twice; its state is what the pages show. The job that carries it to the
// transport is pg-boss's, in pg-boss's own schema (installed by `onward migrate`).

const up_statements = [
  sql`CREATE TABLE outbox_messages (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) <= 300),
    kind text NOT NULL CHECK (length(kind) <= 60),
    channel text NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient text NOT NULL CHECK (length(recipient) <= 320),
    recipient_name text NOT NULL CHECK (length(recipient_name) <= 300),
    patient_id uuid REFERENCES patients(id),
    team_id uuid NOT NULL REFERENCES teams(id),
    subject_type text NOT NULL CHECK (subject_type IN ('referral', 'care-plan', 'follow-up')),
    subject_id uuid NOT NULL,
    consent_id uuid REFERENCES consents(id),
    payload jsonb NOT NULL,
    payload_hash text NOT NULL CHECK (length(payload_hash) = 64),
    state text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'kept', 'retrying',
      'failed', 'dead', 'withheld', 'uncertain', 'refused')),
    attempts integer NOT NULL DEFAULT 0,
    last_error text CHECK (length(last_error) <= 1000),
    transport_id text CHECK (length(transport_id) <= 300),
    queued_at timestamptz NOT NULL,
    queued_by uuid REFERENCES users(id),
    state_at timestamptz NOT NULL,
    sent_at timestamptz,
    job_id uuid
  )`,
  // Where delivery is shown: on the referral, the care plan, the person's record.
  sql`CREATE INDEX outbox_messages_subject ON outbox_messages (subject_id, queued_at)`,
  sql`CREATE INDEX outbox_messages_patient ON outbox_messages (patient_id, queued_at) WHERE patient_id IS NOT NULL`,
  // The outbox page: a team's messages, newest first.
  sql`CREATE INDEX outbox_messages_team ON outbox_messages (team_id, queued_at DESC, id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE outbox_messages`.execute(db);
}
