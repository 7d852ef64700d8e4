import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { londonWallTime, showDate, showDateTime } from '#platform/clock.ts';
import { Conflict, Invalid } from '#platform/errors.ts';
import { decide, errorList, nowInBoxes, text } from '#platform/forms.ts';
import { idParam, patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { bannerName, bannerOf, formatNhsNumber } from '../../patients/model.ts';
import { refuseInvalid } from '../../patients/service.ts';
import { teamChoice } from '../../teams/service.ts';
import { NOTE_MAX } from '../model.ts';
import {
  type OutcomeAnswers,
  outcomeAnswers,
  parseCancel,
  parseOutcome,
  parseSession,
  parseSlot,
  type SessionAnswers,
  sessionAnswers,
  slotValue,
} from './forms.ts';
import { appointmentStateNames, type OfferedSlot, SLOT_LENGTHS, sessionModes, slotsOf } from './model.ts';
import {
  appointmentForOutcome,
  bookingChoices,
  bookSlot,
  cancelAppointment,
  clinicDay,
  cliniciansOf,
  createSession,
  recordOutcome,
  teamClinics,
} from './service.ts';

// The follow-up clinic's pages: the team's sessions, setting one up, the day's clinic list (printed
// for the day) with each appointment's outcome, and booking, rebooking or cancelling a person's slot.

const sessionParam = (params: unknown) => idParam(params, 'sessionId');
const appointmentParam = (params: unknown) => idParam(params, 'appointmentId');
const followUpParam = (params: unknown) => idParam(params, 'followUpId');
const followUpUrl = (patientId: string, id: string) => `/patients/${patientId}/follow-ups/${id}`;

const teamQuery = z.object({
  team: z.uuid({ message: 'The link names a team in a form Onward does not use' }).optional(),
});

const chosenTeam = (who: Actor, team: string | undefined) =>
  teamChoice(who, 'liaison-psychiatry', team, (id) => `/clinics?team=${id}`);

const sessionWhen = (s: { startsAt: Date; endsAt: Date }) =>
  `${showDateTime(s.startsAt)} to ${londonWallTime(s.endsAt).time}`;

async function sessionForm(
  reply: FastifyReply,
  who: Actor,
  status: number,
  teamId: string,
  answers: SessionAnswers,
  errors: Record<string, string> = {},
) {
  const clinicians = await cliniciansOf(who, teamId);
  return reply.code(status).page('followup/clinic/views/new-session.njk', {
    title: 'Set up a clinic session',
    teamId,
    answers,
    slotLengths: SLOT_LENGTHS.map((n) => ({
      value: String(n),
      text: `${n} minutes`,
      selected: answers.slotMinutes === String(n),
    })),
    modes: Object.entries(sessionModes).map(([value, label]) => ({
      value,
      text: label,
      id: `mode-${value}`,
      checked: answers.mode === value,
    })),
    clinicians: [
      { value: '', text: 'Choose a clinician' },
      ...clinicians.map((c) => ({ value: c.id, text: c.display_name, selected: answers.clinicianId === c.id })),
    ],
    errors,
    errorList: errorList(errors, [
      ['on', 'on-day'],
      'startTime',
      'endTime',
      'slotMinutes',
      ['mode', 'mode-in-person'],
      'place',
      'clinicianId',
    ]),
    backHref: `/clinics?team=${teamId}`,
  });
}

const slotItem = (s: OfferedSlot, chosen: string) => {
  const value = slotValue(s.sessionId, s.startsAt);
  return {
    value,
    text: showDateTime(s.startsAt),
    hint: { text: `${sessionModes[s.mode]}: ${s.place}, with ${s.clinicianName}` },
    checked: chosen === value,
  };
};

async function bookingPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  patientId: string,
  followUpId: string,
  o: { chosen?: string; errors?: Record<string, string> } = {},
) {
  const { patient, followUp, offered, booked } = await bookingChoices(who, patientId, followUpId);
  const errors = o.errors ?? {};
  const chosen = o.chosen ?? '';
  return reply.code(status).page('followup/clinic/views/book.njk', {
    title: booked ? 'Rebook the follow-up appointment' : 'Book a follow-up appointment',
    banner: bannerOf(patient, who.clock.now()),
    followUp,
    booked,
    open: followUp.state === 'due',
    // Inside the 48 hours first (NICE NG225); later slots are offered below, marked late.
    inTime: offered.inTime.slice(0, 40).map((s) => slotItem(s, chosen)),
    late: offered.late.slice(0, 40).map((s) => slotItem(s, chosen)),
    errors,
    errorList: errorList(errors, [['slot', 'slot'], 'reason']),
    backHref: followUpUrl(patientId, followUpId),
  });
}

