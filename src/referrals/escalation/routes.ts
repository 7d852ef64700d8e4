import type { FastifyReply } from 'fastify';
import { may } from '#platform/access/model.ts';
import { Conflict, Forbidden } from '#platform/errors.ts';
import { decide, errorList, londonToday, nowInBoxes } from '#platform/forms.ts';
import { idParam, patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page } from '#platform/http/pages.ts';
import { bannerOf } from '../../patients/model.ts';
import { refuseInvalid } from '../../patients/service.ts';
import { type ConversationAnswers, conversationAnswers, conversationWays, parseConversation } from '../forms.ts';
import { rejectionReasons, stageInfo } from '../loop/model.ts';
import { parseResolve } from './forms.ts';
import { escalationOverdue, escalationStatuses, outcomes } from './model.ts';
import { openEscalation, recordDiscussion, resolveEscalation } from './service.ts';

// An escalation's page: the referral it is about, each conversation with the service, and — for the
// senior clinician taking it up — a conversation to record and the resolution.

const escalationParam = (params: unknown) => idParam(params, 'escalationId');
const escalationUrl = (patientId: string, id: string) => `/patients/${patientId}/escalations/${id}`;

async function escalationPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  patientId: string,
  escalationId: string,
  o: { answers?: ConversationAnswers; errors?: Record<string, string> } = {},
) {
  const { patient, escalation, referral, notes } = await openEscalation(who, patientId, escalationId);
  const now = nowInBoxes(who.clock.now());
  const answers = o.answers ?? { withWhom: '', way: '', on: now.on, time: now.time, agreed: '' };
  const errors = o.errors ?? {};
  const reason = referral.rejection?.reason;
  return reply.code(status).page('referrals/escalation/views/escalation.njk', {
    title: `Escalation: referral to ${escalation.serviceName}`,
    banner: bannerOf(patient, who.clock.now()),
    escalation,
    statusText: escalationStatuses[escalation.status],
    outcomeText: escalation.outcome ? outcomes[escalation.outcome] : null,
    overdue: escalationOverdue(escalation, londonToday(who.clock.now())),
    referral,
    referralStage: stageInfo[referral.stage].text,
    rejectionText:
      reason && Object.hasOwn(rejectionReasons, reason)
        ? rejectionReasons[reason as keyof typeof rejectionReasons].text
        : null,
    notes: notes.map((n) => ({ ...n, wayText: conversationWays[n.way as keyof typeof conversationWays] ?? n.way })),
    canTakeUp:
      escalation.status !== 'resolved' && (who.user.id === escalation.ownerId || may(who.user.role, 'escalation:own')),
    answers,
    ways: Object.entries(conversationWays).map(([value, text]) => ({
      value,
      text,
      id: `way-${value}`,
      checked: answers.way === value,
    })),
    outcomes: Object.entries(outcomes).map(([value, text]) => ({ value, text, id: `outcome-${value}` })),
    errors,
    errorList: errorList(errors, [
      'form',
      'withWhom',
      ['way', 'way-phone'],
      ['on', 'on-day'],
      'time',
      'agreed',
      ['outcome', 'outcome-accepted'],
      'resolution',
    ]),
    backHref: `/patients/${patient.id}/referrals/${referral.id}#loop`,
  });
}

async function posted(
  reply: FastifyReply,
  who: Actor,
  patientId: string,
  escalationId: string,
  run: () => Promise<{ ok: true } | { ok: false; issues: Record<string, string> }>,
  answers?: ConversationAnswers,
) {
  try {
    const result = await run();
    if (result.ok) return reply.redirect(escalationUrl(patientId, escalationId), 303);
    await refuseInvalid(who, patientId, Object.keys(result.issues));
    return escalationPage(reply, who, 400, patientId, escalationId, { answers, errors: result.issues });
  } catch (error) {
    if (error instanceof Conflict || error instanceof Forbidden) {
      await refuseInvalid(who, patientId, [error.code]);
      return escalationPage(reply, who, error.status, patientId, escalationId, { errors: { form: error.message } });
    }
    throw error;
  }
}

export const escalationPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients/:patientId/escalations/:escalationId',
    permission: 'patient:read',
    audit: 'escalation.read',
    handler: async (request, reply, deps) =>
      escalationPage(reply, actor(request, deps), 200, patientParam(request.params), escalationParam(request.params)),
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/escalations/:escalationId/notes',
    permission: 'record:write',
    audit: 'escalation.discuss',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const escalationId = escalationParam(request.params);
      const answers = conversationAnswers(request.body);
      return posted(
        reply,
        who,
        patientId,
        escalationId,
        () =>
          decide(parseConversation(answers, londonToday(deps.clock.now())), (c) =>
            recordDiscussion(who, patientId, escalationId, c),
          ).then((d) => (d.ok ? { ok: true as const } : d)),
        answers,
      );
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/escalations/:escalationId/resolve',
    permission: 'record:write',
    audit: 'escalation.resolve',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const escalationId = escalationParam(request.params);
      return posted(reply, who, patientId, escalationId, () =>
        decide(parseResolve(request.body), (r) => resolveEscalation(who, patientId, escalationId, r)).then((d) =>
          d.ok ? { ok: true as const } : d,
        ),
      );
    },
  }),
];
