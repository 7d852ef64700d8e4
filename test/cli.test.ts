import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { makeAnchorPublisher } from '../src/platform/audit/anchors.ts';
import { chainEntry } from '../src/platform/audit/model.ts';
import { appendAudit, auditPage, sealAudit } from '../src/platform/audit/store.ts';
import { openEmbedded } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';

// The `onward` command as an operator runs it: a real process, a real data folder.

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'bin', 'onward.js');
const dirs: string[] = [];
// Every process a test starts is ended here, whatever the test's outcome, so a failing test fails
// instead of leaving a server that keeps the test file (and the whole suite) from finishing.
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function onward(args: string[], env: Record<string, string> = {}) {
  const { DATABASE_URL: _ignored, ...base } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      // Never the developer's own published heads (./audit-anchors.jsonl from an `npm start`).
      env: { ...base, LOG_LEVEL: 'silent', AUDIT_ANCHOR_FILE: join(tmpdir(), 'onward-no-anchors.jsonl'), ...env },
      timeout: 240_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('a bad configuration value stops the command with a clear message and exit code 2', async () => {
  const result = await onward(['migrate'], { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /configuration has a problem/);
  assert.match(result.stderr, /PORT must be a whole number \(got "eighty"\)/);
  assert.match(
    result.stderr,
    /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ connection URL \(got a value that is not shown\)/,
  );
});

test('an unknown command prints the usage', async () => {
  const result = await onward(['frobnicate']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Unknown command "frobnicate"/);
});

test('onward audit verify says the chain is intact, then finds a changed entry and exits 1', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'onward-cli-'));
  dirs.push(dataDir);
  let connection = await openEmbedded(dataDir);
  await migrateToLatest(connection);
  for (let i = 0; i < 5; i++) {
    await appendAudit(connection.db, {
      at: new Date(),
      userId: null,
      role: null,
      action: `test.cli-${i}`,
      patientId: null,
      outcome: 'ok',
    });
  }
  // The command refuses to open a data folder another process holds.
  const busy = await onward(['audit', 'verify'], { DATA_DIR: dataDir });
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, /in use by another Onward process/);
  await connection.close();

  const intact = await onward(['audit', 'verify'], { DATA_DIR: dataDir });
  assert.equal(intact.code, 0, intact.stderr);
  assert.match(intact.stdout, /Audit trail intact: 5 entries checked/);

  connection = await openEmbedded(dataDir);
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(connection.db);
  await sql`UPDATE audit_log SET action = 'patient.read' WHERE seq = 3`.execute(connection.db);
  await connection.close();
  const broken = await onward(['audit', 'verify'], { DATA_DIR: dataDir });
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /Audit trail BROKEN/);
  assert.match(broken.stderr, /entry 3 was changed after it was written/);
});

test('onward seed builds the demo into an empty folder, and refuses a folder that has data', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'onward-seed-'));
  dirs.push(dataDir);
  const first = await onward(['seed', '--seed', '7', '--patients', '300', '--as-of', '2026-06-01'], {
    DATA_DIR: dataDir,
  });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Seeded 300 patients and [0-9]+ presentations/);
  const again = await onward(['seed', '--patients', '10'], { DATA_DIR: dataDir });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already has organisations/);
  const bad = await onward(['seed', '--patients', 'lots'], { DATA_DIR: dataDir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--patients must be a whole number/);
});

