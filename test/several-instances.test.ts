import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openQueue, type Queue, queueNames } from '../src/notify/queue.ts';
import * as store from '../src/notify/store.ts';
import { verifyAuditChain } from '../src/platform/audit/verify.ts';
import { closeTestDatabase, testDatabase } from './support/database.ts';
import { PASSWORD } from './support/factories.ts';
import { another, letterWorld } from './support/outbox.ts';
import { startSmtp, type TestSmtp } from './support/smtp.ts';

// More than one server: two `onward serve` processes on one PostgreSQL, on two ports and behind
// nothing. Each job runs once and each letter reaches the mail server once; a session begun on one
// is good on the other, forms included; the audit trail both wrote verifies as one chain. This is how
// Onward grows past one machine (stateless servers on a managed PostgreSQL); the embedded engine is
// one process by design, so this runs on PostgreSQL only.

const bin = join(import.meta.dirname, '..', 'bin', 'onward.js');
const servers = new Set<ChildProcess>();
const folder = mkdtempSync(join(tmpdir(), 'onward-instances-'));
let queue: Queue | undefined;
let smtp: TestSmtp | undefined;
after(async () => {
  for (const s of servers) s.kill('SIGKILL');
  await queue?.stop();
  await smtp?.close();
  await closeTestDatabase();
  rmSync(folder, { recursive: true, force: true });
});

async function serve(name: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: process.env.DATABASE_URL,
      NODE_ENV: 'test',
      SEED_DEMO: 'false',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      AUDIT_ANCHOR_FILE: join(folder, `${name}-anchors.jsonl`),
      AUDIT_ANCHOR_INTERVAL_SECONDS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      servers.delete(child);
      resolve(code);
    }),
  );
  child.stderr.on('data', (d) => {
    output += d;
  });
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after 120 s:\n${output}`)), 120_000);
    timer.unref();
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready:\n${output}`)));
    child.stdout.on('data', (d) => {
      output += d;
      const m = /ready at (http:\/\/[^ ]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return { child, address, exited };
}

/** A browser's cookie jar, enough for Onward's session and CSRF cookies. */
class Jar {
  cookies = new Map<string, string>();
  take(response: Response) {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }
  get header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async get(url: string) {
    const r = await fetch(url, { headers: { cookie: this.header }, redirect: 'manual' });
    this.take(r);
    return { status: r.status, text: await r.text() };
  }
  async post(url: string, form: Record<string, string>, from: string) {
    const page = await this.get(from);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const r = await fetch(url, {
      method: 'POST',
      headers: { cookie: this.header, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, _csrf: csrf }).toString(),
      redirect: 'manual',
    });
    this.take(r);
    return { status: r.status, location: r.headers.get('location'), text: await r.text() };
  }
}

test('two servers on one PostgreSQL: each letter sent once, a session good on either, one audit chain', {
  skip: process.env.DATABASE_URL ? false : 'needs PostgreSQL: the embedded engine is one process by design',
}, async () => {
  const connection = await testDatabase();
  const name = `outbox-instances-${process.pid}`;
  queue = await openQueue(connection, { names: queueNames(name) });
  smtp = await startSmtp();
  const w = await letterWorld(queue, 'instances.0@nhs.test');
  const ids = [w.message.id];
  for (let i = 1; i < 20; i += 1) ids.push(await another(w, queue, { recipient: `instances.${i}@nhs.test` }));
  const env = {
    SESSION_SECRET: 'one secret for every instance, at least 32 characters',
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Liaison <liaison@onward.test>',
    OUTBOX_QUEUE: name,
    OUTBOX_POLL_SECONDS: '0.5',
  };
  const [a, b] = await Promise.all([serve('a', env), serve('b', env)]);

  // Both work the one queue: every letter reaches the mail server, and only once.
  const unsent = async () =>
    (await Promise.all(ids.map((id) => store.findMessage(connection.db, id)))).filter((m) => m?.state !== 'sent')
      .length;
  for (let i = 0; i < 600 && (await unsent()) > 0; i += 1) await sleep(100);
  assert.equal(await unsent(), 0);
  assert.equal(smtp.received.length, ids.length);
  assert.equal(new Set(smtp.received.map((m) => m.key)).size, ids.length);

  // Signed in on one, the same browser is signed in on the other, and its forms are accepted there.
  const browser = new Jar();
  const signedIn = await browser.post(
    `${a.address}/sign-in`,
    { username: w.nurse.username, password: PASSWORD },
    `${a.address}/sign-in`,
  );
  assert.equal(signedIn.status, 303, signedIn.text.slice(0, 300));
  const home = await browser.get(`${b.address}/`);
  assert.equal(home.status, 200);
  assert.match(home.text, /Sign out/);
  const outbox = await browser.get(`${b.address}/outbox`);
  assert.match(outbox.text, /instances\.7@nhs\.test/);
  const search = await browser.post(
    `${b.address}/patients/search`,
    { by: 'nhs-number', nhsNumber: '943 476 5919' },
    `${a.address}/patients`,
  );
  assert.ok(search.status < 400, `a form from one server is accepted by the other (${search.status})`);

  // Stopped in turn, each seals what it wrote: the two wrote one chain, and it verifies.
  b.child.kill('SIGTERM');
  a.child.kill('SIGTERM');
  assert.equal(await b.exited, 0);
  assert.equal(await a.exited, 0);
  const chain = await verifyAuditChain(connection.db);
  assert.deepEqual(chain.breaks, []);
  assert.ok(chain.checked > 0);
});
