import {
  type FollowUpQueries,
  followUpQueriesReport,
  timeFollowUpQueries,
  worklistPageRows,
} from './follow-up-queries.ts';
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
import { latency, ms, seconds, whole } from './lib/format.ts';
import { load } from './lib/load.ts';
import { runCommand, type Server } from './lib/processes.ts';
import {
  assertHealthy,
  ceilingTarget,
  type Rounds,
  roundsTable,
  runRounds,
  startBare,
  startOnward,
  type Target,
} from './lib/rounds.ts';
import { type FormSession, signInForForms } from './lib/signin.ts';
import { median } from './lib/stats.ts';
import { type Engine, engineName, type Query, type Store } from './lib/stores.ts';
import { seedInto } from './seed.ts';
import { countSummaryStatements } from './statements.ts';

export type { Measure } from './lib/rounds.ts';

// Issue 3: the server time (p50, p95) of the patient summary with its timeline and of saving a
// psychosocial assessment draft, on PostgreSQL with about 1,000,000 presentations and on PGlite with
// about 100,000, each beside a bare Fastify route measured in the same rounds. Server time is taken
// inside the server processes (Fastify's reply.elapsedTime, bench/lib/timing.ts); the client's latency
// and req/s come from autocannon in this process. Targets are loaded in turn, round after round, at
// each concurrency, so a slow spell of this shared machine falls on all of them alike (bench/lib/rounds.ts).

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
  /** Timed runs of each 48-hour follow-up query on its own, after one warm-up (bench/follow-up-queries.ts). */
  queryRuns?: number;
};

type Kind = 'bare' | 'ceiling' | 'summary' | 'no-audit' | 'save' | 'caseload' | 'follow-ups';

