import { join } from 'node:path';
import {
  type Draft,
  resyncDrafts,
  SAVE_BODY_BYTES,
  type SaveLoad,
  SECTION_CHARS,
  saveLoad,
  startDraft,
} from './lib/assessment.ts';
import { readCaseload, USERNAME } from './lib/caseload.ts';
import { onwardBin } from './lib/env.ts';
import { latency, seconds, table, whole } from './lib/format.ts';
import { type Load, load } from './lib/load.ts';
import { sampleBackendCpu } from './lib/pgcpu.ts';
import { freePort, runCommand, type Server, startServer } from './lib/processes.ts';
import { type FormSession, signInForForms } from './lib/signin.ts';
import { median, percentile } from './lib/stats.ts';
import { type Engine, engineName, type Query, type Store } from './lib/stores.ts';
import { CONTROL_PORT, drain, type Taken, takeServerTimes } from './lib/timing.ts';
import { seedInto } from './seed.ts';
import { countSummaryStatements } from './statements.ts';

// Issue 3: the server time (p50, p95) of the patient summary with its timeline and of saving a
// psychosocial assessment draft, on PostgreSQL with about 1,000,000 presentations and on PGlite with
// about 100,000, each beside a bare Fastify route measured in the same rounds. Server time is taken
// inside the server processes (Fastify's reply.elapsedTime, bench/lib/timing.ts); the client's latency
// and req/s come from autocannon in this process. Targets are loaded in turn, round after round, at
// each concurrency, so a slow spell of this shared machine falls on all of them alike.

export type ClinicalOptions = {
  /** Patients to seed per engine: the seed gives each at least one presentation, about 1.2 on average. */
  sizes: { engine: Engine; patients: number }[];
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  /** Concurrent connections, each level measured in every round (e.g. 1 and 32). */
  connections: number[];
  /** Patients whose summary is visited round-robin. */
  ids: number;
};

type Kind = 'bare' | 'ceiling' | 'summary' | 'no-audit' | 'save' | 'caseload';

const ROUTE: Record<Kind, string> = {
  bare: 'GET /bare',
  ceiling: 'GET /bench/ceiling/:patientId',
  summary: 'GET /patients/:patientId',
  'no-audit': 'GET /bench/no-audit/patients/:patientId',
  save: 'POST /patients/:patientId/assessments/:assessmentId',
  caseload: 'GET /',
};
const EXPECTED_STATUS: Record<Kind, number> = {
  bare: 200,
  ceiling: 200,
  summary: 200,
  'no-audit': 200,
  save: 303,
  caseload: 200,
};

type Target = {
  name: string;
  kind: Kind;
  engine?: Engine;
  /** The server's control port (bench/lib/timing.ts). */
  control: string;
  /** PostgreSQL database whose backends' CPU is sampled during each run. */
  databaseUrl?: string;
  run(connections: number, seconds: number): Promise<Load | SaveLoad>;
  /** After a run and its drain: put things straight for the next one. */
  settle?(l: Load | SaveLoad): Promise<void>;
};

/** One target, one concurrency, one round. Times in milliseconds. */
export type Measure = {
  rps: number;
  clientP50: number;
  clientP95: number;
  serverP50: number;
  serverP95: number;
  /** Responses the server timed for the route (includes those the client stopped waiting for). */
  serverCount: number;
  responses: number;
  /** Non-2xx (other than the save's 303), errors, timeouts, wrong bodies; for saves 409s are apart. */
  failures: number;
  conflicts: number;
  /** Responses the server timed with another status than the route's success (200, or 303 for a save). */
  serverUnexpected: number;
  nodeCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number | undefined;
  eventLoopUtilisation: number;
};

export type EngineFacts = {
  engine: Engine;
  patients: number;
  presentations: number;
  caredFor: number;
  teams: string[];
  seedWallS: number;
  /** The drafts saved under load, and what the database holds for them afterwards. */
  writes?: {
    drafts: number;
    savesCounted: number;
    cutOff: number;
    versionsSaved: number;
    versionRows: number;
    savedEvents: number;
    saveAuditRows: number;
    staleRefusals: number;
  };
  auditVerified?: number;
};

