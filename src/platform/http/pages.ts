import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Queue } from '../../notify/queue.ts';
import type { Permission } from '../access/model.ts';
import type { SignedInUser } from '../auth/model.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/schema.ts';
import { Invalid } from '../errors.ts';
import { fieldIssues } from '../forms.ts';

// A route cannot exist without its permission and its audit name: every page and endpoint is
// declared through definePage, and the server refuses to start if any route skipped it.

/** `queue` carries durable work (messages to send) out of a request: see src/notify/queue.ts. */
export type Deps = { db: Db; clock: Clock; config: Config; queue: Queue };

/** What a service needs to act for a person: who they are, and the audit name of what they asked. */
export type Actor = Deps & { user: SignedInUser; action: string };

export type PageHandler = (request: FastifyRequest, reply: FastifyReply, deps: Deps) => Promise<unknown>;

export type Page = {
  method: 'GET' | 'POST';
  url: string;
  permission: Permission;
  /** The action name written to the audit trail for what this route does, e.g. "patient.read". */
  audit: string;
  /** Sign-in is rate limited per client address, at the configured attempts a minute. */
  rateLimit?: 'sign-in';
  /** Forms that carry long clinical prose may send more than the default limit. */
  bodyLimit?: number;
  /**
   * A form that uploads one file (multipart/form-data): the file arrives as the text of its named
   * field, at most `maxBytes`. Every other page takes no file at all.
   */
  upload?: { maxBytes: number };
  /**
   * The query parameters the page reads, parsed as strictly as a form. A page that declares none
   * sees an empty query; parameters it does not declare are never handed to it.
   */
  query?: z.ZodType<Record<string, unknown>>;
  handler: PageHandler;
};

export const definePage = (page: Page): Page => page;

export type RouteGuard = { permission: Permission; audit: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
    audit?: string;
    /** The query parameters the page declares, so the bad-input matrix can send each one. */
    queryKeys?: string[];
  }
}

/** Prefixes served by the platform's static file routes, which need neither permission nor audit. */
export const staticPrefixes = ['/assets/', '/static/'] as const;

export type RouteEntry = { method: string; url: string; permission: Permission; audit: string; query: string[] };

/**
 * Refuse any route without a permission and an audit name, and list the ones that have them:
 * the role × route test walks this list, so it covers every route the server really serves.
 */
export function refuseUnguardedRoutes(app: FastifyInstance): RouteEntry[] {
  const registry: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const config = route.config as { permission?: unknown; audit?: unknown; queryKeys?: string[] } | undefined;
    const isStatic = staticPrefixes.some((p) => route.url.startsWith(p));
    if (route.method === 'HEAD' || isStatic) return;
    if (typeof config?.permission !== 'string' || typeof config?.audit !== 'string' || config.audit === '') {
      throw new Error(
        `Route ${String(route.method)} ${route.url} has no permission or audit name: register it with definePage.`,
      );
    }
    registry.push({
      method: String(route.method),
      url: route.url,
      permission: config.permission as Permission,
      audit: config.audit,
      query: config.queryKeys ?? [],
    });
  });
  return registry;
}

/** Every page in the product, so the role × route test can list them from the same registry. */
export function registerPages(app: FastifyInstance, deps: Deps, pages: readonly Page[]): void {
  for (const page of pages) {
    app.route({
      method: page.method,
      url: page.url,
      config: {
        permission: page.permission,
        audit: page.audit,
        queryKeys: page.query ? Object.keys((page.query as unknown as { shape?: object }).shape ?? {}) : [],
        ...(page.rateLimit ? { rateLimit: { max: deps.config.signInRateLimit, timeWindow: 60_000 } } : {}),
        ...(page.upload ? { multipartOptions: { limits: { files: 1, fileSize: page.upload.maxBytes } } } : {}),
      },
      ...(page.bodyLimit ? { bodyLimit: page.bodyLimit } : {}),
      handler: (request, reply) => {
        request.query = parseQuery(page, request.query);
        return page.handler(request, reply, deps);
      },
    });
  }
}

function parseQuery(page: Page, query: unknown): Record<string, unknown> {
  if (!page.query) return {};
  const parsed = page.query.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  throw new Invalid(fieldIssues(parsed.error), 'The web address has a problem', 'bad-query');
}

/** The query a page declared, as its schema typed it. */
export function queryOf<S extends z.ZodType<Record<string, unknown>>>(request: FastifyRequest, _schema: S): z.infer<S> {
  return request.query as z.infer<S>;
}

export function actor(request: FastifyRequest, deps: Deps): Actor {
  const user = request.user;
  if (!user) throw new Error('actor() called on a route that does not require sign-in');
  return { ...deps, user, action: request.routeOptions.config.audit ?? 'unknown' };
}
