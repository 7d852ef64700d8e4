import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Queue } from '../../notify/queue.ts';
import { may, roleNames } from '../access/model.ts';
import { unseenCount } from '../alerts/store.ts';
import { appendAudit } from '../audit/store.ts';
import type { SignedInUser } from '../auth/model.ts';
import { resumeSession } from '../auth/service.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/schema.ts';
import { asCatalogued, Forbidden, Invalid, OnwardError } from '../errors.ts';
import { makeMetrics } from '../ops/metrics.ts';
import { makeRenderer, nhsukDist, sourceRoot } from '../views/render.ts';
import { canonicalId, cleanInput } from './input.ts';
import { navigationFor } from './navigation.ts';
import { type Deps, type Page, type RouteEntry, refuseUnguardedRoutes, registerPages } from './pages.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: SignedInUser | null;
  }
  interface FastifyInstance {
    routeRegistry: RouteEntry[];
  }
  interface FastifyReply {
    page(template: string, context?: Record<string, unknown>): FastifyReply;
  }
}

export const BODY_LIMIT = 64 * 1024;

export type AppOptions = {
  db: Db;
  queue: Queue;
  clock: Clock;
  config: Config;
  pages: readonly Page[];
  /** Checks the database answers, for /readyz. */
  ready?: () => Promise<void>;
};

export function sessionCookieName(config: Config): string {
  // __Host- binds the cookie to this exact origin, but browsers accept it only over HTTPS.
  return config.cookieSecure ? '__Host-onward-session' : 'onward-session';
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { db, clock, config, queue } = options;
  const deps: Deps = { db, clock, config, queue };
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            // No patient identifiers in logs: requests are logged by route pattern, never by URL.
            serializers: {
              req: (req) => ({ method: req.method, route: req.routeOptions?.url }),
              res: (res) => ({ statusCode: res.statusCode }),
            },
          },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // Only proxies named in configuration may set the client address; otherwise anyone could
    // dodge the sign-in rate limit by sending a different X-Forwarded-For each time.
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    return503OnClosing: true,
  });
  const routes = refuseUnguardedRoutes(app);
  app.decorate('routeRegistry', routes);
  const renderer = makeRenderer();
  const metrics = makeMetrics();

  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'https://assets.nhs.uk'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(config.cookieSecure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: config.cookieSecure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(fastifyFormbody);
  // Multipart forms read like any other: fields as strings, a file as the text it holds (a page that
  // takes a file says how big, `upload` in pages.ts; everywhere else no file is taken at all).
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    limits: { files: 0, fileSize: 0, fields: 100, fieldSize: BODY_LIMIT, parts: 101 },
    onFile: async (part) => {
      (part as unknown as { value: string }).value = (await part.toBuffer()).toString('utf8');
    },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    cookieKey: config.cookieSecure ? '__Host-onward-csrf' : 'onward-csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.cookieSecure },
    // The token is bound to the session, so a token from one person's page is useless in another's.
    getUserInfo: (request: FastifyRequest) => request.user?.sessionId ?? 'signed-out',
    csrfOpts: { hmacKey: config.sessionSecret ?? randomBytes(32).toString('hex') },
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyStatic, {
    root: join(nhsukDist, 'nhsuk', 'assets'),
    prefix: '/assets/',
    index: false,
  });
  await app.register(fastifyStatic, {
    root: [join(nhsukDist, 'nhsuk'), join(sourceRoot, 'platform', 'views', 'static')],
    prefix: '/static/',
    allowedPath: (path) => /^\/(nhsuk-frontend\.min\.(css|js)(\.map)?|onward\.(js|css))$/.test(path),
    decorateReply: false,
    index: false,
  });

  app.decorateRequest('user', null);
  app.decorateReply('page', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const request = this.request;
    const user = request.user;
    const html = renderer.render(template, {
      ...context,
      user: user && { ...user, roleName: roleNames[user.role] },
      alertCount: (request as FastifyRequest & { alertCount?: number }).alertCount,
      navigation: navigationFor(user, request.routeOptions.url),
      csrfToken: this.generateCsrf({ userInfo: user?.sessionId ?? 'signed-out' }),
      cspNonce: (this as unknown as { cspNonce: { script: string } }).cspNonce?.script,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });

  // Who is asking: a valid session cookie names a user, and an ended one is cleared.
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[sessionCookieName(config)];
    if (!token || staticRoute(request)) return;
    const resumed = await resumeSession({ db, clock, passwordHashCost: config.passwordHashCost }, token);
    if (resumed.ok) request.user = resumed.user;
    else {
      reply.clearCookie(sessionCookieName(config), { path: '/' });
      if (resumed.reason === 'idle' || resumed.reason === 'expired') {
        (request as FastifyRequest & { sessionEnded?: string }).sessionEnded = resumed.reason;
      }
    }
  });

  // One boundary: every string a request carries is made storable before any handler reads it.
  app.addHook('preValidation', async (request) => {
    request.body = cleanInput(request.body);
    request.query = cleanInput(request.query);
    request.params = cleanInput(request.params);
  });

  // The permission on the route, then the CSRF token on anything that changes state.
  app.addHook('preHandler', async (request, reply) => {
    const permission = request.routeOptions.config.permission;
    // The header of every page a signed-in person sees counts their unseen alerts.
    if (request.user)
      (request as FastifyRequest & { alertCount?: number }).alertCount = await unseenCount(db, request.user.id);
    if (!permission || permission === 'public') return checkCsrf(request, reply);
    // A caller with its own token, not a browser: no session, no form token; the handler checks the token.
    if (permission === 'bearer') return;
    if (!request.user) {
      const ended = (request as FastifyRequest & { sessionEnded?: string }).sessionEnded;
      if (request.method === 'GET') {
        return reply.redirect(ended ? `/sign-in?ended=${ended === 'idle' ? 'idle' : 'expired'}` : '/sign-in', 303);
      }
      return reply.code(401).page('platform/views/error.njk', {
        title: ended ? 'Your session has ended' : 'Sign in to continue',
        lines: ['Nothing you sent has been saved. Sign in again, then try again.'],
        status: 401,
      });
    }
    if (!may(request.user.role, permission)) {
      await auditRefusal(request, 'role-lacks-permission');
      throw new Forbidden();
    }
    return checkCsrf(request, reply);
  });

  function checkCsrf(request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    return new Promise((resolve, reject) =>
      app.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve())),
    );
  }

  async function auditRefusal(request: FastifyRequest, reason: string): Promise<void> {
    const params = request.params as { patientId?: string } | undefined;
    await appendAudit(db, {
      at: clock.now(),
      userId: request.user?.id ?? null,
      role: request.user?.role ?? null,
      action: request.routeOptions.config.audit ?? 'unknown',
      patientId: canonicalId(params?.patientId),
      outcome: 'refused',
      detail: { reason },
    });
  }

  app.addHook('onSend', async (request, reply, payload) => {
    // Patient pages must not be kept by the browser or a proxy after sign-out.
    if (!staticRoute(request)) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (!staticRoute(request)) {
      request.log.info(
        { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
    }
  });

  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).page('platform/views/error.njk', {
      title: 'Page not found',
      lines: [
        'If you typed the web address, check it is correct.',
        'If you pasted the web address, check you copied the entire address.',
      ],
    }),
  );

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const page = errorPage(error, request.routeOptions.bodyLimit ?? BODY_LIMIT);
    if (page.status >= 500) request.log.error({ err: error, route: request.routeOptions.url }, 'unhandled error');
    else if (page.audit && request.routeOptions.config.permission !== 'public') {
      await auditRefusal(request, page.audit).catch((e) => request.log.error({ err: e }, 'audit of a refusal failed'));
    }
    if (page.status === 429) reply.header('Retry-After', '60');
    return reply.code(page.status).page('platform/views/error.njk', { ...page, status: page.status });
  });

  registerPages(app, deps, [...options.pages, ...metrics.pages(options.ready)]);
  return app;
}

