import { auditAction } from '#platform/audit/store.ts';
import { londonWallTimeToUtc } from '#platform/clock.ts';
import { londonToday } from '#platform/forms.ts';
import type { Actor } from '#platform/http/pages.ts';
import { firstWeek } from './model.ts';
import { followUpsByTeamAndWeek, patientsByTeamAndDeprivation } from './store.ts';
import { unmetNeed } from './unmet-need/store.ts';

/** How many weeks of 48-hour follow-up figures the page shows: a quarter. */
export const FOLLOW_UP_WEEKS = 12;

/**
 * The figures a person may see, read and audited: analysts every team, suppressed; a team manager
 * their own teams. Counts only; no identifiable record is touched.
 */
export async function figuresFor(actor: Actor) {
  const scope = actor.user.role === 'analyst' ? 'all' : actor.user.teamIds;
  const now = actor.clock.now();
  const since = londonWallTimeToUtc(firstWeek(londonToday(now), FOLLOW_UP_WEEKS), '00:00');
  const [teams, followUps, gaps] = await Promise.all([
    patientsByTeamAndDeprivation(actor.db, scope),
    followUpsByTeamAndWeek(actor.db, scope, since, now),
    unmetNeed(actor.db, scope, since, now, actor.config.unmetNeedDays),
  ]);
  await auditAction(actor.db, actor, null, 'ok');
  // A team's manager sees their own team's exact counts; analysts see every team's, suppressed.
  return { teams, followUps, gaps, gapDays: actor.config.unmetNeedDays, suppressed: actor.user.role === 'analyst' };
}
