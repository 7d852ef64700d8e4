import { z } from 'zod';
import { auditAction } from '#platform/audit/store.ts';
import { NotFound } from '#platform/errors.ts';
import { appendEvent } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { decodeCursor, PAGE_SIZE, pageOf } from '#platform/worklist.ts';
import { findAssessment } from '../../assessments/store.ts';
import { findCarePlan, findCarePlanOfAssessment } from '../../plans/care/store.ts';
import { findPlanOfPatient } from '../../plans/safety/store.ts';
import { myTeams } from '../../teams/service.ts';
import * as referrals from '../store.ts';
import * as store from './store.ts';

// The receiving service's reading: its inbox, and a referral's packet — the letter, and only what
// the person agreed to share (so the service need not repeat the assessment). A receiving clinician
// sees nothing else of the hospital's record: every read here goes through the service's teams, and
// a referral to anyone else's service is simply not found.

const cursor = z.tuple([z.iso.datetime(), z.uuid()]);

export async function myInbox(actor: Actor, order: 'oldest' | 'newest', after: string | undefined) {
  const teams = (await myTeams(actor)).map((t) => t.id);
  const rows = await store.inboxPage(actor.db, teams, {
    order,
    limit: PAGE_SIZE + 1,
    after: decodeCursor(after, cursor),
  });
  return pageOf(rows, PAGE_SIZE, (r) => [r.sentAt.toISOString(), r.id]);
}

/**
 * The referral packet: an audited read of the person's record. The first time the service opens it,
 * it is recorded as received (a business step: delivered and read, still not accepted).
 */
export async function openPacket(actor: Actor, referralId: string) {
  const teams = (await myTeams(actor)).map((t) => t.id);
  const found = await store.referralForTeams(actor.db, referralId, teams);
  if (!found) throw new NotFound('There is no such referral to your service.');
  const referral = (await referrals.findReferral(actor.db, referralId))!;
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    if (referral.receivedAt === null) {
      await tx
        .updateTable('referrals')
        .set({ received_at: now })
        .where('id', '=', referralId)
        .where('received_at', 'is', null)
        .execute();
      await appendEvent(tx, {
        at: now,
        userId: actor.user.id,
        patientId: referral.patientId,
        subjectType: 'referral',
        subjectId: referralId,
        type: 'referral.received',
        fromState: referral.stage,
        toState: referral.stage,
        data: { serviceName: referral.serviceName },
      });
    }
    await auditAction(tx, actor, referral.patientId, 'ok', { referral: referralId });
  });
  const patient = await actor.db
    .selectFrom('patients')
    .select(['given_name', 'family_name', 'date_of_birth', 'nhs_number', 'postcode', 'phone', 'gp_practice_ods'])
    .where('id', '=', referral.patientId)
    .executeTakeFirstOrThrow();
  // Consent withdrawn since sending: the letter and the assessment (fixed when sent) stay; the care
  // and safety plans, which go on changing, are no longer shown, so nothing more is shared.
  const withdrawn = await store.consentWithdrawnAt(actor.db, referralId);
  const shared = new Set(referral.shared);
  if (withdrawn) for (const live of ['care-plan', 'safety-plan']) shared.delete(live);
  const assessment = shared.has('assessment') ? await findAssessment(actor.db, referral.assessmentId) : undefined;
  const carePlanId = shared.has('care-plan')
    ? await findCarePlanOfAssessment(actor.db, referral.assessmentId)
    : undefined;
  const carePlan = carePlanId ? await findCarePlan(actor.db, carePlanId) : undefined;
  const safetyPlan = shared.has('safety-plan') ? await findPlanOfPatient(actor.db, referral.patientId) : undefined;
  return {
    referral: { ...referral, receivedAt: referral.receivedAt ?? now },
    patient,
    assessment: assessment && assessment.enteredInError === null ? assessment : undefined,
    carePlan: carePlan && carePlan.enteredInError === null ? carePlan : undefined,
    safetyPlan: safetyPlan && safetyPlan.enteredInError === null ? safetyPlan : undefined,
    consentWithdrawnAt: withdrawn,
    messages: await store.messagesOf(actor.db, referralId),
    history: await referrals.historyOfReferral(actor.db, referralId),
  };
}
