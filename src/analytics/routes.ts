import { actor, definePage, type Page } from '#platform/http/pages.ts';
import { imdQuintileNames, suppress } from './model.ts';
import { figuresFor } from './service.ts';

export const analyticsPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/figures',
    permission: 'figures:read',
    audit: 'figures.read',
    handler: async (request, reply, deps) => {
      const teams = await figuresFor(actor(request, deps));
      return reply.page('analytics/views/figures.njk', {
        title: 'Figures',
        columns: 'full',
        quintiles: imdQuintileNames,
        rows: teams.map((t) => ({
          team: `${t.teamName}, ${t.organisationName}`,
          cells: [...t.byQuintile.map(suppress), suppress(t.unknownImd), suppress(t.total)],
        })),
      });
    },
  }),
];