const ROUTE: Record<Kind, string> = {
  bare: 'GET /bare',
  ceiling: 'GET /bench/ceiling/:patientId',
  summary: 'GET /patients/:patientId',
  'no-audit': 'GET /bench/no-audit/patients/:patientId',
  save: 'POST /patients/:patientId/assessments/:assessmentId',
  caseload: 'GET /',
  'follow-ups': 'GET /follow-ups',
};
const EXPECTED_STATUS: Record<Kind, number> = {
  bare: 200,
  ceiling: 200,
  summary: 200,
  'no-audit': 200,
  save: 303,
  caseload: 200,
  'follow-ups': 200,
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

/** measures[target][connections] = one Measure per round; ratios alike (bench/lib/rounds.ts). */
export type ClinicalResult = Rounds<Kind> & {
  options: ClinicalOptions;
  engines: EngineFacts[];
  /** SQL statements one patient summary runs (bench/statements.ts). */
  summaryStatements: number;
  /** The figures and worklist queries timed on their own, per engine, before any server started. */
  followUpQueries: FollowUpQueries[];
};

// The summary page with at least one entry on its timeline (every seeded patient has a presentation).
const isSummaryPage = (body: string) =>
  body.includes('Patient summary') && body.includes('id="timeline"') && body.includes('Presentation at ');

const tableRows = (body: string) => (body.match(/<tr class="nhsuk-table__row">/g) ?? []).length;

// The worklist page, with as many rows as the team's worklist fills on its first page (50 when it holds that many).
const isWorklist = (rows: number) => (body: string) =>
  body.includes('<h1>Follow-ups due') &&
  tableRows(body) === rows &&
  (rows > 0 || body.includes('No follow-up is due.'));

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
  const followUpQueries: FollowUpQueries[] = [];

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
    // Nothing else running: before any server opens the store (and, on PostgreSQL, before the next engine's seed).
    const q = await timeFollowUpQueries(seeded.store, options.queryRuns ?? 20);
    followUpQueries.push(q);
    say(
      `  ${engine}: follow-up queries, median/max ms: figures ${latency(median(q.figures.runs))}/${latency(Math.max(...q.figures.runs))}` +
        ` (${q.figures.rows} rows), worklist ${latency(median(q.worklist.runs))}/${latency(Math.max(...q.worklist.runs))}` +
        ` (${q.worklist.rows} rows; ${whole(q.counts.teamWorklist)} on ${q.team}'s worklist)`,
    );
    for (const line of [...q.figures.plan, ...q.worklist.plan]) say(`    ${line}`);
  }

  const servers: Server[] = [];
  const targets: Target<Kind>[] = [];
  const draftsOf = new Map<Engine, Draft[]>();
  const sessions = new Map<Engine, FormSession>();
  let rounds: Rounds<Kind> | undefined;
  // Saves answered 303 to the client, and saves in flight when a run stopped (done or not: unknown), warm-up included.
  const saveTally = new Map<Engine, { counted: number; cutOff: number }>();
  try {
    const bare = await startBare();
    servers.push(bare.server);
    targets.push(bare.target);

    for (const store of stores) {
      const engine = store.engine;
      const { server, control } = await startOnward(store);
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
      targets.push(ceilingTarget(server, control, store, session, summaryIds.get(engine)!));
      targets.push({
        name: `patient summary with timeline, ${engineName[engine]}`,
        kind: 'summary',
        engine,
        route: ROUTE.summary,
        expectedStatus: EXPECTED_STATUS.summary,
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
        route: ROUTE['no-audit'],
        expectedStatus: EXPECTED_STATUS['no-audit'],
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
        route: ROUTE.caseload,
        expectedStatus: EXPECTED_STATUS.caseload,
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
            // The caseload's own table: the home page also lists the first few follow-ups due above it.
            verifyBody: (body) =>
              body.includes('id="caseload"') && tableRows(body.slice(body.indexOf('id="caseload"'))) === 50,
          }),
      });
      const worklistRows = worklistPageRows(followUpQueries.find((q) => q.engine === engine)!);
      await checkPage(
        server.base,
        '/follow-ups',
        session.cookie,
        isWorklist(worklistRows),
        `the worklist with ${worklistRows} rows`,
      );
      targets.push({
        name: `follow-ups due (worklist, ${worklistRows} people), ${engineName[engine]}`,
        kind: 'follow-ups',
        engine,
        route: ROUTE['follow-ups'],
        expectedStatus: EXPECTED_STATUS['follow-ups'],
        control,
        databaseUrl,
        run: (connections, s) =>
          load({
            base: server.base,
            // The first page, the bench user's first liaison team (no ?team=): the one a practitioner opens.
            paths: ['/follow-ups'],
            seconds: s,
            connections,
            cookie: session.cookie,
            verifyBody: isWorklist(worklistRows),
          }),
      });
      targets.push({
        name: `save assessment draft, ${engineName[engine]}`,
        kind: 'save',
        engine,
        route: ROUTE.save,
        expectedStatus: EXPECTED_STATUS.save,
        control,
        databaseUrl,
        run: (connections, s) => saveLoad({ base: server.base, session, drafts, seconds: s, connections }),
        settle: (l) => {
          const { saved, unsettled } = l as SaveLoad;
          const tally = saveTally.get(engine) ?? { counted: 0, cutOff: 0 };
          saveTally.set(engine, { counted: tally.counted + saved, cutOff: tally.cutOff + unsettled.length });
          return resyncDrafts(server.base, session, unsettled);
        },
      });
    }

    rounds = await runRounds(targets, options, say);
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

  const result: ClinicalResult = {
    ...rounds!,
    options,
    engines,
    summaryStatements: (await countSummaryStatements()).statements,
    followUpQueries,
  };
  assertHealthy(result);
  return result;
}

