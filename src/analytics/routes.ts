import { showDate } from '#platform/clock.ts';
import { actor, definePage, type Page } from '#platform/http/pages.ts';
import {
  addCounts,
  type FollowUpCounts,
  imdQuintileNames,
  judged,
  noFollowUps,
  shareInTime,
  shownCount,
  suppress,
} from './model.ts';
import { FOLLOW_UP_WEEKS, figuresFor } from './service.ts';
import type { FollowUpWeek } from './store.ts';
import { unmetNeedView } from './unmet-need/tables.ts';

/** One row of the 48-hour table: judged, in time, late, not followed up, stopped, running, share. */
function followUpCells(c: FollowUpCounts, suppressed: boolean) {
  return [
    ...[judged(c), c.inTime, c.late, c.notFollowedUp, c.stopped, c.running].map((n) => shownCount(n, suppressed)),
    shareInTime(c, suppressed),
  ];
}

/** The weeks of each team, newest first, with the quarter's total first. */
function followUpTables(weeks: readonly FollowUpWeek[], suppressed: boolean) {
  const byTeam = new Map<string, { team: string; weeks: FollowUpWeek[] }>();
  for (const w of weeks) {
    const t = byTeam.get(w.teamId) ?? { team: `${w.teamName}, ${w.organisationName}`, weeks: [] };
    t.weeks.push(w);
    byTeam.set(w.teamId, t);
  }
  return [...byTeam.values()].map((t) => ({
    team: t.team,
    total: followUpCells(
      t.weeks.reduce((sum, w) => addCounts(sum, w.counts), noFollowUps),
      suppressed,
    ),
    rows: t.weeks.map((w) => ({ week: `Week of ${showDate(w.week)}`, cells: followUpCells(w.counts, suppressed) })),
  }));
}

export const analyticsPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/figures',
    permission: 'figures:read',
    audit: 'figures.read',
    handler: async (request, reply, deps) => {
      const { teams, followUps, gaps, gapDays, suppressed } = await figuresFor(actor(request, deps));
      return reply.page('analytics/views/figures.njk', {
        title: 'Figures',
        columns: 'full',
        quintiles: imdQuintileNames,
        rows: teams.map((t) => ({
          team: `${t.teamName}, ${t.organisationName}`,
          cells: [...t.byQuintile.map(suppress), suppress(t.unknownImd), suppress(t.total)],
        })),
        followUps: followUpTables(followUps, suppressed),
        followUpWeeks: FOLLOW_UP_WEEKS,
        unmetNeed: unmetNeedView(gaps, suppressed),
        gapDays,
        suppressed,
      });
    },
  }),
];
