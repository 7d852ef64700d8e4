import { alertKey } from '#platform/alerts/model.ts';
import { raiseAlerts } from '#platform/alerts/store.ts';
import { auditAction } from '#platform/audit/store.ts';
import type { Db } from '#platform/db/schema.ts';
import { Conflict, Invalid, NotFound } from '#platform/errors.ts';
import { appendEvent, changeState } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { callOff, tellPerson } from '../../notify/person.ts';
import { requireCare } from '../../patients/service.ts';
import { myTeams } from '../../teams/service.ts';
import { reviewHardPlace } from '../hard-place/service.ts';
import * as inbox from '../inbox/store.ts';
import {
  checkBooking,
  checkRejection,
  type LoopEvent,
  loopMachine,
  nextStage,
  type Party,
  type RejectionReason,
  type Stage,
} from './model.ts';

// The closed loop's moves, from either side: the receiving service (its clinicians, on referrals to
// a service their team answers) and the referring team (in the person's care). Every move is read
// against the stage the person saw when they acted, so of two people acting at once one wins and
// the other is told what happened; then the model decides, and the step is the event, the audit row
// and the referral's columns, in one transaction.

export type StepDetails =
  | { event: 'referral.accepted' | 'referral.attended' | 'referral.did-not-attend' | 'referral.appointment-cancelled' }
  | { event: 'referral.rejected'; reason: RejectionReason; text: string }
  | { event: 'referral.information-asked'; question: string }
  | { event: 'referral.booked'; at: Date; place: string; how: 'in-person' | 'phone' | 'video' }
  | { event: 'referral.discharged'; outcome: string }
  | { event: 'referral.cancelled' };

type Locked = { id: string; patient_id: string; stage: string; service_name: string };

async function take(
  tx: Db,
  actor: Actor,
  party: Party,
  locked: Locked,
  seen: Stage,
  event: LoopEvent,
  o: {
    cancellationRequested: boolean;
    replaced?: boolean;
    columns?: inbox.StepColumns;
    message?: string;
    data?: Record<string, unknown>;
  },
): Promise<void> {
  const current = locked.stage as Stage;
  if (current !== seen)
    throw new Conflict(
      `Someone else has just changed this referral: it now ${loopMachine.states[current]}. Read it again before you act.`,
      'stale-version',
    );
  const decided = nextStage(current, event, party, o);
  if (!decided.ok) throw new Conflict(decided.reason, 'illegal-transition');
  const now = actor.clock.now();
  if (o.message !== undefined)
    await inbox.insertMessage(tx, {
      referralId: locked.id,
      patientId: locked.patient_id,
      fromParty: party === 'service' ? 'service' : 'referrer',
      text: o.message,
      by: actor.user.id,
      at: now,
    });
  const data = { party, serviceName: locked.service_name, ...(o.data ?? {}) };
  if (event === 'referral.cancellation-requested') {
    // Not a move: the referral stays where it is until the service confirms.
    await inbox.writeStep(tx, locked.id, o.columns ?? {});
    await appendEvent(tx, {
      at: now,
      userId: actor.user.id,
      patientId: locked.patient_id,
      subjectType: 'referral',
      subjectId: locked.id,
      type: event,
      fromState: current,
      toState: current,
      data,
    });
    await auditAction(tx, actor, locked.patient_id, 'ok', { referral: locked.id, step: event });
    return;
  }
  await changeState(tx, actor, loopMachine, {
    subjectType: 'referral',
    subjectId: locked.id,
    patientId: locked.patient_id,
    current,
    event,
    data,
    audit: { referral: locked.id, step: event },
    write: (to) => inbox.writeStep(tx, locked.id, o.columns ?? {}, to),
  });
  // Whether the person is now stuck between services (or no longer is): judged in the same transaction.
  await reviewHardPlace(tx, actor, locked.patient_id, locked.id);
}

async function teamIds(actor: Actor): Promise<string[]> {
  return (await myTeams(actor)).map((t) => t.id);
}

/** A step by the receiving service, on a referral to a service the user's team answers (else: not found). */
export async function serviceStep(actor: Actor, referralId: string, seen: Stage, step: StepDetails): Promise<void> {
  const teams = await teamIds(actor);
  const now = actor.clock.now();
  if (step.event === 'referral.rejected') {
    const problems = checkRejection({ reason: step.reason, text: step.text });
    if (problems.length) throw new Invalid(Object.fromEntries(problems.map((p) => [p.field, p.message])));
  }
  if (step.event === 'referral.booked') {
    const problems = checkBooking(step.at, now);
    if (problems.length) throw new Invalid(Object.fromEntries(problems.map((p) => [p.field, p.message])));
  }
  await actor.db.transaction().execute(async (tx) => {
    const locked = await inbox.referralForTeams(tx, referralId, teams, { lock: true });
    if (!locked) throw new NotFound('There is no such referral to your service.');
    const o = { cancellationRequested: locked.cancellation_requested_at !== null, replaced: Boolean(locked.replaced) };
    await serviceMove(tx, actor, locked, seen, step, o);
    await tellThePerson(tx, actor, locked.id, step);
    await alertReferrer(tx, actor, locked.id, step);
  });
}