async function checkPage(
  base: string,
  path: string,
  cookie: string,
  is: (body: string) => boolean,
  what: string,
): Promise<void> {
  const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
  const body = await response.text();
  if (response.status !== 200 || !is(body)) {
    throw new Error(`GET ${path} answered ${response.status} without ${what}:\n${body.slice(0, 2000)}`);
  }
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

export function clinicalReport(r: ClinicalResult): string[] {
  const { options } = r;
  const sizes = r.engines
    .map((e) => `${engineName[e.engine]} ${whole(e.presentations)} presentations (${whole(e.patients)} patients)`)
    .join('; ');
  const tables = options.connections.flatMap((c) => [
    `**${c} connection${c === 1 ? '' : 's'}**${c === 1 ? ' (one request at a time: the cost of a request with no queue)' : ' (the server saturated: queueing included)'}`,
    '',
    ...roundsTable(r, c, { conflicts: true }),
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
  const serverTimes = (kind: Kind, engine: Engine) => {
    const i = r.targets.findIndex((t) => t.kind === kind && t.engine === engine);
    const rounds = i < 0 ? [] : r.measures[i]!.get(at)!;
    const med = (f: (m: (typeof rounds)[number]) => number) => median(rounds.map(f));
    return `${ms(med((m) => m.serverP50))}/${ms(med((m) => m.serverP95))} ms, ${whole(med((m) => m.rps))} req/s`;
  };
  const checks = r.engines.flatMap((e) => [
    `- ${engineName[e.engine]}, ${at} connections: the summary reaches **${ceilingRatio('summary', e.engine).toFixed(2)}** of the ceiling page's req/s (the aim: at least 0.5); without its audit row it is **×${auditCost(e.engine).toFixed(2)}** as fast (the aim: at most ×1.5).`,
    `- ${engineName[e.engine]}, ${at} connections: the follow-up worklist \`GET /follow-ups\` (server p50/p95 ${serverTimes('follow-ups', e.engine)}) reaches **${ceilingRatio('follow-ups', e.engine).toFixed(2)}** of the ceiling page's req/s (ceiling ${serverTimes('ceiling', e.engine)}).`,
  ]);
  return [
    '## Patient summary with timeline, and saving an assessment: server time beside a bare route and the ceiling page',
    '',
    ...checks,
    `- The summary runs **${r.summaryStatements} SQL statements** (counted where the database receives them, transaction control apart: \`node bench/statements.ts\`; the aim: at most 6).`,
    '',
    `${sizes}. autocannon (programmatic) in the benchmark process, no pipelining; ${options.warmupSeconds} s warm-up per target at`,
    `${Math.max(...options.connections)} connections, then ${options.rounds} round${options.rounds === 1 ? '' : 's'}; in each round, at each concurrency (${options.connections.join(', then ')} connection(s)), every`,
    `target for ${options.seconds} s in turn: bare, then on each engine the ceiling page, the summary, the summary without its audit row, the caseload,`,
    'the follow-up worklist and save. All servers are up throughout.',
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
    "  audit row. Above the caseload the home page also lists the team's first 5 follow-ups due (the worklist's statement for 6 rows, with",
    "  its own audit row) and the user's waiting care-plan input requests, if any. Every body is checked to hold 50 rows in the caseload's table.",
    `- **Follow-up worklist**: \`GET /follow-ups\` signed in as \`${USERNAME}\`: the first page (50 of the team's 48-hour follow-ups still due,`,
    '  most overdue first) of their first liaison team: the session with its teams; the page in one statement (keyset-paged; the',
    "  partial index `follow_ups_team_due` holds only clocks still due), each row's person, safety plan, last attempt and clinic booking",
    `  read in it; one audit row. Every body is checked to be the worklist with as many rows as the team's worklist fills on its first page (${r.followUpQueries
      .map((q) => `${engineName[q.engine]}: ${worklistPageRows(q)} of ${whole(q.counts.teamWorklist)} due`)
      .join('; ')}).`,
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
    '',
    ...followUpQueriesReport(r.followUpQueries, options.queryRuns ?? 20),
  ];
}
