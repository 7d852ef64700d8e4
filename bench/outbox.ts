import { setTimeout as sleep } from 'node:timers/promises';
import type { ReferralLetterFacts } from '../src/letters/referral-letter.ts';
import { openQueue, type Queue, queueNames } from '../src/notify/queue.ts';
import { type Outgoing, queueMessage } from '../src/notify/service.ts';
import * as outbox from '../src/notify/store.ts';
import { smtpTransport } from '../src/notify/transports/email.ts';
import { startWorker } from '../src/notify/worker.ts';
import { systemClock } from '../src/platform/clock.ts';
import { testConfig } from '../src/platform/config.ts';
import { type Connection, openEmbedded, openPostgres } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/platform/http/app.ts';
import { pages } from '../src/routes.ts';
import { Client } from '../test/support/client.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../test/support/factories.ts';
import { startSmtp } from '../test/support/smtp.ts';
import { ceilingPage } from './lib/ceiling.ts';
import { ms, table, whole } from './lib/format.ts';
import { percentile } from './lib/stats.ts';
import { type Engine, engineName, newStore, type Store } from './lib/stores.ts';

// The outbox at work, on each engine, against a real local SMTP server (smtp-server, in this
// process, keeping only each message's key and when it arrived):
//   1. what the job insert adds to the transaction that queues a message: the message row alone,
//      beside the row and its pg-boss job, alternately in the same rounds;
//   2. messages a second, one worker, each a referral letter made into a PDF and handed over;
//   3. time from commit to hand-over (p50/p95) while pages are being served at a steady rate, and
//      the same pages' server time with the worker running and without it.

export type OutboxOptions = { messages: number; seconds: number; samples: number; engines: Engine[] };

type Timed = { p50: number; p95: number };
export type OutboxResult = {
  engine: Engine;
  insert: { rowOnly: Timed; withJob: Timed };
  throughput: { messages: number; ms: number };
  latency: Timed & { messages: number };
  pages: { withWorker: Timed & { n: number }; withoutWorker: Timed & { n: number } };
  pollSeconds: number;
};

const timed = (values: number[]): Timed => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

const facts: ReferralLetterFacts = {
  letterhead: {
    organisation: 'Northbridge Hospitals NHS Trust',
    team: 'Liaison Psychiatry, Northbridge',
    address: 'Northbridge General Hospital\nNorthbridge NB1 1AA',
    phone: '0161 496 0000',
    secureEmail: 'liaison.northbridge@nhs.net',
    clinician: 'Sam Okafor',
    clinicianRole: 'Mental health nurse',
  },
  date: '2026-12-07',
  sent: true,
  service: { name: 'Riverside NHS Talking Therapies', address: null, secureEmail: 'tt@nhs.test', phone: null },
  person: {
    givenName: 'Alex',
    fullName: 'Alex Example',
    dateOfBirth: '1990-04-01',
    nhsNumber: '943 476 5919',
    postcode: 'NB1 2CD',
    phone: null,
    gpPractice: 'Northbridge Medical Practice',
  },
  letter: {
    sections: [
      {
        key: 'reason',
        heading: 'Why we are referring',
        text: 'Low mood and anxiety after a recent overdose; wants help to cope.',
        required: true,
      },
      { key: 'medication', heading: 'Current medication', text: 'Sertraline 50 mg once a day.', required: true },
      {
        key: 'wants',
        heading: 'What Alex wants',
        text: 'Talking therapy, in the evenings if possible.',
        required: true,
      },
    ],
    nice: null,
    keepNice: false,
  } as never,
  enclosures: ['Psychosocial assessment'],
};

async function open(store: Store): Promise<Connection> {
  return store.engine === 'pglite'
    ? openEmbedded(store.settings.DATA_DIR!)
    : openPostgres(store.settings.DATABASE_URL!);
}

