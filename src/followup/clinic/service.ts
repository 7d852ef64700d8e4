import { auditAction } from '#platform/audit/store.ts';
import { showDateTime } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { Conflict, Forbidden, Invalid, NotFound, refuseProblems } from '#platform/errors.ts';
import { changeState } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { openPatient, requireCare } from '../../patients/service.ts';
import { type FollowUpState, followUpStates } from '../model.ts';
import { attemptWithin, held } from '../service.ts';
import * as followUps from '../store.ts';
import {
  type AppointmentState,
  appointmentStates,
  type ClinicSession,
  checkOutcome,
  checkSession,
  isSlotOf,
  type Outcome,
  offerSlots,
} from './model.ts';
import * as store from './store.ts';

// The follow-up clinic's use cases: a team sets up sessions; a practitioner books a person's
// follow-up into a slot (inside the 48 hours first), rebooks or cancels; the clinic list records
// who attended. Each change to an appointment is a state change with its event and audit row, and
// it is written on the follow-up's record too, in the same transaction.

const DAY_MS = 86_400_000;
/** How far back the clinic list reaches: a week, so a missed outcome can still be recorded. */
const CLINICS_LOOK_BACK_MS = 7 * DAY_MS;
const SESSIONS_SHOWN = 100;

function requireTeam(actor: Actor, teamId: string) {
  if (!actor.user.teamIds.includes(teamId))
    throw new Forbidden('You can see only your own teams’ clinics', 'not-your-team');
}

/** Set up a clinic session for a team, with a clinician from that team. */
export async function createSession(actor: Actor, teamId: string, session: ClinicSession): Promise<string> {
  requireTeam(actor, teamId);
  const problems = checkSession(session, actor.clock.now());
  const clinicians = await store.teamClinicians(actor.db, teamId);
  refuseProblems([
    ...problems,
    ...(clinicians.some((c) => c.id === session.clinicianId)
      ? []
      : [{ field: 'clinicianId' as const, message: 'Select a clinician from your team' }]),
  ]);
  return actor.db.transaction().execute(async (tx) => {
    const id = await store.insertSession(tx, { ...session, teamId, by: actor.user.id, at: actor.clock.now() });
    await auditAction(tx, actor, null, 'ok', { session: id, team: teamId });
    return id;
  });
}

/** The clinicians a team's session may be with. */
export async function cliniciansOf(actor: Actor, teamId: string) {
  requireTeam(actor, teamId);
  return store.teamClinicians(actor.db, teamId);
}

/** A team's sessions from a week ago onwards, with how many slots each has and how many are taken. */
export async function teamClinics(actor: Actor, teamId: string) {
  requireTeam(actor, teamId);
  const now = actor.clock.now();
  const sessions = await store.sessionsOfTeam(
    actor.db,
    teamId,
    new Date(now.getTime() - CLINICS_LOOK_BACK_MS),
    SESSIONS_SHOWN,
  );
  const taken = await store.takenSlots(
    actor.db,
    sessions.map((s) => s.id),
  );
  return sessions.map((s) => ({ ...s, taken: taken.get(s.id)?.length ?? 0 }));
}

async function sessionOfMyTeam(actor: Actor, sessionId: string) {
  const session = await store.findSession(actor.db, sessionId);
  if (!session || !actor.user.teamIds.includes(session.teamId)) throw new NotFound('There is no such clinic session.');
  return session;
}

/** A session's clinic list: who is booked when. It names people, so it is an audited read. */
export async function clinicDay(actor: Actor, sessionId: string) {
  const session = await sessionOfMyTeam(actor, sessionId);
  const rows = await store.clinicList(actor.db, sessionId);
  await auditAction(actor.db, actor, null, 'ok', { session: sessionId, listed: rows.length });
  return { session, rows };
}

