import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { showDateTime } from '#platform/clock.ts';
import { decide, errorList, londonToday, nowInBoxes } from '#platform/forms.ts';
import { idParam, patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { pageQuery } from '#platform/worklist.ts';
import { bannerName, bannerOf, formatNhsNumber } from '../patients/model.ts';
import { refuseInvalid } from '../patients/service.ts';
import { myTeams, teamChoice } from '../teams/service.ts';
import { appointmentStateNames } from './clinic/model.ts';
import { appointmentsOfFollowUp } from './clinic/service.ts';
import {
  type AttemptAnswers,
  attemptAnswers,
  parseAttempt,
  parseStop,
  type StopAnswers,
  stopAnswers,
} from './forms.ts';
import {
  attemptMethods,
  attemptResults,
  followUpStates,
  NOTE_MAX,
  stopReasons,
  timeLeftText,
  urgencyOf,
} from './model.ts';
import { followUpForForm, followUpWorklist, openFollowUp, recordAttempt, stopFollowUp } from './service.ts';
import type { WorklistRow } from './store.ts';

// The follow-up's pages: one follow-up with its attempts and the forms to record one or stop the
// clock, and the team's worklist of follow-ups still due.

const followUpParam = (params: unknown) => idParam(params, 'followUpId');
const url = (patientId: string, id: string) => `/patients/${patientId}/follow-ups/${id}`;

const blankAttempt = (now: Date): AttemptAnswers => {
  const n = nowInBoxes(now);
  return {
    on: n.on,
    time: n.time,
    method: '',
    result: '',
    note: '',
    nextOn: { day: '', month: '', year: '' },
    nextTime: '',
  };
};
const blankStop: StopAnswers = {
  reason: '',
  reasonText: '',
  otherTeam: '',
  otherTeamSawOn: { day: '', month: '', year: '' },
};

const radio = (prefix: string, names: Record<string, string>, chosen: string) =>
  Object.entries(names).map(([value, text]) => ({ value, text, id: `${prefix}-${value}`, checked: chosen === value }));

async function followUpPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  opened: Awaited<ReturnType<typeof openFollowUp>>,
  o: { attempt?: AttemptAnswers; stop?: StopAnswers; errors?: Record<string, string> } = {},
) {
  const { patient, followUp, attempts } = opened;
  const appointments = await appointmentsOfFollowUp(who, followUp.id);
  const now = who.clock.now();
  const errors = o.errors ?? {};
  const attempt = o.attempt ?? blankAttempt(now);
  const stop = o.stop ?? blankStop;
  return reply.code(status).page('followup/views/follow-up.njk', {
    title: '48-hour follow-up',
    banner: bannerOf(patient, now),
    followUp,
    phone: patient.phone ?? null,
    stateText: followUpStates.states[followUp.state],
    timeText: followUp.state === 'due' ? timeLeftText(followUp.dueAt, now) : null,
    overdue: followUp.state === 'due' && urgencyOf(followUp.dueAt, now) === 'overdue',
    stopReasonText: followUp.stopReason ? stopReasons[followUp.stopReason] : null,
    appointments: appointments.map((a) => ({ ...a, stateText: appointmentStateNames[a.state] })),
    booked: appointments.find((a) => a.state === 'booked'),
    attempts: attempts.map((a) => ({
      ...a,
      methodText: attemptMethods[a.method],
      resultText: attemptResults[a.result],
    })),
    canWrite: followUp.state === 'due' && may(who.user.role, 'record:write'),
    attempt,
    stop,
    methods: radio('method', attemptMethods, attempt.method),
    results: radio('result', attemptResults, attempt.result),
    reasons: radio('reason', stopReasons, stop.reason),
    noteMax: NOTE_MAX,
    errors,
    errorList: errorList(errors, [
      ['on', 'on-day'],
      'time',
      ['method', 'method-phone'],
      ['result', 'result-spoke'],
      'note',
      ['nextOn', 'nextOn-day'],
      'nextTime',
      ['reason', 'reason-admitted'],
      'reasonText',
      'otherTeam',
      ['otherTeamSawOn', 'otherTeamSawOn-day'],
    ]),
    backHref: `/patients/${patient.id}#timeline`,
  });
}

