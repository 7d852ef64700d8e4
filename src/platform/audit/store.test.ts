import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { closeTestDatabase, testDatabase } from '../../../test/support/database.ts';
import { hashEntry } from './model.ts';
import { appendAudit, auditPage } from './store.ts';
import { verifyAuditChain } from './verify.ts';

after(closeTestDatabase);

const entry = (action: string) => ({
  at: new Date('2026-11-25T10:00:00Z'),
  userId: null,
  role: 'liaison-practitioner',
  action,
  patientId: null,
  outcome: 'ok' as const,
  detail: { note: `<b>"quoted"</b>, ${action}` },
});

class Rollback extends Error {}

/** Tamper inside a transaction that is rolled back, so other tests sharing the database never see it. */
async function whileTampered(tamper: (tx: import('../db/schema.ts').Db) => Promise<void>) {
  const { db } = await testDatabase();
  let report: Awaited<ReturnType<typeof verifyAuditChain>> | undefined;
  await db
    .transaction()
    .execute(async (tx) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(tx);
      await tamper(tx);
      await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`.execute(tx);
      report = await verifyAuditChain(tx, 7);
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return report!;
}

test('appended entries form a chain that verifies, across pages', async () => {
  const { db } = await testDatabase();
  for (let i = 0; i < 12; i++) await appendAudit(db, entry(`test.append-${i}`));
  const report = await verifyAuditChain(db, 5);
  assert.deepEqual(report.breaks, []);
  assert.ok(report.checked >= 12);
});

test('concurrent appends still make one unbroken chain', async () => {
  const { db } = await testDatabase();
  await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(db, entry(`test.concurrent-${i}`))));
  assert.deepEqual((await verifyAuditChain(db)).breaks, []);
});

test('the table refuses updates, deletes and truncation', async () => {
  const { db } = await testDatabase();
  const e = await appendAudit(db, entry('test.append-only'));
  await assert.rejects(sql`UPDATE audit_log SET outcome = 'refused' WHERE seq = ${e.seq}`.execute(db), /append-only/);
  await assert.rejects(sql`DELETE FROM audit_log WHERE seq = ${e.seq}`.execute(db), /append-only/);
  await assert.rejects(sql`TRUNCATE audit_log`.execute(db), /append-only/);
});

test('verify finds a changed entry', async () => {
  const { db } = await testDatabase();
  const e = await appendAudit(db, entry('test.change'));
  await appendAudit(db, entry('test.after-change'));
  const report = await whileTampered((tx) =>
    sql`UPDATE audit_log SET outcome = 'refused' WHERE seq = ${e.seq}`.execute(tx).then(() => {}),
  );
  assert.deepEqual(
    report.breaks.map((b) => [b.seq, b.problem]),
    [[e.seq, 'content-changed']],
  );
});

test('verify finds a deleted entry', async () => {
  const { db } = await testDatabase();
  const e = await appendAudit(db, entry('test.delete'));
  await appendAudit(db, entry('test.after-delete'));
  const report = await whileTampered((tx) =>
    sql`DELETE FROM audit_log WHERE seq = ${e.seq}`.execute(tx).then(() => {}),
  );
  assert.ok(report.breaks.some((b) => b.seq > e.seq && b.problem === 'sequence-gap'));
  assert.ok(report.breaks.some((b) => b.problem === 'link-broken'));
});

test('verify finds an inserted entry, even one with a freshly computed hash', async () => {
  const { db } = await testDatabase();
  const e = await appendAudit(db, entry('test.insert'));
  await appendAudit(db, entry('test.after-insert'));
  const report = await whileTampered(async (tx) => {
    // Make room by shifting every later entry up by one, then forge an entry in the gap.
    await sql`UPDATE audit_log SET seq = seq + 1000000 WHERE seq > ${e.seq}`.execute(tx);
    await sql`UPDATE audit_log SET seq = seq - 1000000 + 1 WHERE seq > 1000000`.execute(tx);
    await appendAuditRaw(tx, e.seq + 1, e.hash);
  });
  assert.ok(report.breaks.some((b) => b.seq === e.seq + 2 && b.problem === 'link-broken'));
});

async function appendAuditRaw(tx: import('../db/schema.ts').Db, seq: number, prevHash: string) {
  const { chainEntry } = await import('./model.ts');
  const forged = chainEntry({ seq: seq - 1, hash: prevHash }, { ...entry('test.forged'), detail: '{}' });
  await tx
    .insertInto('audit_log')
    .values({
      seq,
      at: forged.at,
      user_id: null,
      role: forged.role,
      action: forged.action,
      patient_id: null,
      outcome: 'ok',
      detail: '{}',
      prev_hash: forged.prevHash,
      hash: forged.hash,
    })
    .execute();
}

test('verify finds a change below the millisecond, which a JavaScript Date cannot show', async () => {
  const { db } = await testDatabase();
  const e = await appendAudit(db, entry('test.microseconds'));
  await appendAudit(db, entry('test.after-microseconds'));
  const report = await whileTampered((tx) =>
    sql`UPDATE audit_log SET at = at + interval '1 microsecond' WHERE seq = ${e.seq}`.execute(tx).then(() => {}),
  );
  assert.deepEqual(
    report.breaks.map((b) => [b.seq, b.problem]),
    [[e.seq, 'content-changed']],
  );
});

const mixedCase = (id: string, flips: boolean[]) =>
  [...id].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join('');

test('property: any entry appended verifies after a round trip through the database (ids in any case, any text)', async () => {
  const { db } = await testDatabase();
  const anyText = fc.string({ unit: 'binary', maxLength: 40 });
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        user: fc.option(fc.tuple(fc.uuid(), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }))),
        patient: fc.option(fc.tuple(fc.uuid(), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }))),
        role: fc.option(anyText),
        action: anyText,
        outcome: fc.constantFrom('ok' as const, 'refused' as const, 'failed' as const),
        detail: fc.dictionary(anyText, fc.oneof(anyText, fc.integer(), fc.boolean(), fc.constant(null)), {
          maxKeys: 3,
        }),
        at: fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
      }),
      async (r) => {
        // Ids that name no user or patient: the columns are bare uuids, so any uuid is stored.
        const written = await appendAudit(db, {
          at: r.at,
          userId: r.user && mixedCase(r.user[0], r.user[1]),
          role: r.role,
          action: r.action,
          patientId: r.patient && mixedCase(r.patient[0], r.patient[1]),
          outcome: r.outcome,
          detail: r.detail,
        });
        const [stored] = await auditPage(db, written.seq - 1, 1);
        assert.equal(stored?.seq, written.seq);
        assert.equal(hashEntry(stored!), stored!.hash, 'the stored entry hashes to its own hash');
        assert.equal(stored!.hash, written.hash);
      },
    ),
    { numRuns: 60 },
  );
  assert.deepEqual((await verifyAuditChain(db)).breaks, []);
});