async function serviceMove(
  tx: Db,
  actor: Actor,
  locked: Locked,
  seen: Stage,
  step: StepDetails,
  o: { cancellationRequested: boolean; replaced: boolean },
): Promise<void> {
  const now = actor.clock.now();
  switch (step.event) {
    case 'referral.rejected':
      return take(tx, actor, 'service', locked, seen, step.event, {
        ...o,
        columns: { rejection_reason: step.reason, rejection_text: step.text, rejected_at: now, closed_at: now },
        data: { reason: step.reason },
      });
    case 'referral.accepted':
      // Accepting one it did not accept at first: the refusal is history (events), not its state.
      return take(tx, actor, 'service', locked, seen, step.event, {
        ...o,
        columns: {
          accepted_at: now,
          rejection_reason: null,
          rejection_text: null,
          rejected_at: null,
          closed_at: null,
        },
      });
    case 'referral.information-asked':
      return take(tx, actor, 'service', locked, seen, step.event, { ...o, message: step.question });
    case 'referral.booked':
      return take(tx, actor, 'service', locked, seen, step.event, {
        ...o,
        columns: { appointment_at: step.at, appointment_place: step.place, appointment_how: step.how },
        data: { at: step.at.toISOString(), how: step.how },
      });
    case 'referral.discharged':
      return take(tx, actor, 'service', locked, seen, step.event, {
        ...o,
        columns: { outcome: step.outcome, closed_at: now },
      });
    case 'referral.cancelled':
      return take(tx, actor, 'service', locked, seen, step.event, { ...o, columns: { closed_at: now } });
    case 'referral.appointment-cancelled':
      return take(tx, actor, 'service', locked, seen, step.event, {
        ...o,
        columns: { appointment_at: null, appointment_place: null, appointment_how: null },
      });
    default:
      return take(tx, actor, 'service', locked, seen, step.event, o);
  }
}

/** Whose referral it is and to which service: what an alert or a message about a step names. */
const whoAndWhere = (tx: Db, referralId: string) =>
  tx
    .selectFrom('referrals as r')
    .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
    .select(['r.patient_id', 'r.team_id', 'r.sent_by', 's.name'])
    .where('r.id', '=', referralId)
    .executeTakeFirstOrThrow();

