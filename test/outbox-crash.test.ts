import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openQueue, type Queue, queueNames } from '../src/notify/queue.ts';
import * as store from '../src/notify/store.ts';
import { type Connection, openEmbedded } from '../src/platform/db/connect.ts';
import { closeTestDatabase, testDatabase } from './support/database.ts';
import { another, letterWorld } from './support/outbox.ts';
import { startSmtp, type TestSmtp } from './support/smtp.ts';

// Each message once, proved with real deaths: `onward worker` processes are killed (SIGKILL, no
// clean-up) right after a message was handed to a real SMTP server, again and again, each one
// replaced by the next, and the server's count is the proof. On PostgreSQL the test process watches
// alongside; on the embedded engine (one process at a time) the workers take turns on a data folder
// of its own — which also shows that folder comes back whole after each kill.

const bin = join(import.meta.dirname, '..', 'bin', 'onward.js');
const embedded = !process.env.DATABASE_URL;
const dataDir = embedded ? mkdtempSync(join(tmpdir(), 'onward-crash-')) : undefined;
// Set before the test database opens: on the embedded engine it is this folder, not memory.
if (dataDir) process.env.ONWARD_TEST_DATA_DIR = dataDir;
const children = new Set<ChildProcess>();
let queue: Queue | undefined;
let server: TestSmtp | undefined;
let reopened: Connection | undefined;
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await queue?.stop();
  await server?.close();
  await reopened?.close();
  await closeTestDatabase();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function worker(name: string, smtpUrl: string, o: { crash?: 'after-record' | 'after-handover'; untilIdle?: boolean }) {
  const { crash } = o;
  const child = spawn(process.execPath, [bin, 'worker', ...(o.untilIdle ? ['--until-idle'] : [])], {
    env: {
      PATH: process.env.PATH,
      ...(embedded ? { DATA_DIR: dataDir } : { DATABASE_URL: process.env.DATABASE_URL }),
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      SMTP_URL: smtpUrl,
      MAIL_FROM: 'Liaison <liaison@onward.test>',
      OUTBOX_QUEUE: name,
      OUTBOX_POLL_SECONDS: '0.5',
      // One job at a time, so each worker strands no other job when it dies (the test stays short).
      OUTBOX_BATCH_SIZE: '1',
      OUTBOX_EXPIRE_SECONDS: '2',
      OUTBOX_RETRY_DELAY_SECONDS: '1',
      ...(crash ? { ONWARD_TEST_CRASH: crash } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, exited, output: () => output };
}

/** Wait for a child to die, failing (and killing it) if it has not within 60 s. */
async function death(w: ReturnType<typeof worker>) {
  const timeout = sleep(60_000, 'timeout' as const, { ref: false });
  const result = await Promise.race([w.exited, timeout]);
  if (result === 'timeout') {
    w.child.kill('SIGKILL');
    assert.fail(`the worker did not die within 60 s: ${w.output()}`);
  }
  return result;
}

test('workers killed between hand-over and acknowledgement, again and again: each message reaches the server once', async () => {
  const name = `outbox-crash-${process.pid}`;
  // As the workers are configured: a try not finished in 2 s is taken as dead (its worker was).
  queue = await openQueue(await testDatabase(), {
    names: queueNames(name),
    retry: { limit: 8, delaySeconds: 1, delayMaxSeconds: 2, expireSeconds: 2 },
  });
  server = await startSmtp();
  const w = await letterWorld(queue, 'crash.0@nhs.test');
  const afterRecord = [w.message.id];
  for (let i = 1; i < 6; i += 1) afterRecord.push(await another(w, queue, { recipient: `crash.${i}@nhs.test` }));
  const afterHandover = [
    await another(w, queue, { recipient: 'crash.h1@nhs.test' }),
    await another(w, queue, { recipient: 'crash.h2@nhs.test' }),
  ];
  // The embedded engine is one process at a time: this one lets go of the data folder for the workers.
  if (embedded) {
    await queue.stop();
    queue = undefined;
    await closeTestDatabase();
  }

  // Each worker takes a message, hands it over, records it sent, and is killed before pg-boss hears
  // it finished. The job is taken again by a later worker once it expires; that one finds it sent.
  for (let i = 0; i < afterRecord.length; i += 1) {
    const dying = worker(name, server.url, { crash: 'after-record' });
    assert.equal((await death(dying)).signal, 'SIGKILL', dying.output());
  }
  // Killed after the server took it, before recording: the retry cannot know, so a person is asked.
  for (let i = 0; i < afterHandover.length; i += 1) {
    const dying = worker(name, server.url, { crash: 'after-handover' });
    assert.equal((await death(dying)).signal, 'SIGKILL', dying.output());
  }
  // A worker that lives drains what the dead left behind, and stops when nothing is left to settle.
  const survivor = worker(name, server.url, { untilIdle: true });
  assert.equal((await death(survivor)).code, 0, survivor.output());

  if (embedded) reopened = await openEmbedded(dataDir!);
  const db = (reopened ?? (await testDatabase())).db;
  // Which message each worker died on is the queue's choice: what matters is that each message reached
  // the server once, that those whose worker died before recording ask a person, and the rest read sent.
  const messages = await Promise.all([...afterRecord, ...afterHandover].map((id) => store.findMessage(db, id)));
  for (const m of messages) {
    assert.equal(server.received.filter((r) => r.key === m!.key).length, 1, `${m!.recipient} received once`);
    assert.ok(m!.state === 'sent' || m!.state === 'uncertain', `${m!.recipient}: ${m!.state}`);
  }
  const uncertain = messages.filter((m) => m!.state === 'uncertain');
  assert.equal(uncertain.length, afterHandover.length);
  for (const m of uncertain) assert.match(m!.lastError!, /may have arrived/);
  assert.equal(server.received.length, afterRecord.length + afterHandover.length);
});
