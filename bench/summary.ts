import { join } from 'node:path';
import { type Caseload, readCaseload, summaryReadsAudited, USERNAME } from './lib/caseload.ts';
import { onwardBin } from './lib/env.ts';
import { latency, table, whole } from './lib/format.ts';
import { CONNECTIONS, type Load, load } from './lib/load.ts';
import { runCommand, type Server, startServer } from './lib/processes.ts';
import { signIn } from './lib/signin.ts';
import { median, percentile } from './lib/stats.ts';
import { type Engine, engineName, type Store } from './lib/stores.ts';

// Requests per second of the patient summary page, signed in as a practitioner, against a bare Fastify
// route measured in the same run. All servers run at once and are loaded in turn, round after round, so
// each round's ratio compares figures taken a few seconds apart on this shared machine.

export type SummaryOptions = { seconds: number; warmupSeconds: number; rounds: number; ids: number };

type Target = {
  name: string;
  base: string;
  paths: string[];
  cookie?: string;
  verifyBody?: (body: string) => boolean;
};

export type TargetResult = {
  name: string;
  engine: Engine | undefined;
  rounds: Load[];
  /** Each round's req/s divided by the bare route's in the same round. */
  ratios: number[];
  warmupResponses: number;
  audited?: { rows: number; verified: number };
};

export type SummaryResult = {
  options: SummaryOptions;
  caseloads: Map<Engine, Caseload>;
  targets: TargetResult[];
};

// What a real summary page has and an error or sign-in page does not.
const isSummaryPage = (body: string) => body.includes('Patient summary') && body.includes('NHS number');

export async function benchSummary(
  stores: readonly Store[],
  options: SummaryOptions,
  say: (line: string) => void,
): Promise<SummaryResult> {
  const caseloads = new Map<Engine, Caseload>();
  const auditedBefore = new Map<Engine, number>();
  for (const store of stores) {
    await store.read(async (query) => {
      caseloads.set(store.engine, await readCaseload(query, options.ids));
      auditedBefore.set(store.engine, await summaryReadsAudited(query));
    });
    const c = caseloads.get(store.engine)!;
    if (c.ids.length === 0) throw new Error(`${store.engine}: ${USERNAME}'s teams care for nobody`);
    say(`  ${store.engine}: ${whole(c.patients)} patients, ${whole(c.caredFor)} cared for by ${c.teams.join(', ')}`);
  }

  const servers: Server[] = [];
  const results: TargetResult[] = [];
  try {
    const bare = await startServer([join(import.meta.dirname, 'bare.ts')], {}, '/bare');
    servers.push(bare);
    const targets: (Target & { engine?: Engine })[] = [
      { name: 'bare Fastify route', base: bare.base, paths: ['/bare'] },
    ];
    for (const store of stores) {
      const server = await startServer([onwardBin, 'serve'], { ...store.settings, SEED_DEMO: 'false' });
      servers.push(server);
      const cookie = await signIn(server.base, USERNAME);
      const paths = caseloads.get(store.engine)!.ids.map((id) => `/patients/${id}`);
      await checkOnePage(server.base, paths[0]!, cookie);
      targets.push({
        name: `patient summary, ${engineName[store.engine]}`,
        engine: store.engine,
        base: server.base,
        paths,
        cookie,
        verifyBody: isSummaryPage,
      });
    }

    for (const target of targets) {
      const warm = await load({ ...target, seconds: options.warmupSeconds });
      results.push({
        name: target.name,
        engine: target.engine,
        rounds: [],
        ratios: [],
        warmupResponses: okCount(warm),
      });
    }
    for (let round = 1; round <= options.rounds; round++) {
      const loads: Load[] = [];
      for (const target of targets) loads.push(await load({ ...target, seconds: options.seconds }));
      loads.forEach((l, i) => {
        results[i]!.rounds.push(l);
        results[i]!.ratios.push(l.rps / loads[0]!.rps);
      });
      say(
        `  round ${round}/${options.rounds}: ${loads.map((l, i) => `${targets[i]!.name} ${whole(l.rps)} req/s`).join(', ')}`,
      );
    }
  } finally {
    for (const server of servers) await server.stop();
  }

  // Every page served must have left its audit row, and the hash chain must still verify after 32
  // connections appended to it at once.
  for (const store of stores) {
    const result = results.find((r) => r.engine === store.engine)!;
    const rows = (await store.read(summaryReadsAudited)) - auditedBefore.get(store.engine)!;
    const verify = await runCommand([onwardBin, 'audit', 'verify'], store.settings);
    const verified = Number(/intact: (\d+) entries/.exec(verify.output)?.[1] ?? Number.NaN);
    result.audited = { rows, verified };
  }
  for (const r of results) assertHealthy(r);
  return { options, caseloads, targets: results };
}

/** One page by hand before the load: a wrong cookie or id fails here, clearly, not as 10 s of errors. */
async function checkOnePage(base: string, path: string, cookie: string): Promise<void> {
  const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
  const body = await response.text();
  if (response.status !== 200 || !isSummaryPage(body)) {
    throw new Error(`GET ${path} answered ${response.status} without the summary page:\n${body.slice(0, 2000)}`);
  }
}