/** The practitioner who sent the referral hears, on their home page, that it was refused or that the service asks something. */
async function alertReferrer(tx: Db, actor: Actor, referralId: string, step: StepDetails): Promise<void> {
  if (step.event !== 'referral.rejected' && step.event !== 'referral.information-asked') return;
  const r = await whoAndWhere(tx, referralId);
  if (!r.sent_by) return;
  const now = actor.clock.now();
  const kind = step.event === 'referral.rejected' ? 'referral-rejected' : 'information-asked';
  await raiseAlerts(tx, [
    {
      kind,
      key: alertKey(kind, referralId, now.toISOString(), r.sent_by),
      userId: r.sent_by,
      patientId: r.patient_id,
      href: `/patients/${r.patient_id}/referrals/${referralId}`,
      text:
        kind === 'referral-rejected'
          ? `${r.name} did not accept the referral`
          : `${r.name} asked for more information about the referral`,
      at: now,
    },
  ]);
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * The person hears what they are waiting for, the way they agreed to (the research: no word while
 * waiting is itself a harm): the referral accepted, the appointment booked, a reminder the day
 * before. A step that changes the appointment calls off a reminder not yet sent, in its transaction.
 */
async function tellThePerson(tx: Db, actor: Actor, referralId: string, step: StepDetails): Promise<void> {
  const now = actor.clock.now();
  if (step.event === 'referral.information-asked') return;
  if (step.event !== 'referral.accepted')
    await callOff(
      tx,
      referralId,
      ['appointment-reminder'],
      now,
      'The appointment changed, so this reminder is no longer needed.',
    );
  if (step.event !== 'referral.accepted' && step.event !== 'referral.booked') return;
  const r = await whoAndWhere(tx, referralId);
  const telling = {
    patientId: r.patient_id,
    teamId: r.team_id,
    subjectId: referralId,
    version: now.getTime(),
    by: actor.user,
    at: now,
  };
  if (step.event === 'referral.accepted') {
    await tellPerson(tx, actor.queue, { ...telling, kind: 'referral-accepted', facts: { serviceName: r.name } });
    return;
  }
  if (step.event !== 'referral.booked') return;
  const facts = { serviceName: r.name, appointment: { at: step.at, how: step.how, place: step.place } };
  await tellPerson(tx, actor.queue, { ...telling, kind: 'appointment-booked', facts });
  // A reminder the day before, when there is a day before: booked for tomorrow, the booking is the reminder.
  const remindAt = new Date(step.at.getTime() - DAY);
  if (remindAt.getTime() > now.getTime() + DAY / 24)
    await tellPerson(tx, actor.queue, { ...telling, kind: 'appointment-reminder', facts, sendAfter: remindAt });
}

/** The referring team's steps: answering a question the service asked, asking to cancel, discarding a draft. */
export async function referrerStep(
  actor: Actor,
  patientId: string,
  referralId: string,
  seen: Stage,
  step:
    | { event: 'referral.information-given'; answer: string }
    | { event: 'referral.reconsideration-asked'; challenge: string }
    | { event: 'referral.cancellation-requested'; reason: string }
    | { event: 'referral.cancelled' },
): Promise<void> {
  const patient = await requireCare(actor, patientId);
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    const locked = await tx
      .selectFrom('referrals as r')
      .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
      .select(['r.id', 'r.patient_id', 'r.stage', 'r.cancellation_requested_at', 's.name as service_name'])
      .select((eb) =>
        eb.exists(eb.selectFrom('referrals as x').select('x.id').whereRef('x.replaces_id', '=', 'r.id')).as('replaced'),
      )
      .where('r.id', '=', referralId)
      .where('r.patient_id', '=', patient.id)
      .forUpdate('r')
      .executeTakeFirst();
    if (!locked) throw new NotFound('There is no such referral for this person.');
    const o = { cancellationRequested: locked.cancellation_requested_at !== null, replaced: Boolean(locked.replaced) };
    switch (step.event) {
      case 'referral.information-given':
        return take(tx, actor, 'referrer', locked, seen, step.event, { ...o, message: step.answer });
      case 'referral.reconsideration-asked':
        // Back to the service to decide again: the refusal is in the history and the thread, not its state.
        return take(tx, actor, 'referrer', locked, seen, step.event, {
          ...o,
          message: step.challenge,
          columns: { rejection_reason: null, rejection_text: null, rejected_at: null, closed_at: null },
        });
      case 'referral.cancellation-requested':
        return take(tx, actor, 'referrer', locked, seen, step.event, {
          ...o,
          message: `Please cancel this referral: ${step.reason}`,
          columns: { cancellation_requested_at: now },
        });
      case 'referral.cancelled':
        return take(tx, actor, 'referrer', locked, seen, step.event, { ...o, columns: { closed_at: now } });
    }
  });
}

/**
 * Consent to share with a service withdrawn after a referral was sent to it: the service is told
 * in the referral's thread (and the referral's history), in the withdrawal's transaction. What it
 * already received stays in its record — it was shared lawfully — but nothing more is sent.
 */
export async function tellServiceConsentWithdrawn(tx: Db, actor: Actor, patientId: string, serviceId: string) {
  const now = actor.clock.now();
  const sent = await tx
    .selectFrom('referrals as r')
    .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
    .select(['r.id', 'r.stage', 's.name'])
    .where('r.patient_id', '=', patientId)
    .where('r.service_id', '=', serviceId)
    .where('r.stage', 'in', inbox.inboxStages)
    .execute();
  for (const r of sent) {
    await inbox.insertMessage(tx, {
      referralId: r.id,
      patientId,
      fromParty: 'referrer',
      text: 'The person has withdrawn their consent to share their information with your service. Keep what you have already received in your record, as it was shared with their consent; nothing more will be sent. Please talk with us before acting on the referral.',
      by: actor.user.id,
      at: now,
    });
    await appendEvent(tx, {
      at: now,
      userId: actor.user.id,
      patientId,
      subjectType: 'referral',
      subjectId: r.id,
      type: 'referral.consent-withdrawn',
      fromState: r.stage,
      toState: r.stage,
      data: { serviceName: r.name },
    });
  }
}

/** A refused step by the service is audited against the person, with what refused it. */
export async function refuseStep(actor: Actor, referralId: string, why: string[]): Promise<void> {
  const found = await inbox.referralForTeams(actor.db, referralId, await teamIds(actor));
  if (found)
    await auditAction(actor.db, actor, found.patient_id, 'refused', { referral: referralId, why: why.join(',') });
}
