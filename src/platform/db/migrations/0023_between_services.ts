import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// Between services: when each referral was first accepted and last rejected (what the unmet-need
// register counts from), the referral a re-routed one replaces (the link kept both ways: the old
// is found from the new), the flag the rock-and-a-hard-place rule raises on a person (one standing
// at a time, cleared with why), and escalations the rule opens itself (no person opened them).

const up_statements = [
  sql`ALTER TABLE referrals
    ADD COLUMN accepted_at timestamptz,
    ADD COLUMN rejected_at timestamptz,
    ADD COLUMN replaces_id uuid REFERENCES referrals(id)`,
  sql`UPDATE referrals SET rejected_at = closed_at WHERE stage = 'rejected'`,
  sql`UPDATE referrals r SET accepted_at = (
      SELECT min(e.at) FROM record_events e WHERE e.subject_id = r.id AND e.type = 'referral.accepted')
    WHERE r.stage IN ('accepted', 'booked', 'attended', 'did-not-attend', 'completed')`,
  sql`ALTER TABLE referrals ADD CONSTRAINT referrals_rejected_when CHECK (stage <> 'rejected' OR rejected_at IS NOT NULL)`,
  // A referral is replaced once.
  sql`CREATE UNIQUE INDEX referrals_replaces ON referrals (replaces_id) WHERE replaces_id IS NOT NULL`,
  // The referring team's "Referrals that need you": its referrals not accepted, waiting or booked, oldest sent first.
  sql`CREATE INDEX referrals_team_attention ON referrals (team_id, sent_at)
    WHERE stage IN ('rejected', 'requested', 'on-hold', 'booked')`,
  // The register reads rejections by when they happened, and for each whether another referral for
  // the person had been taken on by then: both from the index alone (a million referrals: 1.9 s
  // with plain indexes, 0.4 s with these).
  sql`CREATE INDEX referrals_rejected ON referrals (rejected_at)
    INCLUDE (id, patient_id, team_id, service_id, rejection_reason) WHERE stage = 'rejected'`,
  sql`CREATE INDEX referrals_taken_on ON referrals (patient_id, accepted_at)
    INCLUDE (id, closed_at, stage) WHERE accepted_at IS NOT NULL`,
  // The register asks of each rejection whether an escalation of it found care.
  sql`CREATE INDEX escalations_referral ON escalations (referral_id)`,
  sql`ALTER TABLE escalations
    ALTER COLUMN opened_by DROP NOT NULL,
    ADD COLUMN opened_by_rule text CHECK (opened_by_rule IN ('hard-place')),
    ADD CONSTRAINT escalations_opened_by_someone CHECK ((opened_by IS NULL) = (opened_by_rule IS NOT NULL))`,
  // Leaving the caseload while a referral is still open needs a recorded reason.
  sql`ALTER TABLE care_relationships ADD COLUMN open_referrals_reason text CHECK (length(open_referrals_reason) <= 2000)`,
  sql`CREATE TABLE hard_place_flags (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients(id),
    team_id uuid NOT NULL REFERENCES teams(id),
    pattern text NOT NULL CHECK (pattern IN ('between-services', 'every-referral-rejected')),
    referral_ids uuid[] NOT NULL,
    escalation_id uuid REFERENCES escalations(id),
    raised_at timestamptz NOT NULL,
    cleared_at timestamptz,
    cleared_because text CHECK (length(cleared_because) <= 200),
    CHECK ((cleared_at IS NULL) = (cleared_because IS NULL))
  )`,
  sql`CREATE UNIQUE INDEX hard_place_flags_standing ON hard_place_flags (patient_id) WHERE cleared_at IS NULL`,
  sql`CREATE INDEX hard_place_flags_team ON hard_place_flags (team_id, raised_at) WHERE cleared_at IS NULL`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE hard_place_flags`.execute(db);
  await sql`ALTER TABLE care_relationships DROP COLUMN open_referrals_reason`.execute(db);
  await sql`DROP INDEX escalations_referral`.execute(db);
  await sql`DROP INDEX referrals_team_attention`.execute(db);
  await sql`DROP INDEX referrals_taken_on`.execute(db);
  await sql`DELETE FROM escalations WHERE opened_by IS NULL`.execute(db);
  await sql`ALTER TABLE escalations DROP CONSTRAINT escalations_opened_by_someone, DROP COLUMN opened_by_rule, ALTER COLUMN opened_by SET NOT NULL`.execute(
    db,
  );
  await sql`ALTER TABLE referrals DROP CONSTRAINT referrals_rejected_when`.execute(db);
  await sql`ALTER TABLE referrals DROP COLUMN replaces_id, DROP COLUMN rejected_at, DROP COLUMN accepted_at`.execute(
    db,
  );
}
