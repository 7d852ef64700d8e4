import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// Escalation: a senior clinician takes up a rejected or stuck referral with the other service. Its
// own task (open, in discussion, resolved — accepted, an alternative found, or not resolved), owned
// by a named senior clinician with a due date, and each conversation with the service kept.

const up_statements = [
  sql`CREATE TABLE escalations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    referral_id uuid NOT NULL REFERENCES referrals(id),
    patient_id uuid NOT NULL REFERENCES patients(id),
    team_id uuid NOT NULL REFERENCES teams(id),
    owner_id uuid NOT NULL REFERENCES users(id),
    status text NOT NULL CHECK (status IN ('open', 'in-discussion', 'resolved')),
    outcome text CHECK (outcome IN ('accepted', 'alternative-found', 'not-resolved')),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    due_on date NOT NULL,
    opened_by uuid NOT NULL REFERENCES users(id),
    opened_at timestamptz NOT NULL,
    resolved_by uuid REFERENCES users(id),
    resolved_at timestamptz,
    resolution text CHECK (length(resolution) <= 2000),
    CHECK ((status = 'resolved') = (outcome IS NOT NULL AND resolved_at IS NOT NULL AND resolved_by IS NOT NULL))
  )`,
  // One escalation open per referral: a second click opens the one there.
  sql`CREATE UNIQUE INDEX escalations_open ON escalations (referral_id) WHERE status <> 'resolved'`,
  sql`CREATE INDEX escalations_owner ON escalations (owner_id, due_on) WHERE status <> 'resolved'`,
  sql`CREATE INDEX escalations_patient ON escalations (patient_id)`,
  sql`CREATE TABLE escalation_notes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    escalation_id uuid NOT NULL REFERENCES escalations(id),
    patient_id uuid NOT NULL REFERENCES patients(id),
    with_whom text NOT NULL CHECK (length(with_whom) BETWEEN 1 AND 200),
    way text NOT NULL CHECK (way IN ('phone', 'meeting', 'video')),
    held_at timestamptz NOT NULL,
    agreed text NOT NULL CHECK (length(agreed) BETWEEN 1 AND 4000),
    recorded_by uuid NOT NULL REFERENCES users(id),
    recorded_at timestamptz NOT NULL
  )`,
  sql`CREATE INDEX escalation_notes_escalation ON escalation_notes (escalation_id, held_at)`,
  sql`CREATE INDEX escalation_notes_patient ON escalation_notes (patient_id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE escalation_notes`.execute(db);
  await sql`DROP TABLE escalations`.execute(db);
}