/** A follow-up with the slots its team's clinic can offer: inside the 48 hours first. */
export async function bookingChoices(actor: Actor, patientId: string, followUpId: string) {
  const patient = await openPatient(actor, patientId, { followUp: followUpId });
  const followUp = await followUps.findFollowUp(actor.db, followUpId);
  if (!followUp || followUp.patientId !== patientId) throw new NotFound('There is no such follow-up for this person.');
  const now = actor.clock.now();
  const sessions = await store.sessionsOfTeam(actor.db, followUp.teamId, now, SESSIONS_SHOWN);
  const taken = await store.takenSlots(
    actor.db,
    sessions.map((s) => s.id),
  );
  const offered = offerSlots(
    sessions.map((s) => ({ ...s, taken: taken.get(s.id) ?? [] })),
    followUp.dueAt,
    now,
  );
  const booked = (await store.appointmentsOf(actor.db, followUpId)).find((a) => a.state === 'booked');
  return { patient, followUp, offered, booked };
}

/** A follow-up's appointments, for its page (the caller has opened the record). */
export async function appointmentsOfFollowUp(actor: Actor, followUpId: string) {
  return store.appointmentsOf(actor.db, followUpId);
}

async function cancelWithin(
  tx: Db,
  actor: Actor,
  a: { id: string; patientId: string; followUpId: string; state: AppointmentState },
  reason: string,
) {
  await changeState(tx, actor, appointmentStates, {
    subjectType: 'clinic-appointment',
    subjectId: a.id,
    patientId: a.patientId,
    current: a.state,
    event: 'appointment.cancelled',
    data: { followUp: a.followUpId },
    audit: { appointment: a.id },
    write: () =>
      store.closeAppointment(tx, {
        id: a.id,
        to: 'cancelled',
        by: actor.user.id,
        at: actor.clock.now(),
        cancelReason: reason,
      }),
  });
}

/**
 * Book the follow-up into a slot of its team's clinic; an appointment already waiting is cancelled
 * in the same transaction (a rebooking). Two people taking one slot at once: the first wins, the
 * second is told, and nothing of theirs is written (the rebooking's cancellation included).
 */
export async function bookSlot(
  actor: Actor,
  patientId: string,
  followUpId: string,
  slot: { sessionId: string; startsAt: Date },
): Promise<{ appointmentId: string; late: boolean }> {
  await requireCare(actor, patientId);
  const now = actor.clock.now();
  return actor.db.transaction().execute(async (tx) => {
    const row = await held(tx, patientId, followUpId);
    const followUp = await followUps.findFollowUp(tx, followUpId);
    const session = await store.findSession(tx, slot.sessionId);
    if (!followUp || !session || session.teamId !== followUp.teamId)
      throw new Invalid({ slot: 'Choose one of your team’s clinic times' }, undefined, 'not-a-slot');
    if (!isSlotOf(session, slot.startsAt))
      throw new Invalid({ slot: 'Choose one of the clinic’s appointment times' }, undefined, 'not-a-slot');
    if (slot.startsAt.getTime() <= now.getTime())
      throw new Invalid({ slot: 'Choose a time that has not passed' }, undefined, 'not-a-slot');
    const waiting = await store.lockBooked(tx, followUpId);
    if (waiting)
      await cancelWithin(
        tx,
        actor,
        { id: waiting.id, patientId, followUpId, state: 'booked' },
        `Rebooked for ${showDateTime(slot.startsAt)}`,
      );
    let appointmentId: string | undefined;
    await changeState(tx, actor, followUpStates, {
      subjectType: 'follow-up',
      subjectId: followUpId,
      patientId,
      current: row.state as FollowUpState,
      event: 'follow-up.booked',
      data: { session: session.id, startsAt: slot.startsAt.toISOString(), rebooked: Boolean(waiting) },
      audit: { followUp: followUpId, session: session.id },
      write: async () => {
        appointmentId = await store.takeSlot(tx, {
          sessionId: session.id,
          followUpId,
          patientId,
          startsAt: slot.startsAt,
          by: actor.user.id,
          at: now,
        });
        if (!appointmentId) throw new Conflict('Someone has just booked this time. Choose another time.', 'slot-taken');
      },
    });
    return { appointmentId: appointmentId!, late: slot.startsAt.getTime() > row.due_at.getTime() };
  });
}

