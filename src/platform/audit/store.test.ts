import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { appendSealed, sealedEntry } from '../../../test/support/audit.ts';
import { closeTestDatabase, engineName, testDatabase } from '../../../test/support/database.ts';
import { hashEntry } from './model.ts';
import { appendAudit, sealAudit } from './store.ts';
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
  let last = 0;
  for (let i = 0; i < 12; i++) last = (await appendAudit(db, entry(`test.append-${i}`))).id;
  await sealedEntry(db, last);
  const report = await verifyAuditChain(db, 5);
  assert.deepEqual(report.breaks, []);
  assert.ok(report.checked >= 12);
});

test('concurrent appends still make one unbroken chain', async () => {
  const { db } = await testDatabase();
  const written = await Promise.all(
    Array.from({ length: 20 }, (_, i) => appendAudit(db, entry(`test.concurrent-${i}`))),
  );
  for (const w of written) await sealedEntry(db, w.id);
  assert.deepEqual((await verifyAuditChain(db)).breaks, []);
});

test('the table refuses updates, deletes and truncation', async () => {
  const { db } = await testDatabase();
  const e = await appendSealed(db, entry('test.append-only'));
  await assert.rejects(sql`UPDATE audit_log SET outcome = 'refused' WHERE seq = ${e.seq}`.execute(db), /append-only/);
  await assert.rejects(sql`DELETE FROM audit_log WHERE seq = ${e.seq}`.execute(db), /append-only/);
  await assert.rejects(sql`TRUNCATE audit_log`.execute(db), /append-only/);
});

test('verify finds a changed entry', async () => {
  const { db } = await testDatabase();
  const e = await appendSealed(db, entry('test.change'));
  await appendSealed(db, entry('test.after-change'));
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
  const e = await appendSealed(db, entry('test.delete'));
  await appendSealed(db, entry('test.after-delete'));
  const report = await whileTampered((tx) =>
    sql`DELETE FROM audit_log WHERE seq = ${e.seq}`.execute(tx).then(() => {}),
  );
  assert.ok(report.breaks.some((b) => b.seq > e.seq && b.problem === 'sequence-gap'));
  assert.ok(report.breaks.some((b) => b.problem === 'link-broken'));
});

test('verify finds an inserted entry, even one with a freshly computed hash', async () => {
  const { db } = await testDatabase();
  const e = await appendSealed(db, entry('test.insert'));
  await appendSealed(db, entry('test.after-insert'));
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
  const e = await appendSealed(db, entry('test.microseconds'));
  await appendSealed(db, entry('test.after-microseconds'));
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
        const stored = await appendSealed(db, {
          at: r.at,
          userId: r.user && mixedCase(r.user[0], r.user[1]),
          role: r.role,
          action: r.action,
          patientId: r.patient && mixedCase(r.patient[0], r.patient[1]),
          outcome: r.outcome,
          detail: r.detail,
        });
        assert.equal(hashEntry(stored), stored.hash, 'the stored entry hashes to its own hash');
      },
    ),
    { numRuns: 60 },
  );
  assert.deepEqual((await verifyAuditChain(db)).breaks, []);
});

test('an entry is written with one INSERT and no lock; the sealer chains it later, in the order of the transactions that wrote them', async () => {
  const { db } = await testDatabase();
  if (engineName() === 'pglite') {
    // One connection: transactions cannot overlap, so the order is simply the order of writing.
    const a = await appendAudit(db, entry('test.order-a'));
    const b = await appendAudit(db, entry('test.order-b'));
    const row = await db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('id', '=', b.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { seq: null, hash: null }, 'written unsealed');
    assert.ok((await sealedEntry(db, b.id)).seq > (await sealedEntry(db, a.id)).seq);
    return;
  }
  // PostgreSQL: a transaction that wrote first but commits last is still chained first, and
  // nothing written after it is sealed while it is running.
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  let firstId = 0;
  let written!: () => void;
  const firstWritten = new Promise<void>((r) => {
    written = r;
  });
  const slow = db.transaction().execute(async (tx) => {
    firstId = (await appendAudit(tx, entry('test.slow-writer'))).id;
    written();
    await held;
  });
  await firstWritten;
  const later = await appendAudit(db, entry('test.quick-writer'));
  await sealAudit(db);
  const quick = await db.selectFrom('audit_log').select('seq').where('id', '=', later.id).executeTakeFirstOrThrow();
  assert.equal(quick.seq, null, 'not sealed while an older transaction is still running');
  release();
  await slow;
  const first = await sealedEntry(db, firstId);
  const second = await sealedEntry(db, later.id);
  assert.ok(first.seq < second.seq, 'chained in the order the transactions wrote, not the order they committed');
  assert.deepEqual((await verifyAuditChain(db)).breaks, []);
});

test('a writer killed between the append and the seal: the chain still verifies, and the entry is sealed afterwards', async () => {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { openEmbedded } = await import('../db/connect.ts');
  const { migrateToLatest } = await import('../db/migrate.ts');
  const postgres = engineName() === 'postgres';
  const dataDir = mkdtempSync(join(tmpdir(), 'onward-killed-'));
  try {
    if (!postgres) {
      const c = await openEmbedded(dataDir);
      await migrateToLatest(c);
      await c.close();
    }
    const action = `test.killed-${Date.now()}`;
    const child = await new Promise<{ signal: string | null; stdout: string }>((resolve) => {
      const p = execFile(
        process.execPath,
        [join(import.meta.dirname, '..', '..', '..', 'test', 'support', 'audit-writer.ts'), action],
        { env: { ...process.env, DATA_DIR: dataDir }, timeout: 120_000 },
        (_error, stdout) => resolve({ signal: p.signalCode, stdout }),
      );
    });
    assert.equal(child.signal, 'SIGKILL', `the writer was killed: ${child.stdout}`);
    const id = Number(/appended (\d+)/.exec(child.stdout)?.[1]);
    assert.ok(id > 0, 'the entry was committed before the writer died');
    const connection = postgres ? await testDatabase() : await openEmbedded(dataDir);
    try {
      const before = await verifyAuditChain(connection.db);
      assert.deepEqual(before.breaks, [], 'an unsealed entry is not a break');
      const sealed = await sealedEntry(connection.db, id);
      assert.equal(sealed.action, action);
      assert.deepEqual((await verifyAuditChain(connection.db)).breaks, []);
    } finally {
      if (!postgres) await connection.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('an entry slipped in outside the chain, older than its head, is named by verify', async () => {
  const { db } = await testDatabase();
  const e = await appendSealed(db, entry('test.before-stray'));
  const report = await whileTampered(async (tx) => {
    // As if written long ago and never sealed: an older transaction id than the head's.
    await sql`INSERT INTO audit_log (at, role, action, outcome, detail, txid) VALUES (now(), null, 'test.stray', 'ok', '{}', ${e.txid - 1})`.execute(
      tx,
    );
  });
  assert.ok(
    report.breaks.some((b) => b.problem === 'outside-chain'),
    JSON.stringify(report.breaks),
  );
});