test('onward serve: first start seeds the demo and prints the sign-ins; a second server on the folder is refused; SIGTERM closes cleanly', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'onward-serve-'));
  dirs.push(dataDir);
  const { DATABASE_URL: _ignored, ...base } = process.env;
  const env = {
    ...base,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DEMO_PATIENTS: '50',
    PASSWORD_HASH_COST: '10',
  };
  const anchorFile = join(dataDir, '..', `${dataDir.split('/').pop()}-anchors.jsonl`);
  dirs.push(anchorFile);
  const server = spawn(process.execPath, [bin, 'serve'], { env: { ...env, AUDIT_ANCHOR_FILE: anchorFile } });
  children.push(server);
  let output = '';
  server.stdout.on('data', (d) => {
    output += d;
  });
  server.stderr.on('data', (d) => {
    output += d;
  });
  // A cold start on a loaded two-core machine can take a while: wait generously, and say what
  // was seen if the server never became ready or exited first.
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ready line after 180 s; the server said:\n${output}`)),
      180_000,
    );
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before it was ready; it said:\n${output}`));
    });
    server.stdout.on('data', () => {
      const m = /ready at (http:\/\/[^ ]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  assert.match(output, /First start: building the demo with 50 synthetic patients/);
  assert.match(output, /practitioner\s+Liaison practitioner/);
  assert.match(output, /password for all: onward-demo-2026/);
  assert.equal((await fetch(`${address}/readyz`)).status, 200);
  // A refused sign-in puts an entry in the audit trail, so there is a head to publish.
  const form = await fetch(`${address}/sign-in`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const refused = await fetch(`${address}/sign-in`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: form.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; '),
    },
    body: new URLSearchParams({ username: 'practitioner', password: 'not the password', _csrf: csrf }).toString(),
  });
  assert.equal(refused.status, 401);

  const second = await onward(['serve'], { DATA_DIR: dataDir, PORT: '0' });
  assert.equal(second.code, 1);
  assert.match(second.stderr, /in use by another Onward process \(pid \d+\)/);

  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
  server.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(output, /SIGTERM: finishing requests in progress and closing the database/);
  assert.equal(existsSync(join(dataDir, 'onward.lock')), false, 'the lock is released');
  // The head of the audit chain was published outside the data folder as the server stopped.
  const published = readFileSync(anchorFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(published.length >= 1 && published.at(-1).seq > 0);
  const verified = await onward(['audit', 'verify', '--against', anchorFile], { DATA_DIR: dataDir });
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /heads published to .* are in the chain/);
});

test('onward audit verify --against: a cut-off tail or a rewritten, re-chained trail is found from the published heads', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'onward-anchor-'));
  dirs.push(dataDir);
  const anchorFile = join(dataDir, 'anchors.jsonl');
  let connection = await openEmbedded(dataDir);
  await migrateToLatest(connection);
  const publish = makeAnchorPublisher({ db: connection.db, file: anchorFile, now: () => new Date(), log: () => {} });
  const append = (i: number) =>
    appendAudit(connection.db, {
      at: new Date(),
      userId: null,
      role: null,
      action: `test.anchor-${i}`,
      patientId: null,
      outcome: 'ok',
    });
  for (let i = 0; i < 4; i++) await append(i);
  assert.equal(await publish(), undefined, 'nothing is published before the sealer has chained anything');
  assert.equal(await sealAudit(connection.db), 4);
  assert.equal((await publish())?.seq, 4);
  assert.equal(await publish(), undefined, 'an unmoved head is not published again');
  for (let i = 4; i < 8; i++) await append(i);
  await sealAudit(connection.db);
  assert.equal((await publish())?.seq, 8);
  await connection.close();
  assert.equal((await onward(['audit', 'verify', '--against', anchorFile], { DATA_DIR: dataDir })).code, 0);

  // A superuser rewrites entry 3 and re-chains everything after it: the chain alone verifies.
  connection = await openEmbedded(dataDir);
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(connection.db);
  const entries = await auditPage(connection.db, 0, 100);
  let previous: { seq: number; hash: string } = entries[1]!;
  for (const e of entries.slice(2)) {
    const forged = chainEntry(previous, { ...e, action: e.seq === 3 ? 'test.rewritten' : e.action });
    await sql`UPDATE audit_log SET action = ${forged.action}, prev_hash = ${forged.prevHash}, hash = ${forged.hash} WHERE seq = ${e.seq}`.execute(
      connection.db,
    );
    previous = forged;
  }
  await connection.close();
  assert.equal(
    (await onward(['audit', 'verify'], { DATA_DIR: dataDir, AUDIT_ANCHOR_FILE: join(dataDir, 'none.jsonl') })).code,
    0,
  );
  const rewritten = await onward(['audit', 'verify', '--against', anchorFile], { DATA_DIR: dataDir });
  assert.equal(rewritten.code, 1);
  assert.match(rewritten.stderr, /entry 4\) has a different hash now: the chain was rewritten/);

  // The tail is cut off: the shorter chain verifies, the published head of 8 is missing.
  connection = await openEmbedded(dataDir);
  await sql`DELETE FROM audit_log WHERE seq > 6`.execute(connection.db);
  await connection.close();
  const cut = await onward(['audit', 'verify', '--against', anchorFile], { DATA_DIR: dataDir });
  assert.equal(cut.code, 1);
  assert.match(cut.stderr, /entry 8\) is missing: entries were removed from the end/);

  // A damaged anchor file is named, not skipped.
  writeFileSync(anchorFile, '{"seq": 1}\nnot json\n');
  const damaged = await onward(['audit', 'verify', '--against', anchorFile], { DATA_DIR: dataDir });
  assert.equal(damaged.code, 2);
  assert.match(damaged.stderr, /line 1 is not an audit head/);
  assert.match(damaged.stderr, /line 2 is not JSON/);
});