export async function benchOutbox(o: OutboxOptions, progress: (line: string) => void): Promise<OutboxResult[]> {
  const results: OutboxResult[] = [];
  for (const engine of o.engines) {
    const store = newStore(engine);
    const connection = await open(store);
    const smtp = await startSmtp({ keysOnly: true });
    const config = testConfig({ signInRateLimit: 1_000_000, smtpUrl: smtp.url });
    let queue: Queue | undefined;
    try {
      progress(`outbox on ${engineName[engine]}…`);
      await migrateToLatest(connection);
      // As `onward serve` runs its workers: supervising, and so woken by NOTIFY on PostgreSQL.
      queue = await openQueue(connection, { names: queueNames('outbox-bench'), supervise: true });
      const db = connection.db;
      const team = await makeTeam(db);
      const patient = await makePatient(db, { teamId: team });
      const nurse = await makeUser(db, { role: 'liaison-practitioner', teamIds: [team] });
      let n = 0;
      const message = (): Outgoing => ({
        kind: 'referral-letter',
        channel: 'email',
        recipient: `service.${n}@nhs.test`,
        recipientName: 'Riverside NHS Talking Therapies',
        patientId: patient.id,
        teamId: team,
        subjectType: 'referral',
        subjectId: '00000000-0000-4000-8000-000000000000',
        version: n++,
        consentId: null,
        payload: { facts },
      });
      const q = queue;
      const committed = new Map<string, number>();
      const queueOne = async () => {
        const m = message();
        await db.transaction().execute((tx) => queueMessage(tx, q, m, null, new Date()));
        committed.set(`referral-letter:${m.subjectId}:v${m.version}:${m.recipient}`, performance.now());
      };

      // 1. The job's cost inside the transaction: the message row alone, and the row with its job.
      progress(`outbox on ${engineName[engine]}: the job insert, ${o.samples} samples…`);
      const rowOnly: number[] = [];
      const withJob: number[] = [];
      for (let i = 0; i < o.samples; i++) {
        let t = performance.now();
        await db.transaction().execute(async (tx) => {
          const m = message();
          await outbox.insertMessage(tx, {
            ...m,
            key: `bench:${m.version}`,
            payloadHash: '0'.repeat(64),
            by: null,
            at: new Date(),
          });
        });
        rowOnly.push(performance.now() - t);
        t = performance.now();
        await db.transaction().execute((tx) => queueMessage(tx, q, message(), null, new Date()));
        withJob.push(performance.now() - t);
      }
      // The rows alone have no job: they are not sent. Clear them so the throughput counts only its own.
      await db.deleteFrom('outbox_messages').where('idempotency_key', 'like', 'bench:%').execute();
      await queue.boss.deleteAllJobs(queue.names.jobs);
      await db.deleteFrom('outbox_messages').execute();

      // 2. Throughput: messages queued first, then one worker from a standing start.
      progress(`outbox on ${engineName[engine]}: ${o.messages} messages through one worker…`);
      for (let i = 0; i < o.messages; i++) await queueOne();
      const before = smtp.arrivals.length;
      const started = performance.now();
      const worker = await startWorker(
        queue,
        { db, clock: systemClock },
        { email: smtpTransport({ url: smtp.url, from: 'a@onward.test' }) },
        {
          pollSeconds: config.outbox.pollSeconds,
        },
      );
      while (smtp.arrivals.length - before < o.messages) await sleep(20);
      const throughputMs = performance.now() - started;

      // 3. Pages at a steady rate (one every 50 ms) for o.seconds with a message committed every 200 ms
      //    and the worker running; then the same pages for o.seconds with no worker.
      const app = await buildApp({ queue, db, clock: systemClock, config, pages: [...pages, ceilingPage] });
      await app.ready();
      const client = new Client(app);
      await client.signIn(nurse.username, PASSWORD);
      const pageLoad = async (seconds: number, alongside?: () => Promise<void>) => {
        const times: number[] = [];
        const end = performance.now() + seconds * 1000;
        const inFlight: Promise<unknown>[] = [];
        let tick = 0;
        while (performance.now() < end) {
          inFlight.push(
            (async () => {
              const t = performance.now();
              const r = await client.get(`/bench/ceiling/${patient.id}`);
              if (r.status !== 200) throw new Error(`ceiling page: ${r.status}`);
              times.push(performance.now() - t);
            })(),
          );
          if (alongside && tick % 4 === 0) inFlight.push(alongside());
          tick++;
          await sleep(50);
        }
        await Promise.all(inFlight);
        return times;
      };
      progress(`outbox on ${engineName[engine]}: pages with the worker, ${o.seconds} s…`);
      const arrivalsBefore = smtp.arrivals.length;
      const withWorker = await pageLoad(o.seconds, queueOne);
      // Every message committed under load reaches the server before the worker stops.
      const expected = committed.size - o.messages;
      while (smtp.arrivals.length - arrivalsBefore < expected) await sleep(20);
      await worker.stop();
      progress(`outbox on ${engineName[engine]}: pages without the worker, ${o.seconds} s…`);
      const withoutWorker = await pageLoad(o.seconds);
      await app.close();
      const latencies = smtp.arrivals
        .slice(arrivalsBefore)
        .map((a) => a.at - (committed.get(a.key) ?? Number.NaN))
        .filter((x) => Number.isFinite(x));
      results.push({
        engine,
        insert: { rowOnly: timed(rowOnly), withJob: timed(withJob) },
        throughput: { messages: o.messages, ms: throughputMs },
        latency: { ...timed(latencies), messages: latencies.length },
        pages: {
          withWorker: { ...timed(withWorker), n: withWorker.length },
          withoutWorker: { ...timed(withoutWorker), n: withoutWorker.length },
        },
        pollSeconds: config.outbox.pollSeconds,
      });
    } finally {
      await queue?.stop();
      await smtp.close();
      await connection.close();
      if (connection.pglite && !connection.pglite.closed) await connection.pglite.close();
      await store.drop();
    }
  }
  return results;
}

