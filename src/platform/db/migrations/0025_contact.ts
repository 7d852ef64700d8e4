import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// How the person agreed to be contacted: a mobile number for texts, an email address, and whether a
// message may name the service they were referred to. No number, no texts; no address, no emails.
// One row a person, saved against the version the clinician saw; its history is in the record's
// events. A message to the person is sent only while the same number or address still stands.
//
// The outbox learns three things: a message may wait for a time (a reminder the day before an
// appointment), may be called off by the change that makes it moot (the appointment cancelled),
// and what the transport later said of it (a delivery receipt).

const up_statements = [
  sql`CREATE TABLE contact_preferences (
    patient_id uuid PRIMARY KEY REFERENCES patients(id),
    mobile text CHECK (mobile ~ '^07[0-9]{9}$'),
    email text CHECK (length(email) <= 254),
    name_services boolean NOT NULL DEFAULT false,
    way text NOT NULL CHECK (way IN ('in-person', 'phone', 'written')),
    given_on date NOT NULL,
    recorded_by uuid NOT NULL REFERENCES users(id),
    recorded_at timestamptz NOT NULL,
    version integer NOT NULL DEFAULT 1
  )`,
  sql`ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_state_check`,
  sql`ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_state_check CHECK (state IN ('queued', 'sending',
    'sent', 'delivered', 'kept', 'retrying', 'failed', 'dead', 'withheld', 'uncertain', 'refused', 'cancelled',
    'undelivered'))`,
  sql`ALTER TABLE outbox_messages ADD COLUMN send_after timestamptz`,
  sql`ALTER TABLE outbox_messages ADD COLUMN receipt text CHECK (length(receipt) <= 60)`,
  sql`ALTER TABLE outbox_messages ADD COLUMN receipt_at timestamptz`,
  // A receipt names the transport's id for the message.
  sql`CREATE INDEX outbox_messages_transport ON outbox_messages (transport_id) WHERE transport_id IS NOT NULL`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX outbox_messages_transport`.execute(db);
  await sql`ALTER TABLE outbox_messages DROP COLUMN receipt_at, DROP COLUMN receipt, DROP COLUMN send_after`.execute(
    db,
  );
  await sql`DROP TABLE contact_preferences`.execute(db);
}
