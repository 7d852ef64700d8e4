import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { alertView } from '#platform/alerts/routes.ts';
import { alertsOf } from '#platform/alerts/store.ts';
import { auditAction } from '#platform/audit/store.ts';
import { showDate, showDateTime } from '#platform/clock.ts';
import { londonToday } from '#platform/forms.ts';
import { actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { pageQuery } from '#platform/worklist.ts';
import { FIRST_MONTH_DAYS } from '../caseload/model.ts';
import { type Caseload, teamCaseload } from '../caseload/service.ts';
import { followUpsForHome } from '../followup/routes.ts';
import { bannerName, formatNhsNumber } from '../patients/model.ts';
import { myOpenInputRequests } from '../plans/care/service.ts';
import { escalationOverdue, escalationStatuses } from '../referrals/escalation/model.ts';
import { myEscalations } from '../referrals/escalation/service.ts';
import { patterns } from '../referrals/hard-place/model.ts';
import { flaggedForMe } from '../referrals/hard-place/service.ts';
import { attentionWords } from '../referrals/loop/model.ts';
import { referralsNeedingMe } from '../referrals/service.ts';
import { type TeamKind, teamKindNames } from '../teams/model.ts';
import { myTeams } from '../teams/service.ts';

// After a sign-in that followed a lock, the owner is told here (the person who tripped it is not).
// The caseload on the home page is a worklist: which of the person's teams, in which order, from where.
const homeQuery = pageQuery.extend({
  notice: z
    .enum(['account-was-locked', 'discharged'], { message: 'The link names a notice Onward does not know' })
    .optional(),
  team: z.uuid({ message: 'The link names a team in a form Onward does not use' }).optional(),
  sort: z.enum(['began', 'name'], { message: 'Sort by when care began or by name' }).default('began'),
});

/** The caseload as the table shows it: each person, when care began and what needs doing, with its links. */
function caseloadView(c: Caseload, teams: readonly { id: string; name: string }[]) {
  const link = (o: { team?: string; sort?: string }) => `/?team=${o.team ?? c.teamId}&sort=${o.sort ?? c.sort}`;
  return {
    teamName: teams.find((t) => t.id === c.teamId)?.name,
    teams:
      teams.length > 1
        ? teams.map((t) => ({ name: t.name, href: link({ team: t.id }), current: t.id === c.teamId }))
        : [],
    sorts: (['began', 'name'] as const).map((sort) => ({
      text: sort === 'began' ? 'when care began' : 'name',
      href: link({ sort }),
      current: sort === c.sort,
    })),
    href: link({}),
    next: c.next,
    rows: c.items.map((r) => [
      { text: bannerName(r), href: `/patients/${r.patientId}` },
      r.nhsNumber ? formatNhsNumber(r.nhsNumber) : 'Not known',
      showDate(r.dateOfBirth),
      showDateTime(r.careStartedAt),
      r.firstMonth
        ? {
            tags: [
              { text: `Day ${r.firstMonth.day} of ${FIRST_MONTH_DAYS}`, colour: 'purple' },
              ...(r.firstMonth.inPlace.length > 0
                ? r.firstMonth.inPlace.map((text) => ({ text, colour: 'green' }))
                : [{ text: 'Nothing in place yet', colour: 'red' }]),
            ],
          }
        : '',
      {
        tags: [
          // Stuck between services (the rock-and-a-hard-place rule) comes first: nobody has taken them on.
          ...(r.stuck ? [{ text: `${r.stuck}: no aftercare`, colour: 'red' }] : []),
          ...r.steps.map((s) => ({
            text: s.text,
            colour: s.urgent ? 'red' : s.code === 'in-place' ? 'green' : 'yellow',
          })),
        ],
      },
    ]),
  };
}

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
      const query = queryOf(request, homeQuery);
      const caseload = canSearch
        ? await teamCaseload(actor(request, deps), {
            team: query.team?.toLowerCase(),
            sort: query.sort,
            after: query.after,
          })
        : undefined;
      // The follow-ups most overdue first: the worklist's first rows, the rest a page away.
      const followUps = may(user.role, 'patient:search') ? await followUpsForHome(actor(request, deps), 5) : undefined;
      // Referrals that need the referring team: a rejection to answer, a question, no answer, no outcome.
      const referrals = may(user.role, 'record:write') ? await referralsNeedingMe(actor(request, deps), 10) : undefined;
      // People the rock-and-a-hard-place rule flagged for the user's teams, longest flagged first.
      const stuck = canSearch ? await flaggedForMe(actor(request, deps), 10) : [];
      // A senior clinician's escalations, soonest due first.
      const escalations = may(user.role, 'escalation:own') ? await myEscalations(actor(request, deps), 10) : [];
      // The oldest few waiting; the rest are a page away, never silently dropped.
      const inputRequests = may(user.role, 'input:answer')
        ? await myOpenInputRequests(actor(request, deps), undefined, 5)
        : { items: [], next: null };
      // What happened that this person needs to know, newest first: the rest are on the alerts page.
      const alerts = (await alertsOf(deps.db, user.id, { limit: 5, unseenOnly: true })).map(alertView);
      if (alerts.some((a) => a.patientName))
        await auditAction(deps.db, actor(request, deps), null, 'ok', { alertsListed: alerts.length });
      return reply.page('home/views/home.njk', {
        title: 'Home',
        columns: 'full',
        alerts,
        accountWasLocked: query.notice === 'account-was-locked',
        discharged: query.notice === 'discharged',
        role: user.role,
        teams: teams.map((t) => ({ ...t, kindName: teamKindNames[t.kind as TeamKind] })),
        canSearch,
        caseload: caseload && { ...caseloadView(caseload, teams), after: query.after },
        inputRequests: inputRequests.items,
        moreInputRequests: inputRequests.next !== null,
        canSeeFigures: may(user.role, 'figures:read'),
        canTakeReferrals: may(user.role, 'record:write'),
        followUps,
        referrals: referrals && {
          more: referrals.more,
          rows: referrals.items.map((r) => [
            {
              text: `${r.familyName.toUpperCase()}, ${r.givenName}`,
              href: `/patients/${r.patientId}/referrals/${r.id}#loop`,
            },
            r.serviceName,
            r.sentAt ? showDateTime(r.sentAt) : '',
            { tags: [{ text: attentionWords[r.why], colour: r.why === 'rejected' ? 'red' : 'orange' }] },
          ]),
        },
        stuck: stuck.map((f) => [
          { text: `${f.familyName.toUpperCase()}, ${f.givenName}`, href: `/patients/${f.patientId}/referrals` },
          patterns[f.pattern],
          showDateTime(f.raisedAt),
          f.escalationId
            ? { text: 'Escalation open', href: `/patients/${f.patientId}/escalations/${f.escalationId}` }
            : 'No senior clinician to escalate to',
        ]),
        escalations: escalations.map((e) => [
          {
            text: `${e.familyName.toUpperCase()}, ${e.givenName}`,
            href: `/patients/${e.patientId}/escalations/${e.id}`,
          },
          e.serviceName,
          showDate(e.dueOn),
          escalationOverdue(e, londonToday(deps.clock.now()))
            ? { tags: [{ text: `${escalationStatuses[e.status]}: overdue`, colour: 'red' }] }
            : escalationStatuses[e.status],
        ]),
        canReviewCareStarts: may(user.role, 'care:review'),
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