/** One row of the worklist as the table shows it. */
function worklistRow(r: WorklistRow, now: Date) {
  const urgency = urgencyOf(r.dueAt, now);
  return [
    { text: bannerName(r), href: url(r.patientId, r.id) },
    r.nhsNumber ? formatNhsNumber(r.nhsNumber) : 'Not known',
    r.phone
      ? { text: r.phone, href: `tel:${r.phone.replace(/ /g, '')}`, hiddenText: `to ring ${bannerName(r)}` }
      : 'Not known',
    showDateTime(r.dueAt),
    {
      countdown: {
        dueAt: r.dueAt.toISOString(),
        text: timeLeftText(r.dueAt, now),
        colour: urgency === 'overdue' ? 'red' : urgency === 'within-12-hours' ? 'orange' : 'grey',
        state: urgency,
        name: bannerName(r),
      },
    },
    r.lastAttempt
      ? `${attemptResults[r.lastAttempt.result]}, ${showDateTime(r.lastAttempt.at)}${r.lastAttempt.nextTryAt ? `; try again ${showDateTime(r.lastAttempt.nextTryAt)}` : ''}`
      : 'None yet',
    r.appointment?.state === 'booked'
      ? { tags: [{ text: `Booked ${showDateTime(r.appointment.startsAt)}`, colour: 'blue' }] }
      : r.appointment
        ? { tags: [{ text: `Did not attend ${showDateTime(r.appointment.startsAt)}`, colour: 'red' }] }
        : { text: 'Book', href: `${url(r.patientId, r.id)}/book`, hiddenText: `an appointment for ${bannerName(r)}` },
    r.hasSafetyPlan
      ? { text: 'Safety plan', href: `/patients/${r.patientId}/safety-plan`, hiddenText: `of ${bannerName(r)}` }
      : 'No safety plan',
  ];
}

const worklistQuery = pageQuery.extend({
  team: z.uuid({ message: 'The link names a team in a form Onward does not use' }).optional(),
});

/** The worklist's first rows for the home page, and the teams to switch between. */
export async function followUpsForHome(who: Actor, size: number) {
  const teams = await myTeams(who, 'liaison-psychiatry');
  if (teams.length === 0) return undefined;
  const page = await followUpWorklist(who, teams[0]!.id, undefined, size);
  const now = who.clock.now();
  return { rows: page.items.map((r) => worklistRow(r, now)), more: page.next !== null };
}

export const followUpPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients/:patientId/follow-ups/:followUpId',
    permission: 'patient:read',
    audit: 'follow-up.read',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      return followUpPage(
        reply,
        who,
        200,
        await openFollowUp(who, patientParam(request.params), followUpParam(request.params)),
      );
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/follow-ups/:followUpId/attempts',
    permission: 'record:write',
    audit: 'follow-up.attempt',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const id = followUpParam(request.params);
      const answers = attemptAnswers(request.body);
      const decided = await decide(parseAttempt(answers, londonToday(deps.clock.now())), (attempt) =>
        recordAttempt(who, patientId, id, attempt),
      );
      if (decided.ok) return reply.redirect(`${url(patientId, id)}#attempts`, 303);
      const opened = await followUpForForm(who, patientId, id);
      await refuseInvalid(who, patientId, Object.keys(decided.issues));
      return followUpPage(reply, who, 400, opened, { attempt: answers, errors: decided.issues });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/follow-ups/:followUpId/stop',
    permission: 'record:write',
    audit: 'follow-up.stop',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const id = followUpParam(request.params);
      const answers = stopAnswers(request.body);
      const decided = await decide(parseStop(answers, londonToday(deps.clock.now())), (stop) =>
        stopFollowUp(who, patientId, id, stop),
      );
      if (decided.ok) return reply.redirect(url(patientId, id), 303);
      const opened = await followUpForForm(who, patientId, id);
      await refuseInvalid(who, patientId, Object.keys(decided.issues));
      return followUpPage(reply, who, 400, opened, { stop: answers, errors: decided.issues });
    },
  }),
  definePage({
    method: 'GET',
    url: '/follow-ups',
    permission: 'patient:search',
    audit: 'follow-up.worklist',
    query: worklistQuery,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { team, after } = queryOf(request, worklistQuery);
      const { teamId, teamName, teams } = await teamChoice(
        who,
        'liaison-psychiatry',
        team,
        (id) => `/follow-ups?team=${id}`,
      );
      const now = deps.clock.now();
      const page = teamId ? await followUpWorklist(who, teamId, after) : { items: [], next: null };
      return reply.page('followup/views/worklist.njk', {
        title: 'Follow-ups due',
        columns: 'full',
        teamName,
        teams,
        rows: page.items.map((r) => worklistRow(r, now)),
        next: page.next,
        after,
        href: `/follow-ups?team=${teamId ?? ''}`,
        backHref: '/',
      });
    },
  }),
];