export type ClinicalResult = {
  options: ClinicalOptions;
  engines: EngineFacts[];
  targets: { name: string; kind: Kind; engine?: Engine }[];
  /** measures[target][connections] = one Measure per round. */
  measures: Map<number, Measure[]>[];
  /** ratios[target][connections] = req/s ÷ bare req/s, per round. */
  ratios: Map<number, number[]>[];
  /** serverRatios[target][connections] = server p50 ÷ bare server p50, per round. */
  serverRatios: Map<number, number[]>[];
  /** ceilingRatios[target][connections] = req/s ÷ the same engine's ceiling page req/s, per round. */
  ceilingRatios: Map<number, number[]>[];
  /** SQL statements one patient summary runs (bench/statements.ts). */
  summaryStatements: number;
};

// The summary page with at least one entry on its timeline (every seeded patient has a presentation).
const isSummaryPage = (body: string) =>
  body.includes('Patient summary') && body.includes('id="timeline"') && body.includes('Presentation at ');

/** Patients in the practitioner's caseload with a presentation not yet assessed: one draft each. */
async function draftCandidates(query: Query, n: number): Promise<{ patientId: string; presentationId: string }[]> {
  // From the far end of the id order, so they are not among the summary's patients (the first ids).
  const rows = await query<{ patient_id: string; presentation_id: string }>(
    `SELECT DISTINCT ON (p.patient_id) p.patient_id, p.id AS presentation_id
     FROM presentations p
     JOIN care_relationships c ON c.patient_id = p.patient_id AND c.ended_at IS NULL
     JOIN team_memberships m ON m.team_id = c.team_id
     JOIN users u ON u.id = m.user_id
     WHERE u.username = '${USERNAME}'
       AND NOT EXISTS (SELECT 1 FROM assessments a WHERE a.presentation_id = p.id)
     ORDER BY p.patient_id DESC, p.arrived_at DESC
     LIMIT ${n}`,
  );
  return rows.map((r) => ({ patientId: r.patient_id, presentationId: r.presentation_id }));
}

async function writesOf(query: Query, drafts: readonly Draft[]) {
  const ids = drafts.map((d) => `'${d.assessmentId}'`).join(',');
  const patients = drafts.map((d) => `'${d.patientId}'`).join(',');
  const [row] = await query<{
    versions_saved: number;
    version_rows: number;
    saved_events: number;
    save_audit: number;
    stale: number;
  }>(
    `SELECT
       (SELECT coalesce(sum(version - 1), 0)::int FROM assessments WHERE id IN (${ids})) AS versions_saved,
       (SELECT count(*)::int FROM record_versions WHERE subject_id IN (${ids})) AS version_rows,
       (SELECT count(*)::int FROM record_events WHERE subject_id IN (${ids}) AND type = 'assessment.draft-saved') AS saved_events,
       (SELECT count(*)::int FROM audit_log WHERE patient_id IN (${patients}) AND action = 'assessment.save' AND outcome = 'ok') AS save_audit,
       (SELECT count(*)::int FROM audit_log WHERE patient_id IN (${patients}) AND action = 'assessment.save' AND outcome = 'refused') AS stale`,
  );
  return row!;
}

