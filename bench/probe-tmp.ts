import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { seedDemo } from '../src/demo/service.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { testConfig } from '../src/platform/config.ts';
import { openPostgres } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/platform/http/app.ts';
import { pages } from '../src/routes.ts';

const url = 'postgres://postgres@127.0.0.1:5432/onward_probe';
const asOf = new Date('2026-11-25T12:00:00Z');
const base = await openPostgres(url, 4);
const seeded = await sql<{ n: number }>`SELECT count(*)::int AS n FROM patients`
  .execute(base.db)
  .catch(() => undefined);
if (!seeded || seeded.rows[0]!.n === 0) {
  await migrateToLatest(base.db);
  await seedDemo(base, { seed: 1, patients: 20000, asOf, passwordHashCost: 10 });
}
const captured: { sql: string; params: readonly unknown[] }[] = [];
const pool = new pg.Pool({ connectionString: url, max: 4 });
const db = new Kysely<never>({
  dialect: new PostgresDialect({ pool }),
  log: (e) => {
    if (e.level === 'query') captured.push({ sql: e.query.sql, params: e.query.parameters });
  },
});
const app = await buildApp({ db: db as never, clock: fixedClock(asOf.toISOString()), config: testConfig(), pages });
await app.ready();
const form = await app.inject({ method: 'GET', url: '/sign-in' });
const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
const signIn = await app.inject({
  method: 'POST',
  url: '/sign-in',
  headers: {
    cookie: form.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
    'content-type': 'application/x-www-form-urlencoded',
  },
  payload: new URLSearchParams({ username: 'practitioner', password: 'onward-demo-2026', _csrf: csrf }).toString(),
});
const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
const busiest = await sql<{
  patient_id: string;
}>`SELECT r.patient_id FROM record_versions r JOIN care_relationships c ON c.patient_id = r.patient_id AND c.ended_at IS NULL JOIN teams t ON t.id = c.team_id AND t.name LIKE '%Northbridge%' GROUP BY r.patient_id ORDER BY count(*) DESC LIMIT 1`.execute(
  base.db,
);
const target = `/patients/${busiest.rows[0]!.patient_id}`;
for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: target, headers: { cookie } });
captured.length = 0;
const r = await app.inject({ method: 'GET', url: target, headers: { cookie } });
console.log('status', r.statusCode, 'statements', captured.length);
const client = await pool.connect();
for (const q of captured) {
  const first = q.sql.trim().split(/\s+/)[0]!.toUpperCase();
  if (first !== 'SELECT') {
    console.log(first, q.sql.slice(0, 120));
    continue;
  }
  const plans: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await client.query(`EXPLAIN (ANALYZE, SUMMARY, FORMAT TEXT) ${q.sql}`, q.params as unknown[]);
    plans.push(
      res.rows
        .filter((row) => /Planning Time|Execution Time/.test(row['QUERY PLAN']))
        .map((row) => row['QUERY PLAN'])
        .join(' | '),
    );
  }
  console.log(q.sql.slice(0, 100).replace(/\s+/g, ' '), '\n   ', plans.slice(2).join('\n    '));
}
if (process.env.SHOW) for (const q of captured) console.log(q.sql, q.params);
client.release();
await app.close();
await db.destroy();
await base.close();
