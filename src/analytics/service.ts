import { auditAction } from '#platform/audit/store.ts';
import type { Actor } from '#platform/http/pages.ts';
import { patientsByTeamAndDeprivation } from './store.ts';

/**
 * The figures a person may see, read and audited: analysts every team, a team manager their own
 * teams. Counts only, suppressed on the page (model.ts); no identifiable record is touched.
 */
export async function figuresFor(actor: Actor) {
  const scope = actor.user.role === 'analyst' ? 'all' : actor.user.teamIds;
  const teams = await patientsByTeamAndDeprivation(actor.db, scope);
  await auditAction(actor.db, actor, null, 'ok');
  return teams;
}