export async function benchClinical(
  options: ClinicalOptions,
  say: (line: string) => void,
  keep: (store: Store) => void,
): Promise<ClinicalResult> {
  const maxConnections = Math.max(...options.connections);
  const engines: EngineFacts[] = [];
  const stores: Store[] = [];
  const candidates = new Map<Engine, { patientId: string; presentationId: string }[]>();
  const summaryIds = new Map<Engine, string[]>();

  for (const { engine, patients } of options.sizes) {
    say(`  seeding ${whole(patients)} patients on ${engine}…`);
    const seeded = await seedInto(engine, patients);
    keep(seeded.store);
    stores.push(seeded.store);
    const facts = await seeded.store.read(async (query) => {
      const [counted] = await query<{ n: number }>('SELECT count(*)::int AS n FROM presentations');
      const caseload = await readCaseload(query, options.ids);
      summaryIds.set(engine, caseload.ids);
      candidates.set(engine, await draftCandidates(query, maxConnections));
      return {
        engine,
        patients: caseload.patients,
        presentations: counted!.n,
        caredFor: caseload.caredFor,
        teams: caseload.teams,
        seedWallS: seeded.wallS,
      };
    });
    if (candidates.get(engine)!.length < maxConnections) throw new Error(`${engine}: too few patients for the drafts`);
    engines.push(facts);
    say(`  ${engine}: ${whole(facts.patients)} patients, ${whole(facts.presentations)} presentations`);
  }

  const servers: Server[] = [];
  const targets: Target[] = [];
  const draftsOf = new Map<Engine, Draft[]>();
  const sessions = new Map<Engine, FormSession>();
  const measures: Map<number, Measure[]>[] = [];
  // Saves answered 303 to the client, and saves in flight when a run stopped (done or not: unknown), warm-up included.
  const saveTally = new Map<Engine, { counted: number; cutOff: number }>();
  try {
    const bareControl = await freePort();
    const bare = await startServer(
      [join(import.meta.dirname, 'bare.ts')],
      { [CONTROL_PORT]: String(bareControl) },
      '/bare',
    );
    servers.push(bare);
    targets.push({
      name: 'bare Fastify route',
      kind: 'bare',
      control: `http://127.0.0.1:${bareControl}`,
      run: (connections, s) => load({ base: bare.base, paths: ['/bare'], seconds: s, connections }),
    });

    for (const store of stores) {
      const engine = store.engine;
      const controlPort = await freePort();
      const control = `http://127.0.0.1:${controlPort}`;
      const server = await startServer([join(import.meta.dirname, 'clinical-server.ts')], {
        ...store.settings,
        SEED_DEMO: 'false',
        [CONTROL_PORT]: String(controlPort),
      });
      servers.push(server);
      const session = await signInForForms(server.base, USERNAME);
      sessions.set(engine, session);
      const paths = summaryIds.get(engine)!.map((id) => `/patients/${id}`);
      await checkSummary(server.base, paths[0]!, session.cookie);
      const drafts: Draft[] = [];
      for (const c of candidates.get(engine)!) {
        drafts.push(await startDraft(server.base, session, c.patientId, c.presentationId));
      }
      draftsOf.set(engine, drafts);
      const databaseUrl = store.settings.DATABASE_URL;
      targets.push({
        name: `ceiling page, ${engineName[engine]}`,
        kind: 'ceiling',
        engine,
        control,
        databaseUrl,
        run: (connections, s) =>
          load({
            base: server.base,
            paths: summaryIds.get(engine)!.map((id) => `/bench/ceiling/${id}`),
            seconds: s,
            connections,
            cookie: session.cookie,
            verifyBody: (body) => body.includes('Sixty rows'),
          }),
      });
      targets.push({
        name: `patient summary with timeline, ${engineName[engine]}`,
        kind: 'summary',
        engine,
        control,
        databaseUrl,
        run: (connections, s) =>
          load({
            base: server.base,
            paths,
            seconds: s,
            connections,
            cookie: session.cookie,
            verifyBody: isSummaryPage,
          }),
      });
      targets.push({
        name: `the same summary without its audit row, ${engineName[engine]}`,
        kind: 'no-audit',
        engine,
        control,
        databaseUrl,
        run: (connections, s) =>
          load({
            base: server.base,
            paths: paths.map((p) => `/bench/no-audit${p}`),
            seconds: s,
            connections,
            cookie: session.cookie,
            verifyBody: isSummaryPage,
          }),
      });
      targets.push({
        name: `caseload (home page, 50 people), ${engineName[engine]}`,
        kind: 'caseload',
        engine,
        control,
        databaseUrl,
        run: (connections, s) =>
          load({
            base: server.base,
            // The first page in each order: the index for that order finds the page without reading the rest.
            paths: ['/?sort=began', '/?sort=name'],
            seconds: s,
            connections,
            cookie: session.cookie,
            verifyBody: (body) =>
              body.includes('id="caseload"') && (body.match(/<tr class="nhsuk-table__row">/g) ?? []).length === 50,
          }),
      });
      targets.push({
        name: `save assessment draft, ${engineName[engine]}`,
        kind: 'save',
        engine,
        control,
        databaseUrl,
        run: (connections, s) => saveLoad({ base: server.base, session, drafts, seconds: s, connections }),
        settle: (l) => resyncDrafts(server.base, session, (l as SaveLoad).unsettled),
      });
    }

    const runOnce = async (target: Target, connections: number, s: number): Promise<Measure> => {
      await takeServerTimes(target.control); // a fresh start: nothing from before this run
      const cpu = target.databaseUrl ? await sampleBackendCpu(target.databaseUrl) : undefined;
      const l = await target.run(connections, s);
      await drain(target.control);
      const postgresCpuMs = await cpu?.stop();
      const taken: Taken = await takeServerTimes(target.control);
      if ('saved' in l) {
        const tally = saveTally.get(target.engine!) ?? { counted: 0, cutOff: 0 };
        saveTally.set(target.engine!, { counted: tally.counted + l.saved, cutOff: tally.cutOff + l.unsettled.length });
      }
      await target.settle?.(l);
      return measureOf(target, l, taken, postgresCpuMs);
    };

    for (const target of targets) {
      await runOnce(target, maxConnections, options.warmupSeconds);
      say(`  warmed up: ${target.name}`);
    }
    for (let i = 0; i < targets.length; i++) measures.push(new Map(options.connections.map((c) => [c, []])));
    for (let round = 1; round <= options.rounds; round++) {
      for (const connections of options.connections) {
        const line: string[] = [];
        for (const [i, target] of targets.entries()) {
          const m = await runOnce(target, connections, options.seconds);
          measures[i]!.get(connections)!.push(m);
          line.push(
            `${target.kind}${target.engine ? ` ${target.engine}` : ''} ${whole(m.rps)}/s p50 ${latency(m.serverP50)} ms`,
          );
        }
        say(`  round ${round}/${options.rounds}, ${connections} conn.: ${line.join('; ')}`);
      }
    }
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }

  // What the saves left behind: every saved version kept whole, one event and one audit row per save,
  // and the audit chain still intact after everyone appended to it at once.
  for (const store of stores) {
    const facts = engines.find((e) => e.engine === store.engine)!;
    const drafts = draftsOf.get(store.engine)!;
    const { counted: savesCounted, cutOff } = saveTally.get(store.engine)!;
    const w = await store.read((query) => writesOf(query, drafts));
    facts.writes = {
      drafts: drafts.length,
      savesCounted,
      cutOff,
      versionsSaved: w.versions_saved,
      versionRows: w.version_rows,
      savedEvents: w.saved_events,
      saveAuditRows: w.save_audit,
      staleRefusals: w.stale,
    };
    const verify = await runCommand([onwardBin, 'audit', 'verify'], store.settings);
    facts.auditVerified = Number(/intact: (\d+) entries/.exec(verify.output)?.[1] ?? Number.NaN);
    if (!Number.isFinite(facts.auditVerified)) throw new Error(`${store.engine}: the audit chain did not verify`);
    // Every version is a row; every save beyond the draft's first version one event and one audit row.
    if (
      w.versions_saved < savesCounted ||
      w.versions_saved > savesCounted + cutOff ||
      w.version_rows !== w.versions_saved + drafts.length ||
      w.saved_events !== w.versions_saved ||
      w.save_audit !== w.versions_saved
    ) {
      throw new Error(
        `${store.engine}: saves did not leave one version, event and audit row each: ${JSON.stringify(w)}`,
      );
    }
  }

  const ratiosBy = (f: (m: Measure, bare: Measure) => number) =>
    measures.map((byConnections) => {
      const out = new Map<number, number[]>();
      for (const [c, rounds] of byConnections)
        out.set(
          c,
          rounds.map((m, r) => f(m, measures[0]!.get(c)![r]!)),
        );
      return out;
    });
  const ceilingOf = (engine: Engine | undefined) =>
    targets.findIndex((t) => t.kind === 'ceiling' && t.engine === engine);
  const result: ClinicalResult = {
    options,
    engines,
    targets: targets.map(({ name, kind, engine }) => ({ name, kind, engine })),
    measures,
    ratios: ratiosBy((m, bare) => m.rps / bare.rps),
    serverRatios: ratiosBy((m, bare) => m.serverP50 / bare.serverP50),
    ceilingRatios: measures.map((byConnections, i) => {
      const ceiling = measures[ceilingOf(targets[i]!.engine)];
      const out = new Map<number, number[]>();
      for (const [c, rounds] of byConnections)
        out.set(c, ceiling ? rounds.map((m, r) => m.rps / ceiling.get(c)![r]!.rps) : []);
      return out;
    }),
    summaryStatements: (await countSummaryStatements()).statements,
  };
  assertHealthy(result);
  return result;
}