type ErrorPage = { status: number; title: string; lines: string[]; code?: string; audit?: string };

/** What a person sees for each kind of failure: a clear sentence, never a stack trace. Chosen by code, not by wording. */
function errorPage(raw: Error & { statusCode?: number; code?: string }, bodyLimit: number): ErrorPage {
  const error = asCatalogued(raw);
  if (!(error instanceof OnwardError)) {
    return {
      status: 500,
      title: 'Sorry, there is a problem with the service',
      lines: [
        'Try again later. Nothing you had not already saved has been lost from the record.',
        'If the problem continues, contact your local IT service desk.',
      ],
    };
  }
  const page = { status: error.status, code: error.code };
  switch (error.code) {
    case 'csrf-invalid':
      return {
        ...page,
        title: 'This form has expired',
        lines: [
          'For your security, forms stop working after a while or after you sign in again. Nothing has been saved.',
          'Go back, reload the page and try again.',
        ],
        audit: 'csrf-token-invalid',
      };
    case 'too-large':
      return {
        ...page,
        title: 'What you sent is too large',
        lines: [
          bodyLimit >= 1024 * 1024
            ? `This form can send at most ${Math.round(bodyLimit / (1024 * 1024))} MB. Nothing has been saved or imported. Split the file and try again.`
            : `A form can send at most ${Math.round(bodyLimit / 1024)} KB. Nothing has been saved. Shorten the text and try again.`,
        ],
        audit: 'body-too-large',
      };
    case 'receipt-token':
      // A caller outside without the token it was given: refused, and the refusal kept.
      return { ...page, title: error.message, lines: [], audit: 'bearer-token-invalid' };
    case 'too-many-requests':
      return { ...page, title: 'Too many attempts', lines: ['Wait a minute, then try again.'], audit: 'rate-limited' };
    case 'bad-request':
      return {
        ...page,
        title: error.message,
        lines: ['Nothing has been saved. Go back and try again.'],
        audit: 'bad-request',
      };
  }
  if (error.status === 403) {
    return {
      ...page,
      title: 'You do not have access to this page',
      lines: [
        error.specific
          ? error.message
          : 'Your role or team does not allow it. If you think you should have access, speak to your team manager.',
      ],
    };
  }
  if (error.status === 404) return { ...page, title: 'Page not found', lines: [error.message] };
  if (error instanceof Invalid) {
    return {
      ...page,
      title: error.message,
      lines: [...new Set(Object.values(error.issues))].map((m) => `${m}.`.replace(/\.\.$/, '.')),
      audit: 'invalid-request',
    };
  }
  return { ...page, title: error.message, lines: [] };
}

function staticRoute(request: FastifyRequest): boolean {
  const url = request.routeOptions.url ?? '';
  return url.startsWith('/assets/') || url.startsWith('/static/');
}
