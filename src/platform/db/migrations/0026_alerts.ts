import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// In-app alerts: something happened that one person needs to know (their referral was refused, a
// colleague answered their question, a follow-up falls due), written in the transaction of the
// change, once — its key says what it is and for whom. Seen or not is the person's.
//
// A scheduled job's windows: the jobs that find what fell due by time (a follow-up due soon, one
// breached) read from where the last run stopped, so nothing falls between two runs or into both.

const up_statements = [
  sql`CREATE TABLE alerts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    alert_key text NOT NULL UNIQUE CHECK (length(alert_key) <= 300),
    user_id uuid NOT NULL REFERENCES users(id),
    kind text NOT NULL CHECK (length(kind) <= 60),
    patient_id uuid REFERENCES patients(id),
    href text NOT NULL CHECK (href ~ '^/' AND length(href) <= 300),
    text text NOT NULL CHECK (length(text) <= 300),
    created_at timestamptz NOT NULL,
    seen_at timestamptz
  )`,
  // The header's count and the home page's list: a person's alerts not yet seen, newest first.
  sql`CREATE INDEX alerts_unseen ON alerts (user_id, created_at DESC) WHERE seen_at IS NULL`,
  sql`CREATE INDEX alerts_user ON alerts (user_id, created_at DESC, id)`,
  sql`CREATE TABLE schedule_windows (
    name text PRIMARY KEY CHECK (length(name) <= 60),
    ran_to timestamptz NOT NULL
  )`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE schedule_windows`.execute(db);
  await sql`DROP TABLE alerts`.execute(db);
}
