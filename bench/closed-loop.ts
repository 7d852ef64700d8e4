import { sql } from 'kysely';
import { unmetNeed } from '../src/analytics/unmet-need/store.ts';
import { openQueue } from '../src/notify/queue.ts';
import { systemClock } from '../src/platform/clock.ts';
import { testConfig } from '../src/platform/config.ts';
import { type Connection, openEmbedded, openPostgres } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/platform/http/app.ts';
import { pages } from '../src/routes.ts';
import { Client } from '../test/support/client.ts';
import { makePatient, makeService, makeTeam, makeUser, PASSWORD } from '../test/support/factories.ts';
import { makeFollowUp } from '../test/support/follow-ups.ts';
import { ceilingPage } from './lib/ceiling.ts';
import { ms, ratio, table, whole } from './lib/format.ts';
import { percentile } from './lib/stats.ts';
import { type Engine, engineName, newStore, type Store } from './lib/stores.ts';

// The closed loop at size: N referrals (1,000,000 on PostgreSQL, 100,000 on PGlite) made in SQL —
// a year of referrals from 20 liaison teams to 500 services, a quarter not accepted, some escalated
// — then, through app.inject in one process (server time, no network), beside the ceiling page in
// the same rounds: a service's inbox page, the referring team's home page (whose "Referrals that
// need you" is the rejected-and-overdue list), the figures page for a manager and for an analyst
// (the unmet-need register over every team) and the register's statement alone, and one state
// transition (a service accepting a referral). p50 and p95 of each.

export type LoopOptions = { referrals: Record<Engine, number>; samples: number; engines: Engine[] };

type Timed = { p50: number; p95: number };
type Measured =
  | 'ceiling'
  | 'inbox'
  | 'home'
  | 'figuresManager'
  | 'figuresAnalyst'
  | 'registerAll'
  | 'registerTeam'
  | 'accept';
export type LoopResult = { engine: Engine; referrals: number; loadMs: number; timed: Record<Measured, Timed> };

const timed = (values: number[]): Timed => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

async function open(store: Store): Promise<Connection> {
  return store.engine === 'pglite'
    ? openEmbedded(store.settings.DATA_DIR!)
    : openPostgres(store.settings.DATABASE_URL!);
}

const TEAMS = 20;
const SERVICES = 500;
/** The receiving team answers this many of the services: its inbox is about 1% of all referrals. */
const ANSWERED = 5;

