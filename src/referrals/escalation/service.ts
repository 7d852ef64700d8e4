import { auditAction } from '#platform/audit/store.ts';
import { londonWallTime } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import { appendEvent, changeState } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { openPatient, requireCare } from '../../patients/service.ts';
import { reviewHardPlace } from '../hard-place/service.ts';
import * as referrals from '../store.ts';
import { checkEscalation, escalatable, escalationMachine, type Outcome } from './model.ts';
import * as store from './store.ts';

// Escalation's use cases: the referring team gives a rejected or stuck referral to a named senior
// clinician of the team; the senior clinician records each conversation with the service and
// resolves it. Each step is an event on the referral (so it is on its history and the timeline) and
// an audit row, in one transaction.

async function step(
  tx: Db,
  actor: Actor,
  patientId: string,
  referralId: string,
  type: string,
  data: Record<string, unknown>,
) {
  await appendEvent(tx, {
    at: actor.clock.now(),
    userId: actor.user.id,
    patientId,
    subjectType: 'referral',
    subjectId: referralId,
    type,
    fromState: null,
    data,
  });
}

/** Give a referral to a senior clinician to take up; one open per referral (asking again opens it). */
export async function escalate(
  actor: Actor,
  patientId: string,
  referralId: string,
  e: { ownerId: string; reason: string; dueOn: string },
): Promise<string> {
  const patient = await requireCare(actor, patientId);
  const referral = await referrals.findReferral(actor.db, referralId);
  if (!referral || referral.patientId !== patient.id) throw new NotFound('There is no such referral for this person.');
  if (!escalatable.includes(referral.stage))
    throw new Conflict(
      'Only a referral not accepted, or still waiting for the service, is escalated',
      'illegal-transition',
    );
  const problems = checkEscalation(e, londonWallTime(actor.clock.now()).date);
  const seniors = await store.seniorsOf(actor.db, referral.teamId);
  if (!seniors.some((s) => s.id === e.ownerId))
    problems.push({ field: 'ownerId', message: 'Choose a senior clinician of the team' });
  if (problems.length) throw new Invalid(Object.fromEntries(problems.map((p) => [p.field, p.message])));
  const now = actor.clock.now();
  return actor.db.transaction().execute(async (tx) => {
    const made = await store.insertEscalation(tx, {
      referralId,
      patientId: patient.id,
      teamId: referral.teamId,
      ownerId: e.ownerId,
      reason: e.reason,
      dueOn: e.dueOn,
      by: actor.user.id,
      at: now,
    });
    if (!made.existing) {
      const owner = seniors.find((s) => s.id === e.ownerId)!;
      await step(tx, actor, patient.id, referralId, 'referral.escalated', {
        escalation: made.id,
        owner: owner.display_name,
        serviceName: referral.serviceName,
      });
      await auditAction(tx, actor, patient.id, 'ok', { referral: referralId, escalation: made.id });
    }
    return made.id;
  });
}

async function escalationOf(
  actor: Actor,
  patientId: string,
  escalationId: string,
  o: { lock?: boolean; db?: Db } = {},
) {
  const found = await store.findEscalation(o.db ?? actor.db, escalationId, { lock: o.lock });
  if (!found || found.patientId !== patientId) throw new NotFound('There is no such escalation for this person.');
  return found;
}

/** An escalation, its referral and its conversations: an audited read of the record. */
export async function openEscalation(actor: Actor, patientId: string, escalationId: string) {
  const patient = await openPatient(actor, patientId, { escalation: escalationId });
  const escalation = await escalationOf(actor, patient.id, escalationId);
  const referral = (await referrals.findReferral(actor.db, escalation.referralId))!;
  return { patient, escalation, referral, notes: await store.notesOf(actor.db, escalationId) };
}

/** The senior clinicians a referral's escalation may be given to. */
export async function seniorsFor(actor: Actor, teamId: string) {
  return store.seniorsOf(actor.db, teamId);
}

/** The open escalations the signed-in senior clinician owns, soonest due first. */
export async function myEscalations(actor: Actor, limit: number) {
  return store.openEscalationsOf(actor.db, actor.user.id, limit);
}

/** Only the senior clinician it was given to (or another senior clinician of the team) takes it up. */
function mayTakeUp(actor: Actor, e: { ownerId: string }) {
  if (actor.user.id !== e.ownerId && actor.user.role !== 'senior-clinician')
    throw new Forbidden('Only a senior clinician takes up an escalation');
}

/** A conversation with the service about it: who, how, when, what was agreed. */
export async function recordDiscussion(
  actor: Actor,
  patientId: string,
  escalationId: string,
  n: { withWhom: string; way: string; heldAt: Date; agreed: string },
): Promise<void> {
  const patient = await requireCare(actor, patientId);
  if (n.heldAt > actor.clock.now()) throw new Invalid({ time: 'The time you spoke must be now or in the past' });
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    const e = await escalationOf(actor, patient.id, escalationId, { lock: true, db: tx });
    mayTakeUp(actor, e);
    await changeState(tx, actor, escalationMachine, {
      subjectType: 'referral',
      subjectId: e.referralId,
      patientId: patient.id,
      current: e.status,
      event: 'escalation.discussed',
      data: { escalation: e.id, withWhom: n.withWhom, serviceName: e.serviceName },
      audit: { escalation: e.id },
      write: async (to) => {
        await store.insertNote(tx, { escalationId: e.id, patientId: patient.id, ...n, by: actor.user.id, at: now });
        await store.setStatus(tx, e.id, to);
      },
    });
  });
}

/** Resolve it: accepted, an alternative found, or not resolved — with what happened. */
export async function resolveEscalation(
  actor: Actor,
  patientId: string,
  escalationId: string,
  r: { outcome: Outcome; resolution: string },
): Promise<void> {
  const patient = await requireCare(actor, patientId);
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    const e = await escalationOf(actor, patient.id, escalationId, { lock: true, db: tx });
    mayTakeUp(actor, e);
    await changeState(tx, actor, escalationMachine, {
      subjectType: 'referral',
      subjectId: e.referralId,
      patientId: patient.id,
      current: e.status,
      event: 'escalation.resolved',
      data: { escalation: e.id, outcome: r.outcome, serviceName: e.serviceName },
      audit: { escalation: e.id, outcome: r.outcome },
      write: (to) => store.setStatus(tx, e.id, to, { ...r, by: actor.user.id, at: now }),
    });
    // Aftercare found by the escalation clears a rock-and-a-hard-place flag.
    await reviewHardPlace(tx, actor, patient.id, e.referralId);
  });
}

/** A referral's escalations, newest first: for the referral's page. The caller has opened the record. */
export async function escalationsFor(actor: Actor, referralId: string) {
  return store.escalationsOfReferral(actor.db, referralId);
}
