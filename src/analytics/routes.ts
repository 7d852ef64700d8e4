import { appendAudit } from '#platform/audit/store.ts';
import { definePage, type Page } from '#platform/http/pages.ts';
import { imdQuintileNames, suppress } from './model.ts';
import { patientsByTeamAndDeprivation } from './store.ts';

export const analyticsPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/figures',
    permission: 'figures:read',
    audit: 'figures.read',
    handler: async (request, reply, deps) => {
      const user = request.user!;
      // Analysts see every team; a team manager sees their own teams.
      const scope = user.role === 'analyst' ? 'all' : user.teamIds;
      const teams = await patientsByTeamAndDeprivation(deps.db, scope);
      await appendAudit(deps.db, {
        at: deps.clock.now(),
        userId: user.id,
        role: user.role,
        action: 'figures.read',
        patientId: null,
        outcome: 'ok',
      });
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
