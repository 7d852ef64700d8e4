import { sectionKeys } from '../src/assessments/model.ts';
import { generateServices } from '../src/demo/directory.ts';
import { matchServices } from '../src/directory/matching/model.ts';
import { openReferralList, partId, serviceToOpenReferral } from '../src/directory/open-referral.ts';
import { importOpenReferral } from '../src/directory/service.ts';
import { allServices } from '../src/directory/store.ts';
import { importDirectory } from '../src/fhir/directory.ts';
import { serviceToFhir } from '../src/fhir/healthcare-service.ts';
import { openQueue } from '../src/notify/queue.ts';
import { systemClock } from '../src/platform/clock.ts';
import { testConfig } from '../src/platform/config.ts';
import { type Connection, openEmbedded, openPostgres } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/platform/http/app.ts';
import { pages } from '../src/routes.ts';
import { Client } from '../test/support/client.ts';
import { makePatient, makePresentation, makeTeam, makeUser, PASSWORD } from '../test/support/factories.ts';
import { ceilingPage } from './lib/ceiling.ts';
import { milliseconds, ms, ratio, table, whole } from './lib/format.ts';
import { percentile } from './lib/stats.ts';
import { type Engine, engineName, newStore, type Store } from './lib/stores.ts';

// The directory and letters, measured in one process on each engine: importing a generated
// directory of N services (FHIR Bundle, all or nothing) beside checking the same Bundle without
// writing it (an import with one bad entry at the end: every entry is read and checked, nothing is
// written); then, with the N services in the directory, needs-led matching for one person (the
// services page, and the pure rule alone), composing a referral letter and drawing its PDF, each
// request beside the ceiling page sent by the same in-process client in the same rounds
// (app.inject: server time without the network). p50 and p95 of each.

export type DirectoryOptions = { services: number; samples: number; engines: Engine[] };

type Timed = { p50: number; p95: number };
export type DirectoryResult = {
  engine: Engine;
  services: number;
  importMs: number;
  checkOnlyMs: number;
  openReferralMs: number;
  ceiling: Timed;
  matchingPage: Timed;
  matchingRule: Timed;
  compose: Timed;
  pdf: Timed;
};

const timed = (values: number[]): Timed => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

async function open(store: Store): Promise<Connection> {
  return store.engine === 'pglite'
    ? openEmbedded(store.settings.DATA_DIR!)
    : openPostgres(store.settings.DATABASE_URL!);
}