async function outcomePage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  sessionId: string,
  appointmentId: string,
  o: { answers?: OutcomeAnswers; errors?: Record<string, string> } = {},
) {
  const { session, appointment, patient } = await appointmentForOutcome(who, sessionId, appointmentId);
  const errors = o.errors ?? {};
  // A refused outcome is kept in the trail, as every refused form about a person is.
  if (o.errors) await refuseInvalid(who, patient.id, Object.keys(errors));
  const answers = o.answers ?? { attended: '', note: '' };
  return reply.code(status).page('followup/clinic/views/outcome.njk', {
    title: 'What happened at the appointment',
    banner: bannerOf(patient, who.clock.now()),
    session,
    appointment,
    stateText: appointmentStateNames[appointment.state],
    answers,
    noteMax: NOTE_MAX,
    canWrite: appointment.state === 'booked' && may(who.user.role, 'record:write'),
    errors,
    errorList: errorList(errors, [['attended', 'attended-yes'], 'note']),
    backHref: `/clinics/${sessionId}`,
  });
}

export const clinicPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/clinics',
    permission: 'patient:search',
    audit: 'clinic.sessions',
    query: teamQuery,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { teams, teamId, teamName } = await chosenTeam(who, queryOf(request, teamQuery).team);
      const sessions = teamId ? await teamClinics(who, teamId) : [];
      const now = deps.clock.now();
      return reply.page('followup/clinic/views/sessions.njk', {
        title: 'Follow-up clinic',
        columns: 'full',
        teamId,
        teamName,
        teams,
        canWrite: may(who.user.role, 'record:write'),
        rows: sessions.map((s) => [
          { text: sessionWhen(s), href: `/clinics/${s.id}` },
          `${sessionModes[s.mode]}: ${s.place}`,
          s.clinicianName,
          `${s.taken} of ${slotsOf(s).length} booked`,
          s.endsAt.getTime() <= now.getTime() ? 'Finished' : s.startsAt.getTime() <= now.getTime() ? 'Now' : 'Coming',
        ]),
        backHref: '/',
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/clinics/new',
    permission: 'record:write',
    audit: 'clinic.session-form',
    query: teamQuery,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { teamId } = await chosenTeam(who, queryOf(request, teamQuery).team);
      if (!teamId) throw new Invalid({ team: 'You are not in a liaison team' }, 'You are not in a liaison team');
      const n = nowInBoxes(deps.clock.now());
      return sessionForm(reply, who, 200, teamId, {
        on: n.on,
        startTime: '',
        endTime: '',
        slotMinutes: '30',
        mode: '',
        place: '',
        clinicianId: who.user.id,
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/clinics',
    permission: 'record:write',
    audit: 'clinic.session-create',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const team = z.uuid().safeParse(text(request.body, 'team').toLowerCase());
      const { teamId } = await chosenTeam(who, team.success ? team.data : undefined);
      if (!teamId) throw new Invalid({ team: 'You are not in a liaison team' }, 'You are not in a liaison team');
      const answers = sessionAnswers(request.body);
      const decided = await decide(parseSession(answers), (session) => createSession(who, teamId, session));
      if (decided.ok) return reply.redirect(`/clinics/${decided.value}`, 303);
      return sessionForm(reply, who, 400, teamId, answers, decided.issues);
    },
  }),
  definePage({
    method: 'GET',
    url: '/clinics/:sessionId',
    permission: 'patient:search',
    audit: 'clinic.list',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { session, rows } = await clinicDay(who, sessionParam(request.params));
      const byStart = new Map(rows.map((r) => [r.startsAt.getTime(), r]));
      return reply.page('followup/clinic/views/clinic-list.njk', {
        title: `Follow-up clinic, ${showDateTime(session.startsAt)}`,
        columns: 'full',
        session,
        when: sessionWhen(session),
        modeText: sessionModes[session.mode],
        // Every slot, free or taken, so the printed list is the day as it stands.
        slots: slotsOf(session).map((at) => {
          const r = byStart.get(at.getTime());
          return {
            time: londonWallTime(at).time,
            booked: r && {
              ...r,
              name: bannerName(r),
              nhsNumber: r.nhsNumber ? formatNhsNumber(r.nhsNumber) : 'Not known',
              dateOfBirth: showDate(r.dateOfBirth),
              stateText: appointmentStateNames[r.state],
              late: at.getTime() > r.followUpDueAt.getTime(),
            },
          };
        }),
        backHref: `/clinics?team=${session.teamId}`,
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/clinics/:sessionId/appointments/:appointmentId',
    permission: 'patient:read',
    audit: 'clinic.appointment-read',
    handler: async (request, reply, deps) =>
      outcomePage(reply, actor(request, deps), 200, sessionParam(request.params), appointmentParam(request.params)),
  }),
  definePage({
    method: 'POST',
    url: '/clinics/:sessionId/appointments/:appointmentId/outcome',
    permission: 'record:write',
    audit: 'clinic.outcome',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const sessionId = sessionParam(request.params);
      const appointmentId = appointmentParam(request.params);
      const answers = outcomeAnswers(request.body);
      const decided = await decide(parseOutcome(answers), (outcome) =>
        recordOutcome(who, sessionId, appointmentId, outcome),
      );
      if (decided.ok) return reply.redirect(`/clinics/${sessionId}#slot-${appointmentId}`, 303);
      return outcomePage(reply, who, 400, sessionId, appointmentId, { answers, errors: decided.issues });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/follow-ups/:followUpId/book',
    permission: 'patient:read',
    audit: 'follow-up.booking-read',
    handler: async (request, reply, deps) =>
      bookingPage(reply, actor(request, deps), 200, patientParam(request.params), followUpParam(request.params)),
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/follow-ups/:followUpId/appointments',
    permission: 'record:write',
    audit: 'follow-up.book',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const followUpId = followUpParam(request.params);
      const parsed = parseSlot(request.body);
      let issues = parsed.ok ? undefined : parsed.issues;
      if (parsed.ok) {
        try {
          await bookSlot(who, patientId, followUpId, parsed.value);
          return reply.redirect(`${followUpUrl(patientId, followUpId)}#appointments`, 303);
        } catch (error) {
          // Someone else took the slot first: the page again, saying so, with the slots still free.
          if (error instanceof Conflict && error.code === 'slot-taken')
            issues = { slot: 'Someone has just booked this time. Choose another time.' };
          else if (error instanceof Invalid) issues = error.issues;
          else throw error;
          await refuseInvalid(who, patientId, ['slot']);
          return bookingPage(reply, who, error instanceof Conflict ? 409 : 400, patientId, followUpId, {
            errors: issues,
          });
        }
      }
      await refuseInvalid(who, patientId, ['slot']);
      return bookingPage(reply, who, 400, patientId, followUpId, {
        chosen: text(request.body, 'slot'),
        errors: issues,
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/follow-ups/:followUpId/appointments/:appointmentId/cancel',
    permission: 'record:write',
    audit: 'follow-up.cancel-appointment',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const followUpId = followUpParam(request.params);
      const parsed = parseCancel(request.body);
      if (!parsed.ok) {
        await refuseInvalid(who, patientId, Object.keys(parsed.issues));
        return bookingPage(reply, who, 400, patientId, followUpId, { errors: parsed.issues });
      }
      await cancelAppointment(who, patientId, followUpId, appointmentParam(request.params), parsed.value);
      return reply.redirect(`${followUpUrl(patientId, followUpId)}#appointments`, 303);
    },
  }),
];
