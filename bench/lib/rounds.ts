import { join } from 'node:path';
import type { SaveLoad } from './assessment.ts';
import { latency, ms, ratio, table, whole } from './format.ts';
import { type Load, load } from './load.ts';
import { sampleBackendCpu } from './pgcpu.ts';
import { freePort, type Server, startServer } from './processes.ts';
import type { FormSession } from './signin.ts';
import { median, percentile } from './stats.ts';
import { type Engine, engineName, type Store } from './stores.ts';
import { CONTROL_PORT, drain, type Taken, takeServerTimes } from './timing.ts';

// Server-timed rounds, shared by the benchmarks that put Onward's pages beside a bare Fastify route
// and the ceiling page (bench/clinical.ts, bench/front-door.ts): the servers, the targets, one
// measured run (server times taken inside the server, bench/lib/timing.ts; client figures from
// autocannon; PostgreSQL backends' CPU sampled), the warm-up and rounds, the ratios and the table.
// Targets are loaded in turn, round after round, at each concurrency, so a slow spell of this shared
// machine falls on all of them alike.

export type Target<K extends string = string> = {
  name: string;
  kind: K;
  engine?: Engine;
  /** The route as the server's timing names it: "METHOD /pattern/:param". */
  route: string;
  /** The status every response should have (200, or 303 for a save). */
  expectedStatus: number;
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

export type RoundOptions = {
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  /** Concurrent connections, each level measured in every round (e.g. 1 and 32). */
  connections: number[];
};

/** measures[target][connections] = one Measure per round; ratios alike, per round. */
export type Rounds<K extends string = string> = {
  targets: { name: string; kind: K; engine?: Engine }[];
  measures: Map<number, Measure[]>[];
  /** req/s ÷ bare req/s, per round. */
  ratios: Map<number, number[]>[];
  /** server p50 ÷ bare server p50, per round. */
  serverRatios: Map<number, number[]>[];
  /** req/s ÷ the same engine's ceiling page req/s, per round. */
  ceilingRatios: Map<number, number[]>[];
  /** warmups[target]: the warm-up run, measured like the others but in no figure (what it served counts). */
  warmups?: Measure[];
};

/** The yardstick (bench/bare.ts) in its own process, and its target: `kind` 'bare'. */
export async function startBare(): Promise<{ server: Server; target: Target<'bare'> }> {
  const bareControl = await freePort();
  const server = await startServer(
    [join(import.meta.dirname, '..', 'bare.ts')],
    { [CONTROL_PORT]: String(bareControl) },
    '/bare',
  );
  return {
    server,
    target: {
      name: 'bare Fastify route',
      kind: 'bare',
      route: 'GET /bare',
      expectedStatus: 200,
      control: `http://127.0.0.1:${bareControl}`,
      run: (connections, s) => load({ base: server.base, paths: ['/bare'], seconds: s, connections }),
    },
  };
}

/** Onward on a seeded store (bench/clinical-server.ts: `onward serve` plus timing and the ceiling page). */
export async function startOnward(store: Store): Promise<{ server: Server; control: string }> {
  const controlPort = await freePort();
  const server = await startServer([join(import.meta.dirname, '..', 'clinical-server.ts')], {
    ...store.settings,
    SEED_DEMO: 'false',
    [CONTROL_PORT]: String(controlPort),
  });
  return { server, control: `http://127.0.0.1:${controlPort}` };
}

/** The ceiling page of one engine's server, round-robin over patients the session may read. */
export function ceilingTarget(
  server: Server,
  control: string,
  store: Store,
  session: FormSession,
  patientIds: readonly string[],
): Target<'ceiling'> {
  return {
    name: `ceiling page, ${engineName[store.engine]}`,
    kind: 'ceiling',
    engine: store.engine,
    route: 'GET /bench/ceiling/:patientId',
    expectedStatus: 200,
    control,
    databaseUrl: store.settings.DATABASE_URL,
    run: (connections, s) =>
      load({
        base: server.base,
        paths: patientIds.map((id) => `/bench/ceiling/${id}`),
        seconds: s,
        connections,
        cookie: session.cookie,
        verifyBody: (body) => body.includes('Sixty rows'),
      }),
  };
}

/** One measured run of a target: the server's figures are taken after it has finished every request. */
export async function runOnce(target: Target, connections: number, s: number): Promise<Measure> {
  await takeServerTimes(target.control); // a fresh start: nothing from before this run
  const cpu = target.databaseUrl ? await sampleBackendCpu(target.databaseUrl) : undefined;
  const l = await target.run(connections, s);
  await drain(target.control);
  const postgresCpuMs = await cpu?.stop();
  const taken: Taken = await takeServerTimes(target.control);
  await target.settle?.(l);
  return measureOf(target, l, taken, postgresCpuMs);
}

/** A warm-up of every target at the highest concurrency, then the rounds; then the ratios, checked healthy. */
export async function runRounds<K extends string>(
  targets: readonly Target<K>[],
  options: RoundOptions,
  say: (line: string) => void,
): Promise<Rounds<K>> {
  const maxConnections = Math.max(...options.connections);
  const measures: Map<number, Measure[]>[] = targets.map(() => new Map(options.connections.map((c) => [c, []])));
  const warmups: Measure[] = [];
  for (const target of targets) {
    warmups.push(await runOnce(target, maxConnections, options.warmupSeconds));
    say(`  warmed up: ${target.name}`);
  }
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
  return { ...ratiosOf(targets, measures), warmups };
}

/** Ratios per round against the bare route (the first target) and the same engine's ceiling page. */
export function ratiosOf<K extends string>(
  targets: readonly Target<K>[],
  measures: Map<number, Measure[]>[],
): Rounds<K> {
  const bareAt = targets.findIndex((t) => t.kind === 'bare');
  const ratiosBy = (f: (m: Measure, bare: Measure) => number) =>
    measures.map((byConnections) => {
      const out = new Map<number, number[]>();
      for (const [c, rounds] of byConnections)
        out.set(
          c,
          rounds.map((m, r) => f(m, measures[bareAt]!.get(c)![r]!)),
        );
      return out;
    });
  const ceilingOf = (engine: Engine | undefined) =>
    targets.findIndex((t) => t.kind === 'ceiling' && t.engine === engine);
  return {
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
  };
}

function measureOf(target: Target, l: Load | SaveLoad, taken: Taken, postgresCpuMs: number | undefined): Measure {
  const route = taken.routes[target.route];
  if (!route || route.count === 0) {
    const timed = Object.entries(taken.routes).map(([k, t]) => `${k} ${JSON.stringify(t.statuses)}`);
    throw new Error(
      `${target.name}: the server timed no ${target.route} (it timed: ${timed.join('; ') || 'nothing'}; the client had ${l.responses} responses, ${l.errors} errors, ${l.timeouts} timeouts)`,
    );
  }
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
      (n, [status, c]) => (Number(status) === target.expectedStatus ? n : n + c),
      0,
    ),
    nodeCpuMsPerRequest: taken.cpuMs / route.count,
    postgresCpuMsPerRequest: postgresCpuMs === undefined ? undefined : postgresCpuMs / route.count,
    eventLoopUtilisation: taken.eventLoopUtilisation,
  };
}

/** Throws if a target's rounds answered more than a handful of errors: then we measured error pages. */
export function assertHealthy(r: Pick<Rounds, 'targets' | 'measures'>): void {
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

/**
 * Every target at one concurrency: medians over the rounds (req/s also min–max). With `conflicts`
 * the last column counts saves refused as stale (409) beside the failures.
 */
export function roundsTable(r: Rounds, c: number, options: { conflicts: boolean }): string[] {
  return table(
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
      options.conflicts ? 'failed, 409' : 'failed',
    ],
    r.targets.map((t, i) => {
      const rounds = r.measures[i]!.get(c)!;
      const med = (f: (m: Measure) => number) => median(rounds.map(f));
      const rps = rounds.map((m) => m.rps);
      const pgCpu =
        rounds[0]?.postgresCpuMsPerRequest === undefined ? undefined : med((m) => m.postgresCpuMsPerRequest!);
      const failed = whole(rounds.reduce((n, m) => n + m.failures, 0));
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
        options.conflicts ? `${failed}, ${whole(rounds.reduce((n, m) => n + m.conflicts, 0))}` : failed,
      ];
    }),
  );
}