export async function benchDirectory(o: DirectoryOptions, progress: (line: string) => void) {
  const results: DirectoryResult[] = [];
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: generateServices(o.services, 13).map((s, i) => ({ resource: serviceToFhir(s, `generated-${i + 1}`) })),
  };
  const openReferralFile = openReferralList(
    generateServices(o.services, 13).map((s, i) =>
      serviceToOpenReferral({ ...s, id: partId('bench', String(i)) }, null),
    ),
  );
  // The same Bundle with one entry that fails the directory's rules at its end: all are checked, none written.
  const failing = {
    ...bundle,
    entry: [...bundle.entry, { resource: { ...bundle.entry[0]!.resource, providerOds: undefined, name: '' } }],
  };
  for (const engine of o.engines) {
    const store = newStore(engine);
    const connection = await open(store);
    try {
      progress(`directory on ${engineName[engine]}: seeding…`);
      await migrateToLatest(connection);
      const db = connection.db;
      const team = await makeTeam(db);
      const nurse = await makeUser(db, {
        role: 'liaison-practitioner',
        teamIds: [team],
        discipline: 'mental-health-nurse',
      });
      const admin = await makeUser(db, { role: 'administrator', teamIds: [] });
      const patient = await makePatient(db, { teamId: team });
      const presentation = await makePresentation(db, { patientId: patient.id, teamId: team, recordedBy: nurse.id });
      const now = new Date();
      const sections = Object.fromEntries(
        sectionKeys.map((k) => [k, `${k}: ${'what the person said, written with them. '.repeat(8)}`]),
      );
      const assessment = await db
        .insertInto('assessments')
        .values({
          patient_id: patient.id,
          presentation_id: presentation,
          team_id: team,
          status: 'final',
          sections: JSON.stringify(sections),
          started_by: nurse.id,
          started_at: now,
          updated_by: nurse.id,
          updated_at: now,
          finalised_by: nurse.id,
          finalised_at: now,
          assessed_at: now,
          follow_up_due_at: new Date(now.getTime() + 48 * 3_600_000),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('assessment_needs')
        .values({
          assessment_id: assessment.id,
          patient_id: patient.id,
          needs: ['mood', 'money', 'alcohol', 'talking-therapy'],
          wants: 'To talk to someone, and sort out the debts',
          confirmed_by: nurse.id,
          confirmed_at: now,
        })
        .execute();

      progress(`directory on ${engineName[engine]}: import of ${whole(o.services)} services…`);
      const deps = { db, clock: systemClock };
      const by = { id: admin.id, role: 'administrator' };
      // The first import loads the R4 definitions: warmed once, so neither figure carries it.
      await importDirectory(deps, by, { ...failing, entry: failing.entry.slice(-2) });
      let started = performance.now();
      const checked = await importDirectory(deps, by, failing);
      const checkOnlyMs = performance.now() - started;
      if (checked.ok) throw new Error('the failing Bundle was imported');
      started = performance.now();
      const imported = await importDirectory(deps, by, bundle);
      const importMs = performance.now() - started;
      if (!imported.ok) throw new Error(imported.problems.slice(0, 3).join('; '));

      const queue = await openQueue(connection);

      const app = await buildApp({
        queue,
        db,
        clock: systemClock,
        config: testConfig({ signInRateLimit: 1_000_000 }),
        pages: [...pages, ceilingPage],
      });
      await app.ready();
      try {
        const client = new Client(app);
        await client.signIn(nurse.username, PASSWORD);
        const p = `/patients/${patient.id}`;
        const servicesPage = `${p}/assessments/${assessment.id}/services`;
        const services = (await allServices(db, { running: true }))
          .filter((s) => s.status === 'active')
          .slice(0, o.samples);
        const person = {
          needs: ['mood', 'money', 'alcohol', 'talking-therapy'] as const,
          age: 36,
          postcode: 'M8 4AA',
          gpPracticeOds: null,
        };
        const all = await allServices(db, { running: true });
        const times = {
          ceiling: [] as number[],
          page: [] as number[],
          rule: [] as number[],
          compose: [] as number[],
          pdf: [] as number[],
        };
        const time = async <R extends { status: number }>(into: number[], fn: () => Promise<R>, expect: number) => {
          const t = performance.now();
          const r = await fn();
          into.push(performance.now() - t);
          if (r.status !== expect) throw new Error(`status ${r.status}, expected ${expect}`);
          return r;
        };
        progress(`directory on ${engineName[engine]}: ${o.samples} samples of each request…`);
        for (let i = 0; i < o.samples; i++) {
          await time(times.ceiling, () => client.get(`/bench/ceiling/${patient.id}`), 200);
          await time(times.page, () => client.get(servicesPage), 200);
          const t = performance.now();
          matchServices(person, all);
          times.rule.push(performance.now() - t);
          // A referral to a different service each time: one is open with a service at a time.
          const made = await time(
            times.compose,
            () =>
              client.post(`${p}/referrals`, {
                assessmentId: assessment.id,
                serviceId: services[i % services.length]!.id,
              }),
            303,
          );
          await time(times.pdf, () => client.get(`${String(made.headers.location)}/letter.pdf`), 200);
        }
        // After the requests (so they saw N services): the same directory as Open Referral UK.
        progress(`directory on ${engineName[engine]}: Open Referral UK import…`);
        started = performance.now();
        const oruk = await importOpenReferral(deps, by, openReferralFile);
        const openReferralMs = performance.now() - started;
        if (!oruk.ok) throw new Error(oruk.problems.slice(0, 3).join('; '));
        results.push({
          engine,
          services: o.services,
          importMs,
          checkOnlyMs,
          openReferralMs,
          ceiling: timed(times.ceiling),
          matchingPage: timed(times.page),
          matchingRule: timed(times.rule),
          compose: timed(times.compose),
          pdf: timed(times.pdf),
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

export function directoryReport(results: DirectoryResult[], o: DirectoryOptions): string[] {
  const rows = results.flatMap((r) => {
    const beside = (t: Timed) => ratio(t.p50 / r.ceiling.p50);
    return [
      [engineName[r.engine], 'ceiling page (the baseline)', ms(r.ceiling.p50), ms(r.ceiling.p95), '×1'],
      [
        engineName[r.engine],
        `services for one person, page (${whole(r.services)} services)`,
        ms(r.matchingPage.p50),
        ms(r.matchingPage.p95),
        beside(r.matchingPage),
      ],
      [
        engineName[r.engine],
        'matching rule alone, in memory',
        ms(r.matchingRule.p50),
        ms(r.matchingRule.p95),
        beside(r.matchingRule),
      ],
      [
        engineName[r.engine],
        'compose a referral letter (POST)',
        ms(r.compose.p50),
        ms(r.compose.p95),
        beside(r.compose),
      ],
      [engineName[r.engine], 'the letter as a PDF', ms(r.pdf.p50), ms(r.pdf.p95), beside(r.pdf)],
    ];
  });
  const imports = results.map((r) => [
    engineName[r.engine],
    milliseconds(r.checkOnlyMs),
    milliseconds(r.importMs),
    ratio(r.importMs / r.checkOnlyMs),
    whole((r.services / r.importMs) * 1000),
    milliseconds(r.openReferralMs),
  ]);
  return [
    '## Directory and letters',
    '',
    `${whole(o.services)} generated services (\`generateServices\`, src/demo/directory.ts), ${o.samples} samples of each request, in one process per engine through app.inject (server time, no network), in the same rounds as the ceiling page. Milliseconds.`,
    '',
    ...table(['engine', 'request', 'p50', 'p95', 'p50 beside the ceiling'], rows),
    '',
    `Importing the ${whole(o.services)} services as one FHIR Bundle (validated against R4, read, checked, then written in one transaction), beside checking the same Bundle without writing (one bad entry at its end: everything is checked, nothing written):`,
    '',
    ...table(
      [
        'engine',
        'FHIR: check only',
        'FHIR: whole import',
        'import beside check',
        'services a second',
        'Open Referral UK: whole import',
      ],
      imports,
    ),
  ];
}
