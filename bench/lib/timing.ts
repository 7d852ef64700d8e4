import { createServer, type Server } from 'node:http';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { percentile } from './stats.ts';

// Server time, measured inside the server: Fastify's reply.elapsedTime for each response (from the
// moment Fastify routes the request, before any hook, to the last byte handed to the socket), kept per
// route and read between rounds over a small control port, so the load generator's own CPU and the
// client's view of queueing are not in it. The same hook goes into the bare route's server and into
// Onward's, so both are measured alike.

/** The environment variable that turns the recording on in a benchmark server, naming the control port. */
export const CONTROL_PORT = 'BENCH_CONTROL_PORT';

export type RouteTimes = {
  count: number;
  statuses: Record<string, number>;
  /** Milliseconds. */
  p50: number;
  p95: number;
  p99: number;
  mean: number;
};

export type Taken = {
  /** Keyed by "METHOD /route/:pattern". */
  routes: Record<string, RouteTimes>;
  /** Since the previous take: wall time, the server process's CPU time and event-loop utilisation. */
  wallMs: number;
  cpuMs: number;
  eventLoopUtilisation: number;
};

class Series {
  values = new Float64Array(1024);
  length = 0;
  statuses: Record<string, number> = {};
  push(ms: number, status: number) {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = ms;
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
  }
  summary(): RouteTimes {
    const sorted = this.values.subarray(0, this.length).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      count: this.length,
      statuses: this.statuses,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      mean: this.length ? sum / this.length : Number.NaN,
    };
  }
}

/**
 * Record every response's server time on `app` (before it listens) and answer on the control port:
 * GET /take gives the figures since the last take and starts afresh; GET /in-flight how many requests
 * the server has not finished (a load generator that stops leaves some running).
 */
export async function recordServerTimes(app: FastifyInstance, controlPort: number): Promise<Server> {
  let series = new Map<string, Series>();
  let inFlight = 0;
  let since = performance.now();
  let cpu = process.cpuUsage();
  let elu: EventLoopUtilization = performance.eventLoopUtilization();

  app.addHook('onResponse', async (request, reply) => {
    const key = `${request.method} ${request.routeOptions.url ?? 'unmatched'}`;
    let s = series.get(key);
    if (!s) {
      s = new Series();
      series.set(key, s);
    }
    s.push(reply.elapsedTime, reply.statusCode);
  });
  // Counted at the HTTP server, before Fastify's first hook, and until the socket is done with the
  // response (or the client went away): nothing is missed that a drain should wait for.
  app.server.on('request', (_request, response) => {
    inFlight++;
    response.once('close', () => inFlight--);
  });

  const control = createServer((request, response) => {
    let body: unknown;
    if (request.url === '/take') {
      const taken: Taken = {
        routes: Object.fromEntries([...series].map(([k, s]) => [k, s.summary()])),
        wallMs: performance.now() - since,
        cpuMs: (() => {
          const used = process.cpuUsage(cpu);
          return (used.user + used.system) / 1000;
        })(),
        eventLoopUtilisation: performance.eventLoopUtilization(elu).utilization,
      };
      series = new Map();
      since = performance.now();
      cpu = process.cpuUsage();
      elu = performance.eventLoopUtilization();
      body = taken;
    } else if (request.url === '/in-flight') {
      body = { inFlight };
    } else {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => control.listen(controlPort, '127.0.0.1', resolve));
  app.addHook('onClose', async () => {
    await new Promise((resolve) => control.close(resolve));
  });
  return control;
}

/** The server's figures since the last take (and a fresh start for the next). */
export async function takeServerTimes(controlBase: string): Promise<Taken> {
  const response = await fetch(`${controlBase}/take`);
  if (!response.ok) throw new Error(`GET ${controlBase}/take answered ${response.status}`);
  return (await response.json()) as Taken;
}

/** Wait until the server has finished every request it started (after a load generator stops mid-request). */
export async function drain(controlBase: string, timeoutMs = 60_000): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const { inFlight } = (await (await fetch(`${controlBase}/in-flight`)).json()) as { inFlight: number };
    if (inFlight === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${controlBase}: requests still in flight after ${timeoutMs} ms`);
}