/** The referrals, made in SQL from a seeded stream: each patient referred about four times in a year. */
export async function load(c: Connection, n: number) {
  const db = c.db;
  const teams: string[] = [];
  for (let i = 0; i < TEAMS; i++) teams.push(await makeTeam(db));
  const nurse = await makeUser(db, {
    role: 'liaison-practitioner',
    teamIds: [teams[0]!],
    discipline: 'mental-health-nurse',
  });
  const manager = await makeUser(db, { role: 'team-manager', teamIds: [teams[0]!] });
  const analyst = await makeUser(db, { role: 'analyst', teamIds: [] });
  const senior = await makeUser(db, { role: 'senior-clinician', teamIds: [teams[0]!] });
  const receivingTeam = await makeTeam(db, 'talking-therapies');
  const clinician = await makeUser(db, { role: 'receiving-clinician', teamIds: [receivingTeam] });
  const services: string[] = [];
  for (let i = 0; i < SERVICES; i++)
    services.push(
      await makeService(db, {
        by: nurse.id,
        name: `Bench service ${i}`,
        kind: (['talking-therapies', 'crisis-home-treatment', 'community-mental-health', 'voluntary-sector'] as const)[
          i % 4
        ],
      }),
    );
  await db
    .updateTable('healthcare_services')
    .set({ receiving_team_id: receivingTeam })
    .where('id', 'in', services.slice(0, ANSWERED))
    .execute();
  // One assessed person and one consent stand in for the letters' foreign keys: the loop's queries
  // read neither.
  const anchor = await makePatient(db, { teamId: teams[0]! });
  const followUp = await makeFollowUp(db, {
    patientId: anchor.id,
    teamId: teams[0]!,
    by: nurse.id,
    assessedAt: new Date(),
  });
  const { assessment_id: assessment } = await db
    .selectFrom('follow_ups')
    .select('assessment_id')
    .where('id', '=', followUp)
    .executeTakeFirstOrThrow();
  const consent = await db
    .insertInto('consents')
    .values({
      patient_id: anchor.id,
      service_id: services[0]!,
      shares: ['letter'],
      way: 'in-person',
      given_on: '2026-01-01',
      recorded_by: nurse.id,
      recorded_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const people = Math.max(1, Math.round(n / 4));
  const started = performance.now();
  await sql`SELECT setseed(0.42)`.execute(db);
  await sql`INSERT INTO patients (given_name, family_name, date_of_birth, sex, ethnic_category, postcode, imd_decile, identity)
    SELECT 'Bench', 'Person' || g, date '1960-01-01' + (random() * 20000)::int,
      (ARRAY['male','female','female','other'])[1 + (random() * 3)::int],
      (ARRAY['A','A','A','B','C','H','J','M','N','S','Z'])[1 + (random() * 10)::int],
      (ARRAY['M8','M12','BL3','OL1','WN5','SK4','M40','M9'])[1 + (random() * 7)::int] || ' ' || (1 + (random() * 8)::int) || 'AB',
      1 + (random() * 9)::int, 'unverified'
    FROM generate_series(1, ${people}) g`.execute(db);
  const letter = JSON.stringify({ sections: [], nice: null, keepNice: false });
  const letterhead = JSON.stringify({
    organisation: 'Bench Trust',
    team: 'Liaison',
    address: null,
    phone: null,
    secureEmail: null,
    clinician: 'Bench nurse',
    clinicianRole: 'Liaison practitioner',
  });
  // Stages as the demo draws them: a quarter not accepted, a fifth still waiting, the rest taken on.
  await sql`WITH p AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM patients WHERE family_name LIKE 'Person%'),
    g AS (
      SELECT s, 1 + (random() * (${people} - 1))::int AS k, (random() * ${TEAMS - 1})::int AS team,
        (random() * ${SERVICES - 1})::int AS service, random() AS fate,
        now() - (random() * 365) * interval '1 day' AS sent_at, (12 + random() * 100) * interval '1 hour' AS answer
      FROM generate_series(1, ${n}) s),
    staged AS (
      SELECT g.*, CASE WHEN fate < 0.25 THEN 'rejected' WHEN fate < 0.38 THEN 'requested' WHEN fate < 0.41 THEN 'on-hold'
        WHEN fate < 0.5 THEN 'accepted' WHEN fate < 0.62 THEN 'booked' WHEN fate < 0.78 THEN 'attended'
        WHEN fate < 0.81 THEN 'did-not-attend' WHEN fate < 0.98 THEN 'completed' ELSE 'cancelled' END AS stage
      FROM g)
    INSERT INTO referrals (patient_id, team_id, assessment_id, service_id, status, business_status, stage, letter,
      created_by, created_at, updated_by, updated_at, sent_by, sent_at, consent_id, shared, letterhead, received_at,
      accepted_at, rejected_at, rejection_reason, appointment_at, appointment_place, appointment_how, closed_at)
    SELECT p.id, (${sql.val(teams)}::uuid[])[team + 1], ${assessment}, (${sql.val(services)}::uuid[])[service + 1],
      CASE stage WHEN 'booked' THEN 'in-progress' WHEN 'attended' THEN 'in-progress' WHEN 'did-not-attend' THEN 'in-progress' ELSE stage END,
      NULL, stage, ${letter}, ${nurse.id}, sent_at, ${nurse.id}, sent_at, ${nurse.id}, sent_at, ${consent.id}, '{letter}',
      ${letterhead}, CASE WHEN stage <> 'requested' THEN sent_at + answer END,
      CASE WHEN stage IN ('accepted', 'booked', 'attended', 'did-not-attend', 'completed') THEN sent_at + answer END,
      CASE WHEN stage = 'rejected' THEN sent_at + answer END,
      CASE WHEN stage = 'rejected' THEN (ARRAY['self-harm','risk-too-high','not-severe-enough','out-of-area','no-capacity','diagnosis'])[1 + (fate * 24)::int % 6] END,
      CASE WHEN stage IN ('booked', 'attended', 'did-not-attend', 'completed') THEN sent_at + answer * 3 END,
      CASE WHEN stage IN ('booked', 'attended', 'did-not-attend', 'completed') THEN 'Clinic' END,
      CASE WHEN stage IN ('booked', 'attended', 'did-not-attend', 'completed') THEN 'in-person' END,
      CASE WHEN stage IN ('rejected', 'completed', 'cancelled') THEN sent_at + answer END
    FROM staged JOIN p ON p.k = staged.k`.execute(db);
  // A tenth of rejections escalated and resolved, half of those finding care.
  await sql`INSERT INTO escalations (referral_id, patient_id, team_id, owner_id, status, outcome, reason, due_on,
      opened_by, opened_at, resolved_by, resolved_at, resolution)
    SELECT id, patient_id, team_id, ${senior.id}, 'resolved',
      CASE WHEN random() < 0.5 THEN 'alternative-found' ELSE 'not-resolved' END, 'Take it up', (rejected_at + interval '2 days')::date,
      ${senior.id}, rejected_at + interval '2 hours', ${senior.id}, rejected_at + interval '3 days', 'Done'
    FROM referrals WHERE stage = 'rejected' AND random() < 0.1`.execute(db);
  // What autovacuum would do in time, done before anyone measures: statistics, and the visibility map
  // that lets the register read its indexes alone.
  await sql`VACUUM ANALYZE`.execute(db);
  const loadMs = performance.now() - started;
  return { nurse, manager, analyst, clinician, teams, services, loadMs };
}

export async function benchClosedLoop(o: LoopOptions, progress: (line: string) => void): Promise<LoopResult[]> {
  const results: LoopResult[] = [];
  for (const engine of o.engines) {
    const n = o.referrals[engine];
    const store = newStore(engine);
    const connection = await open(store);
    try {
      progress(`closed loop on ${engineName[engine]}: ${whole(n)} referrals…`);
      await migrateToLatest(connection);
      const w = await load(connection, n);
      const queue = await openQueue(connection);
      const app = await buildApp({
        queue,
        db: connection.db,
        clock: systemClock,
        config: testConfig({ signInRateLimit: 1_000_000 }),
        pages: [...pages, ceilingPage],
      });
      await app.ready();
      try {
        const as = async (username: string) => {
          const c = new Client(app);
          await c.signIn(username, PASSWORD);
          return c;
        };
        const nurse = await as(w.nurse.username);
        const manager = await as(w.manager.username);
        const analyst = await as(w.analyst.username);
        const clinician = await as(w.clinician.username);
        const anyPatient = (await connection.db.selectFrom('patients').select('id').limit(1).executeTakeFirstOrThrow())
          .id;
        // Referrals waiting for the receiving team's services: one accepted per sample.
        const waiting = (
          await connection.db
            .selectFrom('referrals')
            .select('id')
            .where('service_id', 'in', w.services.slice(0, ANSWERED))
            .where('stage', '=', 'requested')
            .limit(o.samples)
            .execute()
        ).map((r) => r.id);
        if (waiting.length === 0) throw new Error('no waiting referral to accept');
        const times = Object.fromEntries(
          ['ceiling', 'inbox', 'home', 'figuresManager', 'figuresAnalyst', 'registerAll', 'registerTeam', 'accept'].map(
            (k) => [k, [] as number[]],
          ),
        ) as Record<Measured, number[]>;
        const time = async (into: number[], fn: () => Promise<{ status: number }>, expect: number) => {
          const t = performance.now();
          const r = await fn();
          into.push(performance.now() - t);
          if (r.status !== expect) throw new Error(`status ${r.status}, expected ${expect}`);
        };
        const since = new Date(Date.now() - 84 * 86_400_000);
        progress(`closed loop on ${engineName[engine]}: ${o.samples} samples of each…`);
        for (let i = 0; i < o.samples; i++) {
          await time(times.ceiling, () => nurse.get(`/bench/ceiling/${anyPatient}`), 200);
          await time(times.inbox, () => clinician.get(i % 2 ? '/inbox?order=newest' : '/inbox'), 200);
          await time(times.home, () => nurse.get('/'), 200);
          await time(times.figuresManager, () => manager.get('/figures'), 200);
          await time(times.figuresAnalyst, () => analyst.get('/figures'), 200);
          let t = performance.now();
          await unmetNeed(connection.db, 'all', since, new Date(), 7);
          times.registerAll.push(performance.now() - t);
          t = performance.now();
          await unmetNeed(connection.db, [w.teams[0]!], since, new Date(), 7);
          times.registerTeam.push(performance.now() - t);
          // At small sizes there may be fewer waiting than samples: each is accepted once.
          if (i < waiting.length) {
            const packet = `/inbox/referrals/${waiting[i]}`;
            await clinician.get(packet);
            await time(times.accept, () => clinician.post(packet, { seen: 'requested', step: 'accept' }), 303);
          }
        }
        results.push({
          engine,
          referrals: n,
          loadMs: w.loadMs,
          timed: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, timed(v)])) as Record<Measured, Timed>,
        });
      } finally {
        await app.close();
        await queue.stop();
      }
    } finally {
      await connection.close();
      if (connection.pglite && !connection.pglite.closed) await connection.pglite.close();
      await store.drop();
    }
  }
  return results;
}

