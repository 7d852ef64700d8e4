import { type Discipline, disciplineNames, type Role, roleNames } from '#platform/access/model.ts';
import { showDateTime } from '#platform/clock.ts';
import { actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { pageQuery } from '#platform/worklist.ts';
import { accountsPage } from './service.ts';

export const teamPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/admin/accounts',
    permission: 'admin:accounts',
    audit: 'accounts.list',
    query: pageQuery,
    handler: async (request, reply, deps) => {
      const { after } = queryOf(request, pageQuery);
      const page = await accountsPage(actor(request, deps), after);
      const accounts = page.items;
      const now = deps.clock.now();
      const status = (a: (typeof accounts)[number]) =>
        a.disabled
          ? 'Disabled'
          : a.lockedUntil && a.lockedUntil > now
            ? `Locked until ${showDateTime(a.lockedUntil)} (5 wrong passwords)`
            : 'Active';
      return reply.page('teams/views/accounts.njk', {
        title: 'Accounts',
        columns: 'full',
        rows: accounts.map((a) => [
          a.username,
          a.displayName,
          roleNames[a.role as Role] ?? a.role,
          a.discipline ? (disciplineNames[a.discipline as Discipline] ?? a.discipline) : '',
          a.teams,
          status(a),
        ]),
        next: page.next,
        after,
        href: '/admin/accounts',
      });
    },
  }),
];
