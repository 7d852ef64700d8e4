import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// The liaison team's own follow-up clinic: sessions (a day, a time, a place or video, a clinician,
// slots of a fixed length) and appointments in them, each for one person's 48-hour follow-up.
// A slot is a session's start plus a whole number of slot lengths, so "a slot outside a session"
// cannot be stored. One live appointment per slot (booked, attended or not attended — a cancelled
// one frees it) is a unique index: two practitioners booking the same slot at once, one wins.

const up_statements = [
  sql`CREATE TABLE clinic_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id uuid NOT NULL REFERENCES teams(id),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    slot_minutes integer NOT NULL CHECK (slot_minutes BETWEEN 10 AND 120),
    mode text NOT NULL CHECK (mode IN ('in-person', 'video')),
    place text NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
    clinician_id uuid NOT NULL REFERENCES users(id),
    created_by uuid NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL,
    CHECK (ends_at > starts_at AND ends_at <= starts_at + interval '12 hours'),
    CHECK (extract(epoch FROM (ends_at - starts_at)) >= slot_minutes * 60)
  )`,
  sql`CREATE INDEX clinic_sessions_team ON clinic_sessions (team_id, starts_at)`,
  sql`CREATE TABLE clinic_appointments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id uuid NOT NULL REFERENCES clinic_sessions(id),
    follow_up_id uuid NOT NULL REFERENCES follow_ups(id),
    patient_id uuid NOT NULL REFERENCES patients(id),
    starts_at timestamptz NOT NULL,
    state text NOT NULL DEFAULT 'booked' CHECK (state IN ('booked', 'attended', 'did-not-attend', 'cancelled')),
    booked_by uuid NOT NULL REFERENCES users(id),
    booked_at timestamptz NOT NULL,
    closed_by uuid REFERENCES users(id),
    closed_at timestamptz,
    cancel_reason text CHECK (length(cancel_reason) BETWEEN 1 AND 4000),
    version integer NOT NULL DEFAULT 1,
    CHECK ((state = 'booked') = (closed_at IS NULL) AND (closed_at IS NULL) = (closed_by IS NULL)),
    CHECK ((state = 'cancelled') = (cancel_reason IS NOT NULL))
  )`,
  sql`CREATE UNIQUE INDEX clinic_appointments_slot ON clinic_appointments (session_id, starts_at) WHERE state <> 'cancelled'`,
  // One appointment waiting per follow-up: rebooking cancels the old one in the same transaction.
  sql`CREATE UNIQUE INDEX clinic_appointments_one_booked ON clinic_appointments (follow_up_id) WHERE state = 'booked'`,
  sql`CREATE INDEX clinic_appointments_follow_up ON clinic_appointments (follow_up_id, booked_at DESC)`,
  sql`CREATE INDEX clinic_appointments_patient ON clinic_appointments (patient_id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE clinic_appointments`.execute(db);
  await sql`DROP TABLE clinic_sessions`.execute(db);
}