async function heldAppointment(tx: Db, appointmentId: string) {
  const a = await store.lockAppointment(tx, appointmentId);
  if (!a) throw new NotFound('There is no such appointment.');
  return a;
}

/** Cancel a booked appointment, saying why. The follow-up stays due, back on the worklist. */
export async function cancelAppointment(
  actor: Actor,
  patientId: string,
  followUpId: string,
  appointmentId: string,
  reason: string,
): Promise<void> {
  await requireCare(actor, patientId);
  if (reason.trim() === '') throw new Invalid({ reason: 'Say why the appointment is cancelled' });
  await actor.db.transaction().execute(async (tx) => {
    const a = await heldAppointment(tx, appointmentId);
    if (a.patient_id !== patientId || a.follow_up_id !== followUpId)
      throw new NotFound('There is no such appointment.');
    await cancelWithin(tx, actor, { id: a.id, patientId, followUpId, state: a.state as AppointmentState }, reason);
  });
}

/**
 * What happened at an appointment, from the clinic list. Attending is contact with the person: the
 * note is recorded as the follow-up's attempt and makes it done (if it was still due). Not
 * attending leaves the follow-up due, on the worklist, and says so on its record.
 */
export async function recordOutcome(
  actor: Actor,
  sessionId: string,
  appointmentId: string,
  outcome: Outcome,
): Promise<{ patientId: string }> {
  const session = await sessionOfMyTeam(actor, sessionId);
  const now = actor.clock.now();
  const first = await store.findAppointment(actor.db, appointmentId);
  if (!first || first.sessionId !== sessionId) throw new NotFound('There is no such appointment.');
  await requireCare(actor, first.patientId);
  const problems = checkOutcome(outcome, { startsAt: first.startsAt, now });
  refuseProblems(problems);
  await actor.db.transaction().execute(async (tx) => {
    // The follow-up first, then the appointment: the order a booking takes them in.
    const followUp = await held(tx, first.patientId, first.followUpId);
    const a = await heldAppointment(tx, appointmentId);
    await changeState(tx, actor, appointmentStates, {
      subjectType: 'clinic-appointment',
      subjectId: a.id,
      patientId: a.patient_id,
      current: a.state as AppointmentState,
      event: outcome.attended ? 'appointment.attended' : 'appointment.did-not-attend',
      data: { followUp: a.follow_up_id },
      audit: { appointment: a.id },
      write: (to) =>
        store.closeAppointment(tx, { id: a.id, to: to as 'attended' | 'did-not-attend', by: actor.user.id, at: now }),
    });
    if (followUp.state !== 'due') return;
    if (outcome.attended)
      await attemptWithin(tx, actor, followUp, {
        at: a.starts_at,
        method: session.mode,
        result: 'spoke',
        note: outcome.note,
        nextTryAt: null,
      });
    else
      await changeState(tx, actor, followUpStates, {
        subjectType: 'follow-up',
        subjectId: followUp.id,
        patientId: followUp.patient_id,
        current: 'due',
        event: 'follow-up.not-attended',
        data: { appointment: a.id, startsAt: a.starts_at.toISOString() },
        audit: { followUp: followUp.id, appointment: a.id },
        write: async () => {},
      });
  });
  return { patientId: first.patientId };
}

/** One appointment with its person, for the outcome form on the clinic list. */
export async function appointmentForOutcome(actor: Actor, sessionId: string, appointmentId: string) {
  const session = await sessionOfMyTeam(actor, sessionId);
  const appointment = await store.findAppointment(actor.db, appointmentId);
  if (!appointment || appointment.sessionId !== sessionId) throw new NotFound('There is no such appointment.');
  const patient = await openPatient(actor, appointment.patientId, { appointment: appointmentId });
  return { session, appointment, patient };
}
