import { auditAction } from '#platform/audit/store.ts';
import { londonWallTime } from '#platform/clock.ts';
import { Conflict, Invalid, NotFound, refuseProblems } from '#platform/errors.ts';
import { appendEvent } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { openService } from '../directory/service.ts';
import { openPatient, requireCare } from '../patients/service.ts';
import { tellServiceConsentWithdrawn } from '../referrals/loop/service.ts';
import { type ConsentWay, checkConsent, type Shareable } from './model.ts';
import * as store from './store.ts';

// Consent's use cases: record what a person agreed to share with a service, and withdraw it.
// Each is an event on the person's record and an audit row, in one transaction.

/** A person's consents, for their consent page: a read of the record, audited. */
export async function consentsFor(actor: Actor, patientId: string) {
  const patient = await openPatient(actor, patientId, { consents: 'all' });
  return { patient, consents: await store.consentsOf(actor.db, patientId) };
}

/** The consent form for one service: the person (checked, read) and the service. */
export async function consentForm(actor: Actor, patientId: string, serviceId: string, audited: boolean) {
  const patient = audited
    ? await openPatient(actor, patientId, { service: serviceId })
    : await requireCare(actor, patientId);
  const { service, conflicts } = await openService(actor, serviceId);
  return { patient, service, conflicts };
}

export async function recordConsent(
  actor: Actor,
  patientId: string,
  c: { serviceId: string; shares: Shareable[]; way: ConsentWay; givenOn: string },
): Promise<string> {
  const patient = await requireCare(actor, patientId);
  await openService(actor, c.serviceId);
  const now = actor.clock.now();
  const problems = checkConsent(c, londonWallTime(now).date);
  refuseProblems(problems);
  return actor.db.transaction().execute(async (tx) => {
    const id = await store.insertConsent(tx, { ...c, patientId: patient.id, by: actor.user.id, at: now });
    if (!id)
      throw new Conflict(
        'Consent to share with this service is already recorded. Withdraw it first to record it again.',
        'stale-version',
      );
    await appendEvent(tx, {
      at: now,
      userId: actor.user.id,
      patientId: patient.id,
      subjectType: 'consent',
      subjectId: id,
      type: 'consent.given',
      fromState: null,
      toState: 'in-force',
      data: { service: c.serviceId, shares: c.shares, way: c.way },
    });
    await auditAction(tx, actor, patient.id, 'ok', { consent: id, service: c.serviceId });
    return id;
  });
}

/** Withdraw consent: from now nothing more is sent to that service. */
export async function withdrawConsent(actor: Actor, patientId: string, consentId: string, reason: string) {
  const patient = await requireCare(actor, patientId);
  if (reason.trim() === '') throw new Invalid({ reason: 'Say why consent is withdrawn' });
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    const done = await store.withdrawConsent(tx, {
      id: consentId,
      patientId: patient.id,
      by: actor.user.id,
      at: now,
      reason,
    });
    if (!done) {
      const known = (await store.consentsOf(tx, patient.id)).some((c) => c.id === consentId);
      if (!known) throw new NotFound('There is no such consent for this person.');
      throw new Conflict('This consent has already been withdrawn.', 'illegal-transition');
    }
    await appendEvent(tx, {
      at: now,
      userId: actor.user.id,
      patientId: patient.id,
      subjectType: 'consent',
      subjectId: consentId,
      type: 'consent.withdrawn',
      fromState: 'in-force',
      toState: 'withdrawn',
      data: {},
    });
    await auditAction(tx, actor, patient.id, 'ok', { consent: consentId });
    // A service already sent a referral is told, in the same transaction; what it received stays.
    await tellServiceConsentWithdrawn(tx, actor, patient.id, done);
  });
}
