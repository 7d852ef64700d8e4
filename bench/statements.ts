import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { seedDemo } from '../src/demo/service.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { testConfig } from '../src/platform/config.ts';
import { openMemory } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/platform/http/app.ts';
import { pages } from '../src/routes.ts';

// How many SQL statements one page costs: the product's own app, in-process on the embedded
// engine with the demo, its database wrapped in a plugin that counts every statement Kysely sends
// (transaction control — BEGIN, COMMIT — is not a statement Kysely compiles, and is counted apart
// by the transactions opened). Counted for the patient summary of the demo patient with the most
// on their timeline, after a first request has warmed the session.

class Counter implements KyselyPlugin {
  statements: string[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.statements.push(args.node.kind);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

export async function countSummaryStatements(): Promise<{ statements: number; kinds: string[] }> {
  const connection = await openMemory();
  try {
    await migrateToLatest(connection.db);
    const asOf = new Date('2026-11-25T12:00:00Z');
    await seedDemo(connection, { seed: 1, patients: 300, asOf, passwordHashCost: 10 });
    const counter = new Counter();
    const db = connection.db.withPlugin(counter);
    const app = await buildApp({ db, clock: fixedClock(asOf.toISOString()), config: testConfig(), pages });
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
    // The patient with the fullest timeline: most versions, presentations and assessments.
    const busiest = await connection.db
      .selectFrom('record_versions')
      .select(['patient_id'])
      .groupBy('patient_id')
      .orderBy((eb) => eb.fn.countAll(), 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const url = `/patients/${busiest.patient_id}`;
    const first = await app.inject({ method: 'GET', url, headers: { cookie } });
    if (first.statusCode !== 200) throw new Error(`summary answered ${first.statusCode}`);
    counter.statements = [];
    const second = await app.inject({ method: 'GET', url, headers: { cookie } });
    if (second.statusCode !== 200) throw new Error(`summary answered ${second.statusCode}`);
    await app.close();
    return { statements: counter.statements.length, kinds: counter.statements };
  } finally {
    await connection.close();
  }
}

if (import.meta.main) {
  const { statements, kinds } = await countSummaryStatements();
  process.stdout.write(`patient summary: ${statements} SQL statements (${kinds.join(', ')})\n`);
}
