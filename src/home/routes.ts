import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { bannerOf } from '../patients/model.ts';
import { recentCaseload } from '../patients/service.ts';
import { myOpenInputRequests } from '../plans/care/service.ts';
import { type TeamKind, teamKindNames } from '../teams/model.ts';
import { myTeams } from '../teams/service.ts';

// After a sign-in that followed a lock, the owner is told here (the person who tripped it is not).
const homeQuery = z.object({
  notice: z.enum(['account-was-locked'], { message: 'The link names a notice Onward does not know' }).optional(),
});

export const homePages: Page[] = [
  definePage({
    method: 'GET',
    url: '/',
    permission: 'signed-in',
    audit: 'home.read',
    query: homeQuery,
    handler: async (request, reply, deps) => {
      const user = request.user!;
      const teams = await myTeams(actor(request, deps));
      const canSearch = may(user.role, 'patient:search');
      const now = deps.clock.now();
      const caseload = canSearch ? await recentCaseload(actor(request, deps)) : [];
      const inputRequests = may(user.role, 'input:answer') ? await myOpenInputRequests(actor(request, deps)) : [];
      return reply.page('home/views/home.njk', {
        title: 'Home',
        columns: 'full',
        accountWasLocked: queryOf(request, homeQuery).notice === 'account-was-locked',
        role: user.role,
        teams: teams.map((t) => ({ ...t, kindName: teamKindNames[t.kind as TeamKind] })),
        canSearch,
        caseload: caseload.map((p) => ({ ...bannerOf(p, now), careStartedAt: p.careStartedAt })),
        inputRequests,
        canSeeFigures: may(user.role, 'figures:read'),
        canAdminister: may(user.role, 'admin:accounts'),
        receiving: may(user.role, 'referral:inbox'),
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/accessibility',
    permission: 'public',
    audit: 'page.accessibility',
    handler: async (_request, reply) =>
      reply.page('home/views/accessibility.njk', { title: 'Accessibility statement' }),
  }),
];