const names: Record<Measured, string> = {
  ceiling: 'ceiling page (the baseline)',
  inbox: 'a service’s inbox page (oldest or newest first)',
  home: 'the referring nurse’s home page (with “Referrals that need you”)',
  figuresManager: 'figures page, a team manager (their team’s register)',
  figuresAnalyst: 'figures page, an analyst (every team’s register, suppressed)',
  registerAll: 'unmet-need statement alone, every team',
  registerTeam: 'unmet-need statement alone, one team',
  accept: 'one state transition: the service accepts (POST)',
};

export function closedLoopReport(results: LoopResult[], o: LoopOptions): string[] {
  const rows = results.flatMap((r) =>
    (Object.keys(names) as Measured[]).map((k) => [
      `${engineName[r.engine]}, ${whole(r.referrals)}`,
      names[k],
      ms(r.timed[k].p50),
      ms(r.timed[k].p95),
      k === 'ceiling' ? '×1' : ratio(r.timed[k].p50 / r.timed.ceiling.p50),
    ]),
  );
  return [
    '## Closed loop',
    '',
    `Referrals made in SQL (a year of them from ${TEAMS} liaison teams to ${SERVICES} services, about four a person, a quarter not accepted, a tenth of those escalated; the receiving team answers ${ANSWERED} services, about 1% of referrals), then ${o.samples} samples of each request in one process per engine through app.inject (server time, no network), in the same rounds as the ceiling page. Milliseconds.`,
    '',
    ...table(['engine, referrals', 'request', 'p50', 'p95', 'p50 beside the ceiling'], rows),
    '',
    `Loading: ${results.map((r) => `${engineName[r.engine]} ${whole(r.referrals)} referrals in ${ms(r.loadMs / 1000)} s`).join('; ')}.`,
  ];
}