test('onward directory: exported as Open Referral UK and as FHIR, each imports again; a bad file imports nothing', async () => {
  const from = mkdtempSync(join(tmpdir(), 'onward-dir-'));
  const to = from;
  dirs.push(from);
  assert.equal((await onward(['seed', '--patients', '20'], { DATA_DIR: from })).code, 0);
  const oruk = await onward(['directory', 'export', '--format', 'open-referral'], { DATA_DIR: from });
  assert.equal(oruk.code, 0, oruk.stderr);
  const list = JSON.parse(oruk.stdout) as { total_items: number; contents: { name: string }[] };
  assert.equal(list.total_items, 14);
  const fhir = await onward(['directory', 'export'], { DATA_DIR: from });
  assert.equal((JSON.parse(fhir.stdout) as { resourceType: string }).resourceType, 'Bundle');
  const files = {
    oruk: join(from, '..', `${Date.now()}-oruk.json`),
    fhir: join(from, '..', `${Date.now()}-fhir.json`),
  };
  writeFileSync(files.oruk, oruk.stdout);
  writeFileSync(files.fhir, fhir.stdout);
  const bad = { ...list, contents: [...list.contents.slice(0, 2), { ...list.contents[2], wait_time: '2 weeks' }] };
  const badFile = join(from, '..', `${Date.now()}-bad.json`);
  writeFileSync(badFile, JSON.stringify(bad));
  dirs.push(files.oruk, files.fhir, badFile);

  const refused = await onward(['directory', 'import', badFile, '--as', 'admin'], { DATA_DIR: to });
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /Nothing was imported\. 1 problem:\n {2}Service 3 \(.+\): the service has a field the profile does not: wait_time/,
  );
  for (const file of [files.oruk, files.fhir]) {
    const imported = await onward(['directory', 'import', file, '--as', 'admin'], { DATA_DIR: to });
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /Imported 14 services\./);
  }
  const after = JSON.parse(
    (await onward(['directory', 'export', '--format', 'open-referral'], { DATA_DIR: to })).stdout,
  );
  assert.equal(after.total_items, 14 * 3, 'the seeded fourteen and two imports of them');
  assert.ok(after.contents.every((s: { name: string }) => list.contents.some((o) => o.name === s.name)));
  assert.equal((await onward(['directory', 'import', files.oruk, '--as', 'practitioner'], { DATA_DIR: to })).code, 2);
  assert.equal((await onward(['directory', 'export', '--format', 'csv'], { DATA_DIR: to })).code, 2);
});