export function outboxReport(results: OutboxResult[], o: OutboxOptions): string[] {
  const rows = results.flatMap((r) => {
    const e = engineName[r.engine];
    return [
      [e, 'queueing a message: its row alone, in a transaction', ms(r.insert.rowOnly.p50), ms(r.insert.rowOnly.p95)],
      [e, 'queueing a message: its row and its pg-boss job', ms(r.insert.withJob.p50), ms(r.insert.withJob.p95)],
      [
        e,
        `commit to hand-over, under page load (${r.latency.messages} messages)`,
        ms(r.latency.p50),
        ms(r.latency.p95),
      ],
      [
        e,
        `ceiling page under load, worker running (${r.pages.withWorker.n} requests)`,
        ms(r.pages.withWorker.p50),
        ms(r.pages.withWorker.p95),
      ],
      [
        e,
        `ceiling page under load, no worker (${r.pages.withoutWorker.n} requests)`,
        ms(r.pages.withoutWorker.p50),
        ms(r.pages.withoutWorker.p95),
      ],
    ];
  });
  return [
    '## Outbox',
    '',
    `Against a real SMTP server on this machine (smtp-server, in the same process, keeping each message's key and time). Each message is a referral letter: composed, rendered as a PDF, handed over. The job insert: ${o.samples} transactions of each kind, alternately. Throughput: ${whole(o.messages)} messages queued, then one worker (one message at a time) from a standing start. Under load: the ceiling page requested every 50 ms for ${o.seconds} s while a message is committed every 200 ms and the worker runs as in onward serve (woken by NOTIFY on PostgreSQL; polling every ${results[0]?.pollSeconds ?? 2} s, the default, on PGlite), then the same pages for ${o.seconds} s with no worker. Milliseconds.`,
    '',
    ...table(['engine', 'what', 'p50', 'p95'], rows),
    '',
    `Messages a second, one worker: ${results.map((r) => `${engineName[r.engine]} ${(r.throughput.messages / (r.throughput.ms / 1000)).toFixed(1)} (${whole(r.throughput.messages)} in ${(r.throughput.ms / 1000).toFixed(1)} s)`).join('; ')}.`,
  ];
}
