import { type Kysely, sql } from 'kysely';

// Frozen in time: no imports from the application.
//
// The audit trail without a global queue. Until now every append took one advisory lock and held
// it to commit, so every page view in every process ran one at a time. From here a request only
// INSERTs its entry (with the id of the transaction that wrote it); one sealer at a time chains
// the entries afterwards, setting seq, prev_hash and hash on rows that had none. The chain has its
// own order (the writing transaction, then the entry's id), and the sealer takes only entries
// whose transactions are older than every transaction still running, so no entry can later
// appear before one already sealed. Rows chained before this migration keep their seq and hash.

const up_statements = [
  sql`ALTER TABLE audit_log ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY`,
  sql`ALTER TABLE audit_log ADD COLUMN txid bigint NOT NULL DEFAULT 0`,
  sql`ALTER TABLE audit_log ALTER COLUMN txid SET DEFAULT pg_current_xact_id()::text::bigint`,
  sql`ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey`,
  sql`ALTER TABLE audit_log ADD PRIMARY KEY (id)`,
  sql`ALTER TABLE audit_log ALTER COLUMN seq DROP NOT NULL`,
  sql`ALTER TABLE audit_log ALTER COLUMN prev_hash DROP NOT NULL`,
  sql`ALTER TABLE audit_log ALTER COLUMN hash DROP NOT NULL`,
  sql`ALTER TABLE audit_log ADD CONSTRAINT audit_log_sealed_whole
    CHECK ((seq IS NULL) = (hash IS NULL) AND (hash IS NULL) = (prev_hash IS NULL))`,
  sql`CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq) WHERE seq IS NOT NULL`,
  sql`CREATE INDEX audit_log_unsealed ON audit_log (txid, id) WHERE seq IS NULL`,
  sql`DROP INDEX audit_log_patient`,
  sql`CREATE INDEX audit_log_patient ON audit_log (patient_id, id) WHERE patient_id IS NOT NULL`,
  // Append-only still: an entry's content never changes, and sealing may only fill in its chain
  // columns once. DELETE and TRUNCATE stay refused.
  sql`CREATE FUNCTION audit_log_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
        AND NEW.id = OLD.id AND NEW.txid = OLD.txid AND NEW.at = OLD.at
        AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id AND NEW.role IS NOT DISTINCT FROM OLD.role
        AND NEW.action = OLD.action AND NEW.patient_id IS NOT DISTINCT FROM OLD.patient_id
        AND NEW.outcome = OLD.outcome AND NEW.detail = OLD.detail THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
    END
  $$`,
  sql`DROP TRIGGER audit_log_no_update ON audit_log`,
  sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_seal_only()`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER audit_log_no_update ON audit_log`.execute(db);
  await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`.execute(db);
  await sql`DROP FUNCTION audit_log_seal_only()`.execute(db);
  // Entries never sealed cannot go back into a table whose chain columns are required.
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(db);
  await sql`DELETE FROM audit_log WHERE seq IS NULL`.execute(db);
  await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`.execute(db);
  await sql`DROP INDEX audit_log_unsealed`.execute(db);
  await sql`DROP INDEX audit_log_seq`.execute(db);
  await sql`DROP INDEX audit_log_patient`.execute(db);
  await sql`CREATE INDEX audit_log_patient ON audit_log (patient_id, seq) WHERE patient_id IS NOT NULL`.execute(db);
  await sql`ALTER TABLE audit_log DROP CONSTRAINT audit_log_sealed_whole`.execute(db);
  await sql`ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey`.execute(db);
  await sql`ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL`.execute(db);
  await sql`ALTER TABLE audit_log ALTER COLUMN prev_hash SET NOT NULL`.execute(db);
  await sql`ALTER TABLE audit_log ALTER COLUMN hash SET NOT NULL`.execute(db);
  await sql`ALTER TABLE audit_log ADD PRIMARY KEY (seq)`.execute(db);
  await sql`ALTER TABLE audit_log DROP COLUMN txid`.execute(db);
  await sql`ALTER TABLE audit_log DROP COLUMN id`.execute(db);
}