async function checkSummary(base: string, path: string, cookie: string): Promise<void> {
  const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
  const body = await response.text();
  if (response.status !== 200 || !isSummaryPage(body)) {
    throw new Error(
      `GET ${path} answered ${response.status} without the summary and its timeline:\n${body.slice(0, 2000)}`,
    );
  }
}

function measureOf(target: Target, l: Load | SaveLoad, taken: Taken, postgresCpuMs: number | undefined): Measure {
  const route = taken.routes[ROUTE[target.kind]];
  if (!route || route.count === 0) throw new Error(`${target.name}: the server timed no ${ROUTE[target.kind]}`);
  const sorted = [...l.latencies].sort((a, b) => a - b);
  const save = 'saved' in l ? l : undefined;
  return {
    rps: l.rps,
    clientP50: percentile(sorted, 50),
    clientP95: percentile(sorted, 95),
    serverP50: route.p50,
    serverP95: route.p95,
    serverCount: route.count,
    responses: l.responses,
    failures: save
      ? Object.values(save.otherStatuses).reduce((n, c) => n + c, 0) + l.errors + l.timeouts
      : l.non2xx + l.errors + l.timeouts + l.mismatches,
    conflicts: save?.conflicts ?? 0,
    serverUnexpected: Object.entries(route.statuses).reduce(
      (n, [status, c]) => (Number(status) === EXPECTED_STATUS[target.kind] ? n : n + c),
      0,
    ),
    nodeCpuMsPerRequest: taken.cpuMs / route.count,
    postgresCpuMsPerRequest: postgresCpuMs === undefined ? undefined : postgresCpuMs / route.count,
    eventLoopUtilisation: taken.eventLoopUtilisation,
  };
}

