import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// The 48-hour follow-up becomes its own record (NICE NG225: follow-up within 48 hours of the
// psychosocial assessment). The clock starts when the person was seen (`assessed_at`, asked when
// the assessment is finalised), is due until contact with the person is made and noted (done), or
// is stopped by a recorded decision with a reason. Every attempt is kept.
//
// Assessments finalised before this have no recorded time of seeing: their finalising time stands
// in. Only clocks still running are made for them; whether older follow-ups happened was never
// recorded, so none is invented.

const up_statements = [
  sql`ALTER TABLE assessments ADD COLUMN assessed_at timestamptz`,
  sql`UPDATE assessments SET assessed_at = finalised_at WHERE status = 'final'`,
  sql`CREATE TABLE follow_ups (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients(id),
    team_id uuid NOT NULL REFERENCES teams(id),
    assessment_id uuid NOT NULL REFERENCES assessments(id),
    assessed_at timestamptz NOT NULL,
    due_at timestamptz NOT NULL CHECK (due_at > assessed_at),
    state text NOT NULL DEFAULT 'due' CHECK (state IN ('due', 'done', 'stopped')),
    closed_at timestamptz,
    closed_by uuid REFERENCES users(id),
    stop_reason text CHECK (stop_reason IN ('admitted', 'other-team', 'declined', 'moved-away', 'died', 'other')),
    stop_reason_text text CHECK (length(stop_reason_text) <= 4000),
    other_team text CHECK (length(other_team) BETWEEN 1 AND 200),
    other_team_saw_on date,
    version integer NOT NULL DEFAULT 1,
    CHECK ((state = 'due') = (closed_at IS NULL) AND (closed_at IS NULL) = (closed_by IS NULL)),
    CHECK ((state = 'stopped') = (stop_reason IS NOT NULL)),
    CHECK ((stop_reason = 'other-team') = (other_team IS NOT NULL AND other_team_saw_on IS NOT NULL) OR stop_reason IS NULL)
  )`,
  sql`CREATE UNIQUE INDEX follow_ups_assessment ON follow_ups (assessment_id)`,
  sql`CREATE INDEX follow_ups_patient ON follow_ups (patient_id, due_at DESC)`,
  // The team's worklist: the due ones, soonest first, a page at a time.
  sql`CREATE INDEX follow_ups_team_due ON follow_ups (team_id, due_at, id) WHERE state = 'due'`,
  sql`CREATE INDEX follow_ups_team_week ON follow_ups (team_id, assessed_at)`,
  sql`CREATE TABLE follow_up_attempts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    follow_up_id uuid NOT NULL REFERENCES follow_ups(id),
    patient_id uuid NOT NULL REFERENCES patients(id),
    at timestamptz NOT NULL,
    method text NOT NULL CHECK (method IN ('phone', 'video', 'in-person', 'home-visit', 'text', 'letter')),
    result text NOT NULL CHECK (result IN ('spoke', 'no-answer', 'message-left', 'wrong-number', 'carer', 'declined')),
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
    next_try_at timestamptz,
    recorded_by uuid NOT NULL REFERENCES users(id),
    recorded_at timestamptz NOT NULL,
    CHECK (result <> 'spoke' OR length(note) > 0),
    CHECK (result = 'spoke' OR next_try_at > at)
  )`,
  sql`CREATE INDEX follow_up_attempts_follow_up ON follow_up_attempts (follow_up_id, at DESC)`,
  sql`CREATE INDEX follow_up_attempts_patient ON follow_up_attempts (patient_id)`,
  sql`INSERT INTO follow_ups (patient_id, team_id, assessment_id, assessed_at, due_at)
    SELECT patient_id, team_id, id, assessed_at, follow_up_due_at FROM assessments
    WHERE status = 'final' AND entered_in_error_at IS NULL AND follow_up_due_at > now()`,
];

export async function up(db: Kysely<any>): Promise<void> {
  // The due time followed the finalising time; it now follows when the person was seen. The old
  // rule was an unnamed CHECK, found by what it says.
  const old = await sql<{ conname: string }>`SELECT conname FROM pg_constraint
    WHERE conrelid = 'assessments'::regclass AND contype = 'c'
      AND pg_get_constraintdef(oid) LIKE '%finalised_at + ''48:00:00''::interval%'`.execute(db);
  for (const c of old.rows) await sql`ALTER TABLE assessments DROP CONSTRAINT ${sql.ref(c.conname)}`.execute(db);
  for (const statement of up_statements) await statement.execute(db);
  await sql`ALTER TABLE assessments ADD CONSTRAINT assessments_follow_up_from_seen
    CHECK (follow_up_due_at IS NULL OR follow_up_due_at = assessed_at + interval '48 hours')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE assessments DROP CONSTRAINT assessments_follow_up_from_seen`.execute(db);
  await sql`DROP TABLE follow_up_attempts`.execute(db);
  await sql`DROP TABLE follow_ups`.execute(db);
  await sql`ALTER TABLE assessments DROP COLUMN assessed_at`.execute(db);
}
