import { sql } from 'kysely';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { bearerMatches } from '../auth/bearer.ts';
import { NotFound, Unauthenticated } from '../errors.ts';
import { definePage, type Page } from '../http/pages.ts';

// A registry per app (not prom-client's global one) so tests can build many apps in one process.
export function makeMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'onward_http_requests_total',
    help: 'HTTP requests by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'onward_http_request_duration_seconds',
    help: 'Server time per request by route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  return {
    observe(method: string, route: string, status: number, seconds: number) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
    /** /healthz says the process answers; /readyz that it can reach its database; /metrics for Prometheus. */
    pages(ready?: () => Promise<void>): Page[] {
      return [
        definePage({
          method: 'GET',
          url: '/healthz',
          permission: 'public',
          audit: 'ops.health',
          handler: async (_request, reply) => reply.send({ status: 'ok' }),
        }),
        definePage({
          method: 'GET',
          url: '/readyz',
          permission: 'public',
          audit: 'ops.ready',
          handler: async (_request, reply, deps) => {
            try {
              if (ready) await ready();
              else await sql`SELECT 1`.execute(deps.db);
              return reply.send({ status: 'ready' });
            } catch {
              return reply.code(503).send({ status: 'not ready', reason: 'database unavailable' });
            }
          },
        }),
        definePage({
          method: 'GET',
          url: '/metrics',
          permission: 'public',
          audit: 'ops.metrics',
          handler: async (request, reply, deps) => {
            const metrics = deps.config.metrics;
            if (metrics === 'off') throw new NotFound();
            if (metrics !== 'open' && !bearerMatches(request.headers.authorization, metrics.token)) {
              reply.header('WWW-Authenticate', 'Bearer');
              throw new Unauthenticated('Metrics need the operator’s bearer token', 'metrics-token');
            }
            return reply.type(registry.contentType).send(await registry.metrics());
          },
        }),
      ];
    },
  };
}