function assertHealthy(r: ClinicalResult): void {
  r.targets.forEach((t, i) => {
    for (const [c, rounds] of r.measures[i]!) {
      const responses = rounds.reduce((n, m) => n + m.responses, 0);
      const bad = rounds.reduce((n, m) => n + Math.max(m.failures + m.conflicts, m.serverUnexpected), 0);
      // A handful of errors can come from connections cut when a run ends; more means we measured error pages.
      if (bad > Math.max(10, responses * 0.001)) {
        throw new Error(`${t.name}, ${c} connections: ${bad} of ${responses} requests failed or were refused`);
      }
    }
  });
}

const ms = (n: number | undefined) => (n === undefined ? '–' : n < 0.1 ? n.toFixed(3) : latency(n));
const ratio = (n: number) => (n >= 1 ? `×${n < 10 ? n.toFixed(1) : whole(n)}` : `1/${whole(1 / n)}`);

export function clinicalReport(r: ClinicalResult): string[] {
  const { options } = r;
  const sizes = r.engines
    .map((e) => `${engineName[e.engine]} ${whole(e.presentations)} presentations (${whole(e.patients)} patients)`)
    .join('; ');
  const tables = options.connections.flatMap((c) => [
    `**${c} connection${c === 1 ? '' : 's'}**${c === 1 ? ' (one request at a time: the cost of a request with no queue)' : ' (the server saturated: queueing included)'}`,
    '',
    ...table(
      [
        'route',
        'server p50',
        'server p95',
        'client p50',
        'client p95',
        'req/s',
        'req/s ÷ bare',
        'req/s ÷ ceiling',
        'server p50 ÷ bare',
        'Node CPU / req',
        'PostgreSQL CPU / req',
        'Node busy',
        'responses',
        'failed, 409',
      ],
      r.targets.map((t, i) => {
        const rounds = r.measures[i]!.get(c)!;
        const med = (f: (m: Measure) => number) => median(rounds.map(f));
        const rps = rounds.map((m) => m.rps);
        const pgCpu =
          rounds[0]?.postgresCpuMsPerRequest === undefined ? undefined : med((m) => m.postgresCpuMsPerRequest!);
        return [
          t.name,
          ms(med((m) => m.serverP50)),
          ms(med((m) => m.serverP95)),
          ms(med((m) => m.clientP50)),
          ms(med((m) => m.clientP95)),
          `${whole(median(rps))} (${whole(Math.min(...rps))}–${whole(Math.max(...rps))})`,
          t.kind === 'bare' ? '1' : ratio(median(r.ratios[i]!.get(c)!)),
          t.kind === 'bare' ? '–' : (median(r.ceilingRatios[i]!.get(c)!) ?? Number.NaN).toFixed(2),
          t.kind === 'bare' ? '1' : ratio(median(r.serverRatios[i]!.get(c)!)),
          ms(med((m) => m.nodeCpuMsPerRequest)),
          t.kind === 'bare' ? '–' : ms(pgCpu),
          `${Math.round(100 * med((m) => m.eventLoopUtilisation))}%`,
          whole(rounds.reduce((n, m) => n + m.responses, 0)),
          `${whole(rounds.reduce((n, m) => n + m.failures, 0))}, ${whole(rounds.reduce((n, m) => n + m.conflicts, 0))}`,
        ];
      }),
    ),
    '',
  ]);
  const facts = r.engines.flatMap((e) => {
    const w = e.writes!;
    return [
      `- ${engineName[e.engine]}: seeded with \`onward seed --seed 1 --patients ${e.patients}\` in ${seconds(e.seedWallS)} (whole command); \`SELECT count(*) FROM presentations\` = **${whole(e.presentations)}**; ${whole(e.caredFor)} patients cared for by ${e.teams.join(', ')}.`,
      `  Saves: ${whole(w.savesCounted)} answered 303 to the client over ${w.drafts} drafts (warm-up included) and ${w.cutOff} were in flight when a run stopped; the database holds ${whole(w.versionsSaved)} saved versions, with exactly one \`record_versions\` row, one \`assessment.draft-saved\` event and one \`assessment.save\` audit row each; ${whole(w.staleRefusals)} stale-version refusals. \`onward audit verify\` afterwards: chain intact, ${whole(e.auditVerified!)} entries.`,
    ];
  });
  const at = Math.max(...options.connections);
  const ceilingRatio = (kind: Kind, engine: Engine) => {
    const i = r.targets.findIndex((t) => t.kind === kind && t.engine === engine);
    return i < 0 ? Number.NaN : median(r.ceilingRatios[i]!.get(at)!);
  };
  const auditCost = (engine: Engine) => {
    const s = r.targets.findIndex((t) => t.kind === 'summary' && t.engine === engine);
    const n = r.targets.findIndex((t) => t.kind === 'no-audit' && t.engine === engine);
    return median(r.measures[n]!.get(at)!.map((m, k) => m.rps / r.measures[s]!.get(at)![k]!.rps));
  };
  const checks = r.engines.flatMap((e) => [
    `- ${engineName[e.engine]}, ${at} connections: the summary reaches **${ceilingRatio('summary', e.engine).toFixed(2)}** of the ceiling page's req/s (the aim: at least 0.5); without its audit row it is **×${auditCost(e.engine).toFixed(2)}** as fast (the aim: at most ×1.5).`,
  ]);
  return [
    '## Patient summary with timeline, and saving an assessment: server time beside a bare route and the ceiling page',
    '',
    ...checks,
    `- The summary runs **${r.summaryStatements} SQL statements** (counted where the database receives them, transaction control apart: \`node bench/statements.ts\`; the aim: at most 6).`,
    '',
    `${sizes}. autocannon (programmatic) in the benchmark process, no pipelining; ${options.warmupSeconds} s warm-up per target at`,
    `${Math.max(...options.connections)} connections, then ${options.rounds} round${options.rounds === 1 ? '' : 's'}; in each round, at each concurrency (${options.connections.join(', then ')} connection(s)), every`,
    `target for ${options.seconds} s in turn: bare, then on each engine the ceiling page, the summary, the summary without its audit row, and save. All servers are up throughout.`,
    '- **Ceiling page**: `GET /bench/ceiling/<id>` on the same server and pool: the session, one primary-key read of the patient, the',
    '  site layout with a summary list and a 60-row table from the shared table partial — the most a page of this product should cost.',
    "- **Without its audit row**: `GET /bench/no-audit/patients/<id>`: the product's own summary handler, its audit INSERT turned into",
    '  a statement that writes nothing (a benchmark-only switch in `bench/clinical-server.ts`).',
    '',
    "- **Server time**: measured inside the server process by an `onResponse` hook reading Fastify's `reply.elapsedTime`: from",
    '  the moment Fastify routes the request (before any hook: session, CSRF, body parsing) to the last byte written. The',
    '  servers are `bench/clinical-server.ts` (what `onward serve` does: configuration from the environment, pool of 10 on',
    "  PostgreSQL, `buildApp` with the product's pages, plus the hook) and `bench/bare.ts` (`Fastify().get('/bare', () => ({ ok: true }))`",
    "  with the same hook). Each run's figures are read from the server after it has finished every request started.",
    '- **Client**: latency from autocannon (request written to response complete) and req/s, in the benchmark process.',
    `- **Summary**: \`GET /patients/<id>\` signed in as \`${USERNAME}\`, round-robin over ${whole(options.ids)} patients their team cares for (first ids`,
    '  in order, spread over the table): the session with its teams; the patient, the care check and the caring teams in one',
    "  query; every part's timeline list in one statement; one `patient.read` audit row (one INSERT, chained later by the",
    '  sealer); the page rendered. Every body is checked to be the summary with its timeline.',
    `- **Caseload**: \`GET /?sort=began\` and \`GET /?sort=name\` in turn, signed in as \`${USERNAME}\`: the first page (50 people) of the`,
    "  team's caseload in each order, by keyset on its own index, each person's next steps read for the page in one statement, and one",
    '  audit row. Every body is checked to hold 50 rows.',
    `- **Save**: \`POST /patients/<id>/assessments/<assessmentId>\` with \`_csrf\`, \`version\`, \`action=save\` and all twelve sections`,
    `  (${Math.min(...SECTION_CHARS)}–${Math.max(...SECTION_CHARS)} characters each, ${whole(SAVE_BODY_BYTES)} bytes URL-encoded; two wordings alternated so each save changes the text).`,
    `  Each of the ${Math.max(...options.connections)} drafts was started through the form beforehand (\`POST /patients/<id>/assessments\`) for a`,
    '  different patient in the caseload; a connection takes a free draft for each request and returns it with the answer,',
    '  sending the version it last saved, so saves never collide. A save counts if it answers 303 to that draft. One save',
    '  is one transaction: lock the draft, update it, a `record_versions` row, a `record_events` row and an audit row.',
    '- Figures are medians over the rounds (req/s also min–max); ratios are taken per round against the bare route at the',
    "  same concurrency, then the median. CPU per request: the server process's CPU (Node, and PGlite, which runs inside it)",
    "  and, on PostgreSQL, the CPU of that database's backends (from /proc, sampled), divided by the requests the server",
    '  timed. "Node busy": the server\'s event-loop utilisation during the run.',
    "- Reading server against client time: the server's clock starts when Node's HTTP parser hands Fastify the request.",
    "  Where the event loop keeps up (PostgreSQL), 32 connections' requests enter at once and wait inside the server for",
    "  one of the pool's connections, so server time ≈ client time. PGlite runs",
    '  its queries on the event loop itself: a waiting request sits unread in its socket until the loop is free, so the',
    "  server time stays close to the cost of one request and the queue shows only in the client's latency.",
    '',
    ...tables,
    ...facts,
  ];
}
