import { z } from 'zod';
import { errorList, text } from '../forms.ts';
import { sessionCookieName } from '../http/app.ts';
import { definePage, type Page, queryOf } from '../http/pages.ts';
import { parseSignIn } from './forms.ts';
import { signInWithPassword, signOut } from './service.ts';

const endedMessages = {
  idle: 'You were signed out because you had not used Onward for 30 minutes. Nothing you had saved has been lost.',
  expired: 'You were signed out because you have been signed in for 12 hours. Sign in again to continue.',
  'signed-out': 'You have signed out.',
} as const;

const signInQuery = z.object({
  ended: z
    .enum(['idle', 'expired', 'signed-out'], {
      message: 'The link names a reason for signing out that Onward does not know',
    })
    .optional(),
});

export const authPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/sign-in',
    permission: 'public',
    audit: 'session.sign-in-page',
    query: signInQuery,
    handler: async (request, reply) => {
      if (request.user) return reply.redirect('/', 303);
      const { ended } = queryOf(request, signInQuery);
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
    rateLimit: 'sign-in',
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
        // Unknown, locked and wrong look the same: the account's owner hears about a lock at
        // their next sign-in, not whoever is at the keyboard now.
        const message =
          result.reason === 'disabled'
            ? 'This account has been disabled. Ask your team manager or administrator.'
            : 'The username or password is not right. Check them and try again. After 5 wrong attempts an account is locked for 15 minutes.';
        const issues = { username: message };
        return reply.code(401).page('platform/auth/views/sign-in.njk', {
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
      return reply.redirect(result.wasLocked ? '/?notice=account-was-locked' : '/', 303);
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
