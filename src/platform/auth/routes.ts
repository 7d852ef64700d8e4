import { errorList, text } from '../forms.ts';
import { sessionCookieName } from '../http/app.ts';
import { definePage, type Page } from '../http/pages.ts';
import { parseSignIn } from './forms.ts';
import { signInWithPassword, signOut } from './service.ts';

const endedMessages: Record<string, string> = {
  idle: 'You were signed out because you had not used Onward for 30 minutes. Nothing you had saved has been lost.',
  expired: 'You were signed out because you have been signed in for 12 hours. Sign in again to continue.',
  'signed-out': 'You have signed out.',
};

export const authPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/sign-in',
    permission: 'public',
    audit: 'session.sign-in-page',
    handler: async (request, reply) => {
      if (request.user) return reply.redirect('/', 303);
      const ended = (request.query as { ended?: string }).ended;
      return reply.page('platform/auth/views/sign-in.njk', {
        title: 'Sign in',
        notice: ended ? endedMessages[ended] : undefined,
        values: {},
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/sign-in',
    permission: 'public',
    audit: 'session.sign-in',
    rateLimit: { max: 10, timeWindow: 60_000 },
    handler: async (request, reply, deps) => {
      const form = parseSignIn(request.body);
      const username = text(request.body, 'username');
      if (!form.ok) {
        return reply.code(400).page('platform/auth/views/sign-in.njk', {
          title: 'Sign in',
          errors: form.issues,
          errorList: errorList(form.issues, ['username', 'password']),
          values: { username: username.slice(0, 100) },
        });
      }
      const cookieName = sessionCookieName(deps.config);
      const result = await signInWithPassword(
        { db: deps.db, clock: deps.clock, passwordHashCost: deps.config.passwordHashCost },
        {
          username: form.value.username.toLowerCase(),
          password: form.value.password,
          previousToken: request.cookies[cookieName],
        },
      );
      if (!result.ok) {
        const message =
          result.reason === 'locked'
            ? 'This account is locked for 15 minutes after too many attempts. Try again later or ask your team manager.'
            : result.reason === 'disabled'
              ? 'This account has been disabled. Ask your team manager or administrator.'
              : 'The username or password is not right. Check them and try again.';
        const issues = { username: message };
        return reply.code(result.reason === 'locked' ? 429 : 401).page('platform/auth/views/sign-in.njk', {
          title: 'Sign in',
          errors: issues,
          errorList: errorList(issues, ['username']),
          values: { username: form.value.username },
        });
      }
      reply.setCookie(cookieName, result.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.config.cookieSecure,
      });
      return reply.redirect('/', 303);
    },
  }),
  definePage({
    method: 'POST',
    url: '/sign-out',
    permission: 'signed-in',
    audit: 'session.sign-out',
    handler: async (request, reply, deps) => {
      if (request.user)
        await signOut({ db: deps.db, clock: deps.clock, passwordHashCost: deps.config.passwordHashCost }, request.user);
      reply.clearCookie(sessionCookieName(deps.config), { path: '/' });
      return reply.redirect('/sign-in?ended=signed-out', 303);
    },
  }),
];