const okCount = (l: Load) => l.responses - l.non2xx;

/** Summary pages answered 2xx: the one checked by hand, the warm-up and the rounds. */
const pagesServed = (r: TargetResult) => 1 + r.warmupResponses + r.rounds.reduce((n, l) => n + okCount(l), 0);

function assertHealthy(r: TargetResult): void {
  const sum = (f: (l: Load) => number) => r.rounds.reduce((n, l) => n + f(l), 0);
  const responses = sum((l) => l.responses);
  const bad = sum((l) => l.non2xx + l.mismatches + l.errors + l.timeouts);
  // A handful of errors can come from connections cut when a run ends; more means we measured error pages.
  if (bad > Math.max(10, responses * 0.001)) {
    throw new Error(`${r.name}: ${bad} of ${responses} requests failed, answered non-2xx or were not the page`);
  }
  if (r.audited) {
    const served = pagesServed(r);
    // Each autocannon run ends with up to one request in flight per connection: served, audited, not counted.
    const cutOff = CONNECTIONS * (r.rounds.length + 1);
    if (r.audited.rows < served || r.audited.rows > served + cutOff) {
      throw new Error(`${r.name}: ${served} pages served but ${r.audited.rows} audit rows written`);
    }
    if (!Number.isFinite(r.audited.verified)) throw new Error(`${r.name}: the audit chain did not verify`);
  }
}

export function summaryReport(s: SummaryResult): string[] {
  const { options } = s;
  const rows = s.targets.map((t) => {
    const sorted = t.rounds.flatMap((l) => l.latencies).sort((a, b) => a - b);
    const rps = t.rounds.map((l) => l.rps);
    const sum = (f: (l: Load) => number) => whole(t.rounds.reduce((n, l) => n + f(l), 0));
    return [
      t.name,
      `${whole(median(rps))} (${whole(Math.min(...rps))}–${whole(Math.max(...rps))})`,
      `${median(t.ratios).toFixed(4)} (1/${whole(1 / median(t.ratios))})`,
      latency(percentile(sorted, 50)),
      latency(percentile(sorted, 97.5)),
      latency(percentile(sorted, 99)),
      sum((l) => l.responses),
      sum((l) => l.non2xx + l.errors + l.timeouts + l.mismatches),
    ];
  });
  const audit = s.targets
    .filter((t) => t.audited)
    .map(
      (t) =>
        `${t.name}: ${whole(t.audited!.rows)} \`patient.read\` audit rows written for ${whole(pagesServed(t))} pages counted (warm-up included; the rest were in flight when autocannon stopped); \`onward audit verify\` afterwards: chain intact, ${whole(t.audited!.verified)} entries.`,
    );
  const caseloads = [...s.caseloads].map(
    ([engine, c]) =>
      `${engineName[engine]}: ${whole(c.patients)} patients, of whom ${whole(c.caredFor)} (${((100 * c.caredFor) / c.patients).toFixed(1)}%) are cared for by ${c.teams.join(', ')}.`,
  );
  return [
    '## Patient summary page against a bare Fastify route',
    '',
    `autocannon (programmatic), ${CONNECTIONS} connections, no pipelining, ${options.warmupSeconds} s warm-up per target, then`,
    `${options.rounds} rounds of ${options.seconds} s per target in turn (bare, PGlite, PostgreSQL, bare, …) with all three servers`,
    'up. The load generator runs in the benchmark process on the same 2 cores as the server it loads.',
    '',
    `- Bare: \`Fastify().get('/bare', () => ({ ok: true }))\` in its own Node process (bench/bare.ts).`,
    `- Summary: \`node bin/onward.js serve\` (LOG_LEVEL=silent, SEED_DEMO=false, defaults otherwise: pool of 10 on PostgreSQL)`,
    `  on the stores seeded above, signed in as \`${USERNAME}\` through the sign-in form (CSRF token and cookie), visiting`,
    `  \`GET /patients/<id>\` round-robin over ${whole(options.ids)} patients their team cares for (ordered by id, so spread over the table).`,
    '- Each summary request resumes the session, checks the care relationship, reads the patient, their teams and',
    '  timeline, appends one hash-chained audit row (serialised by a transaction-scoped advisory lock: one audit',
    '  writer at a time) and renders the page with the NHS.UK frontend macros. Every body is checked to be the summary page.',
    '',
    'req/s: median of the rounds (min–max). Ratio: median over rounds of summary req/s ÷ bare req/s in the same round.',
    'Latency (ms): every response of all rounds, measured by autocannon from request written to response complete.',
    '',
    ...table(
      ['route', 'req/s', 'ratio to bare', 'p50', 'p97.5', 'p99', 'responses', 'non-2xx, errors, wrong page'],
      rows,
    ),
    '',
    ...caseloads.map((line) => `- ${line}`),
    ...audit.map((line) => `- ${line}`),
  ];
}
