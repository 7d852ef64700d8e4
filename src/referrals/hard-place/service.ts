import { auditAction } from '#platform/audit/store.ts';
import { londonWallTime } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { appendEvent } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { myTeams } from '../../teams/service.ts';
import * as escalations from '../escalation/store.ts';
import { hardPlace, patterns, whyCleared } from './model.ts';
import * as store from './store.ts';

// The detector at work: after any step that can change whether a person is stuck between services
// (a refusal, an acceptance, an escalation resolved), inside that step's transaction, the rule reads
// the person's referrals again. A new pattern raises a flag on the person — on the caseload and to
// the team's senior clinicians — and opens an escalation, given to the team's least busy senior
// clinician, if none is open for the person; a pattern gone clears the flag with why. Both are
// events on the referral's history and the timeline.

/** The day after `now`, UK time: when an escalation the rule opens is due. */
function tomorrow(now: Date): string {
  const today = londonWallTime(now).date;
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * `trigger` is the referral whose step asked for the review: when it is part of the pattern (the
 * refusal that completed it), the escalation is opened on it; otherwise on the latest refusal.
 */
export async function reviewHardPlace(tx: Db, actor: Actor, patientId: string, trigger?: string): Promise<void> {
  await store.lockPerson(tx, patientId);
  const now = actor.clock.now();
  const [referrals, escalationFacts, standing] = await Promise.all([
    store.referralFactsOf(tx, patientId),
    store.escalationFactsOf(tx, patientId),
    store.standingFlag(tx, patientId),
  ]);
  const found = hardPlace(referrals, escalationFacts, now);
  const event = (type: string, referralId: string, data: Record<string, unknown>) =>
    appendEvent(tx, {
      at: now,
      userId: actor.user.id,
      patientId,
      subjectType: 'referral',
      subjectId: referralId,
      type,
      fromState: null,
      data: { rule: 'hard-place', ...data },
    });
  if (!found) {
    if (!standing) return;
    const because = whyCleared(referrals, escalationFacts);
    await store.clearFlag(tx, standing.id, now, because);
    const about = referrals.find((r) => r.id === standing.referralIds.at(-1));
    await event('referral.hard-place-cleared', standing.referralIds.at(-1)!, {
      because,
      serviceName: about?.serviceName,
    });
    return;
  }
  if (standing) {
    // Still stuck, perhaps by another refusal: the flag names what holds now; no second alarm.
    await store.updateFlag(tx, standing.id, found);
    return;
  }
  const flagged = referrals.filter((r) => found.referralIds.includes(r.id));
  const last =
    flagged.find((r) => r.id === trigger) ??
    flagged.reduce((a, b) => ((b.rejectedAt?.getTime() ?? 0) > (a.rejectedAt?.getTime() ?? 0) ? b : a));
  let escalationId = await escalations.openEscalationFor(tx, patientId);
  if (!escalationId) {
    const senior = await escalations.leastBusySenior(tx, last.teamId);
    if (senior)
      escalationId = (
        await escalations.insertEscalation(tx, {
          referralId: last.id,
          patientId,
          teamId: last.teamId,
          ownerId: senior.id,
          reason: `${patterns[found.pattern]}. ${found.words}. Take it up with the services.`,
          dueOn: tomorrow(now),
          by: null,
          rule: 'hard-place',
          at: now,
        })
      ).id;
    if (senior)
      await event('referral.escalated', last.id, {
        escalation: escalationId,
        owner: senior.display_name,
        serviceName: last.serviceName,
      });
  }
  await store.raiseFlag(tx, {
    patientId,
    teamId: last.teamId,
    pattern: found.pattern,
    referralIds: found.referralIds,
    escalationId,
    at: now,
  });
  await event('referral.hard-place-flagged', last.id, {
    pattern: found.pattern,
    words: found.words,
    serviceName: last.serviceName,
    escalation: escalationId,
  });
  await auditAction(tx, actor, patientId, 'ok', { flag: found.pattern, escalation: escalationId ?? '' });
}

/** The people flagged for the signed-in user's teams: for senior clinicians' and practitioners' home pages. */
export async function flaggedForMe(actor: Actor, limit: number) {
  const teams = (await myTeams(actor)).map((t) => t.id);
  return store.flaggedFor(actor.db, teams, limit);
}

/** Which of these people stand flagged: for the caseload's rows. The caller has audited the listing. */
export async function flagsOfPeople(actor: Actor, patientIds: readonly string[]) {
  return store.flagsOf(actor.db, patientIds);
}
