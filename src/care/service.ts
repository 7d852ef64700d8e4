import { londonWallTime, londonWallTimeToUtc } from '#platform/clock.ts';
import { Conflict, refuseProblems } from '#platform/errors.ts';
import { changeState } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { dueFollowUpAt, stopAtDischarge } from '../followup/service.ts';
import { requireCare } from '../patients/service.ts';
import { openReferralsOf } from '../referrals/service.ts';
import { careStates, checkDischarge, type Discharge, followUpStillDue } from './model.ts';
import * as store from './store.ts';

// Ending a team's care of a person: checked against the rules, then the relationship ends, its
// event and its audit row are written, all in one transaction (changeState).

/** What the discharge page needs: the person, when care began, and whether the follow-up is still due. */
export async function dischargeContext(actor: Actor, patientId: string) {
  const patient = await requireCare(actor, patientId);
  const care = (await store.openCareOf(actor.db, patientId, actor.user.teamIds))!;
  const followUpDueAt = await dueFollowUpAt(actor.db, patientId, care.teamId);
  const openReferrals = await openReferralsOf(actor.db, patientId, care.teamId);
  return { patient, care, followUpDueAt, openReferrals };
}

/** When care ended: now if it ended today; otherwise the last minute of that day, never before care began. */
function endedAt(on: string, now: Date, startedAt: Date): Date {
  if (on === londonWallTime(now).date) return now;
  const end = londonWallTimeToUtc(on, '23:59');
  return end < startedAt ? startedAt : end;
}

export async function dischargeFromCare(actor: Actor, patientId: string, discharge: Discharge): Promise<void> {
  await requireCare(actor, patientId);
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    const care = await store.openCareOf(tx, patientId, actor.user.teamIds, true);
    // Someone else discharged the person between this page and this save.
    if (!care)
      throw new Conflict('This person has already been discharged from your team’s care', 'already-discharged');
    const followUpDueAt = await dueFollowUpAt(tx, patientId, care.teamId);
    const openReferrals = await openReferralsOf(tx, patientId, care.teamId);
    const problems = checkDischarge(discharge, {
      careBeganOn: londonWallTime(care.startedAt).date,
      today: londonWallTime(now).date,
      followUpDueAt,
      now,
      openReferrals: openReferrals.map((r) => r.serviceName),
    });
    refuseProblems(problems);
    const at = endedAt(discharge.on, now, care.startedAt);
    await changeState(tx, actor, careStates, {
      subjectType: 'care',
      subjectId: care.id,
      patientId,
      current: 'in-care',
      event: 'care.ended',
      // The reason's words stay in the record, not in the event or the audit trail.
      data: {
        reason: discharge.reason,
        endedAt: at.toISOString(),
        teamId: care.teamId,
        followUpStillDue: followUpStillDue(followUpDueAt),
        openReferrals: openReferrals.length,
      },
      audit: { care: care.id, reason: discharge.reason },
      write: () =>
        store.endCare(tx, {
          id: care.id,
          at,
          by: actor.user.id,
          reason: discharge.reason,
          reasonText: discharge.reasonText,
          followUpReason: discharge.followUpReason,
          referralsReason: discharge.referralsReason,
        }),
    });
    // The discharge said why the follow-up is not needed: that decision stops its clock (NG225).
    if (followUpStillDue(followUpDueAt))
      await stopAtDischarge(tx, actor, patientId, care.teamId, discharge.followUpReason);
  });
}
