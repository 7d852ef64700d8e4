import { seedDemo } from '../src/demo/service.ts';
import { openQueue } from '../src/notify/queue.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { testConfig } from '../src/platform/config.ts';
import { openMemory } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/platform/http/app.ts';
import { pages } from '../src/routes.ts';

// How many SQL statements one page costs: the product's own app, in-process on the embedded
// engine with the demo, every statement counted where the database receives it (transaction
// control, BEGIN and COMMIT, is listed but not counted as a statement). Counted for the patient
// summary of the demo patient with the most on their timeline, after a first request has warmed
// the session.

/** Every statement the database is sent, as its first word, counted where PGlite receives it. */
function countStatements(pglite: { query: (...args: never[]) => unknown }) {
  const seen: string[] = [];
  const query = pglite.query.bind(pglite);
  pglite.query = ((text: string, ...rest: never[]) => {
    seen.push(text.trim().split(/\s+/)[0]!.toUpperCase());
    return query(text as never, ...rest);
  }) as never;
  return seen;
}

export async function countSummaryStatements(): Promise<{ statements: number; kinds: string[] }> {
  const connection = await openMemory();
  try {
    await migrateToLatest(connection);
    const asOf = new Date('2026-11-25T12:00:00Z');
    await seedDemo(connection, { seed: 1, patients: 300, asOf, passwordHashCost: 10 });
    const seen = countStatements(connection.pglite as never);
    const queue = await openQueue(connection);
    const app = await buildApp({
      queue,
      db: connection.db,
      clock: fixedClock(asOf.toISOString()),
      config: testConfig(),
      pages,
    });
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
    // The patient with the fullest timeline (most versions) among those the practitioner's teams care
    // for: the demo's busiest person may be another hospital's, whose summary is rightly a 404.
    const busiest = await connection.db
      .selectFrom('record_versions')
      .select(['record_versions.patient_id'])
      .where((eb) =>
        eb(
          'record_versions.patient_id',
          'in',
          eb
            .selectFrom('care_relationships as c')
            .innerJoin('team_memberships as m', 'm.team_id', 'c.team_id')
            .innerJoin('users as u', 'u.id', 'm.user_id')
            .select('c.patient_id')
            .where('u.username', '=', 'practitioner')
            .where('c.ended_at', 'is', null),
        ),
      )
      .groupBy('record_versions.patient_id')
      .orderBy((eb) => eb.fn.countAll(), 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const url = `/patients/${busiest.patient_id}`;
    const first = await app.inject({ method: 'GET', url, headers: { cookie } });
    if (first.statusCode !== 200) throw new Error(`summary answered ${first.statusCode}`);
    seen.length = 0;
    const second = await app.inject({ method: 'GET', url, headers: { cookie } });
    if (second.statusCode !== 200) throw new Error(`summary answered ${second.statusCode}`);
    await app.close();
    await queue.stop();
    const control = seen.filter((k) => k === 'BEGIN' || k === 'COMMIT' || k === 'ROLLBACK');
    return { statements: seen.length - control.length, kinds: seen };
  } finally {
    await connection.close();
  }
}

if (import.meta.main) {
  const { statements, kinds } = await countSummaryStatements();
  process.stdout.write(`patient summary: ${statements} SQL statements (${kinds.join(', ')})\n`);
}
