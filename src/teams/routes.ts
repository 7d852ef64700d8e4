import { type Discipline, disciplineNames, type Role, roleNames } from '#platform/access/model.ts';
import { definePage, type Page } from '#platform/http/pages.ts';
import { listAccounts } from './store.ts';

export const teamPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/admin/accounts',
    permission: 'admin:accounts',
    audit: 'accounts.list',
    handler: async (_request, reply, deps) => {
      const accounts = await listAccounts(deps.db, 500);
      return reply.page('teams/views/accounts.njk', {
        title: 'Accounts',
        columns: 'full',
        now: deps.clock.now(),
        accounts: accounts.map((a) => ({
          ...a,
          role: roleNames[a.role as Role] ?? a.role,
          discipline: a.discipline ? (disciplineNames[a.discipline as Discipline] ?? a.discipline) : '',
        })),
      });
    },
  }),
];
