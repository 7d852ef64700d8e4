import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { showDate, showDateTime } from '#platform/clock.ts';
import { Conflict } from '#platform/errors.ts';
import { decide, errorList, nowInBoxes } from '#platform/forms.ts';
import { idParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { pageQuery } from '#platform/worklist.ts';
import { sectionKeys as assessmentKeys, sections as assessmentSections } from '../../assessments/model.ts';
import { niceRules } from '../../directory/model.ts';
import { formatNhsNumber } from '../../patients/model.ts';
import { sectionKeys as safetyKeys, sections as safetySections } from '../../plans/safety/model.ts';
import { parseServiceStep, type StepAnswers, stepAnswers } from '../loop/forms.ts';
import {
  isOverdue,
  movesFor,
  rejectionConflict,
  rejectionReasons,
  type Stage,
  stageInfo,
  workingDaysBetween,
} from '../loop/model.ts';
import { refuseStep, serviceStep } from '../loop/service.ts';
import { myInbox, openPacket } from './service.ts';

// The receiving service's pages: the inbox of referrals to its services, and a referral's packet
// with the steps the service may take from where it stands.

const inboxQuery = pageQuery.extend({ order: z.enum(['oldest', 'newest']).optional() });
const referralParam = (params: unknown) => idParam(params, 'referralId');
const packetUrl = (id: string) => `/inbox/referrals/${id}`;

const stepLabels: Record<string, string> = {
  'referral.accepted': 'accept',
  'referral.rejected': 'reject',
  'referral.information-asked': 'ask',
  'referral.booked': 'book',
  'referral.appointment-cancelled': 'cancel-appointment',
  'referral.attended': 'attended',
  'referral.did-not-attend': 'did-not-attend',
  'referral.discharged': 'discharge',
  'referral.cancelled': 'confirm-cancel',
};

async function packetPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  referralId: string,
  o: { answers?: StepAnswers; errors?: Record<string, string>; open?: string } = {},
) {
  const p = await openPacket(who, referralId);
  const { referral, patient } = p;
  const now = who.clock.now();
  const moves = movesFor(referral.stage, 'service', {
    cancellationRequested: referral.cancellationRequestedAt !== null,
    replaced: referral.replacedBy !== null,
  })
    .map((e) => stepLabels[e])
    .filter((s): s is string => s !== undefined);
  const errors = o.errors ?? {};
  const answers = o.answers ?? {
    step: '',
    seen: referral.stage,
    reason: '',
    text: '',
    question: '',
    on: nowInBoxes(new Date(now.getTime() + 86_400_000)).on,
    time: '10:00',
    place: '',
    how: '',
    outcome: '',
  };
  const reason = referral.rejection?.reason as keyof typeof rejectionReasons | undefined;
  return reply.code(status).page('referrals/inbox/views/packet.njk', {
    title: `Referral of ${patient.given_name} ${patient.family_name}`,
    referral,
    stageText: stageInfo[referral.stage].text,
    seen: referral.stage,
    person: {
      name: `${patient.given_name} ${patient.family_name}`,
      dateOfBirth: showDate(patient.date_of_birth),
      nhsNumber: patient.nhs_number ? formatNhsNumber(patient.nhs_number) : 'Not known',
      postcode: patient.postcode ?? 'Not known',
      phone: patient.phone ?? 'Not known',
      gp: patient.gp_practice_ods ?? 'Not known',
    },
    sections: referral.letter.sections.filter((s) => s.text.trim() !== ''),
    nice: referral.letter.keepNice ? referral.letter.nice : null,
    assessment:
      p.assessment &&
      assessmentKeys
        .map((k) => ({ heading: assessmentSections[k].heading, text: p.assessment!.sections[k] }))
        .filter((s) => s.text),
    carePlan: p.carePlan?.content,
    safetyPlan:
      p.safetyPlan &&
      safetyKeys
        .map((k) => ({ heading: safetySections[k].heading, text: p.safetyPlan!.sections[k] }))
        .filter((s) => s.text),
    notShared: ['assessment', 'care-plan', 'safety-plan'].filter((s) => !referral.shared.includes(s)),
    rejection: reason && {
      text: rejectionReasons[reason].text,
      words: referral.rejection!.text,
      conflict: rejectionConflict(reason) && niceRules[rejectionConflict(reason)!],
    },
    messages: p.messages,
    consentWithdrawnAt: p.consentWithdrawnAt,
    history: p.history,
    moves,
    reasons: Object.entries(rejectionReasons).map(([value, r]) => ({
      value,
      text: r.text,
      id: `reason-${value}`,
      checked: answers.reason === value,
      conflict: r.nice ? niceRules[r.nice] : null,
    })),
    hows: [
      { value: 'in-person', text: 'In person', id: 'how-in-person', checked: answers.how === 'in-person' },
      { value: 'phone', text: 'On the phone', id: 'how-phone', checked: answers.how === 'phone' },
      { value: 'video', text: 'On a video call', id: 'how-video', checked: answers.how === 'video' },
    ],
    answers,
    open: o.open,
    errors,
    errorList: errorList(errors, [
      'form',
      ['reason', 'reason-risk-too-high'],
      'text',
      'question',
      ['on', 'on-day'],
      'time',
      'place',
      ['how', 'how-in-person'],
      'outcome',
    ]),
    backHref: '/inbox',
  });
}

export const inboxPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/inbox',
    permission: 'referral:inbox',
    audit: 'referral.inbox',
    query: inboxQuery,
    handler: async (request, reply, deps) => {
      const { after, order = 'oldest' } = queryOf(request, inboxQuery);
      const page = await myInbox(actor(request, deps), order, after);
      const now = deps.clock.now();
      return reply.page('referrals/inbox/views/inbox.njk', {
        title: 'Referrals to your service',
        order,
        rows: page.items.map((r) => [
          { text: `${r.familyName.toUpperCase()}, ${r.givenName}`, href: packetUrl(r.id) },
          showDate(r.dateOfBirth),
          r.serviceName,
          showDateTime(r.sentAt),
          `${workingDaysBetween(r.sentAt, now)} working days${isOverdue(r, r.responseDays, now) ? ' (overdue)' : ''}`,
          `${stageInfo[r.stage as Stage].text}${r.receivedAt ? '' : ' (not opened)'}${r.cancellationRequestedAt ? '; cancellation asked for' : ''}`,
        ]),
        next: page.next,
        after,
        href: `/inbox?order=${order}`,
        columns: 'full',
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/inbox/referrals/:referralId',
    permission: 'referral:inbox',
    audit: 'referral.packet',
    handler: async (request, reply, deps) =>
      packetPage(reply, actor(request, deps), 200, referralParam(request.params)),
  }),
  definePage({
    method: 'POST',
    url: '/inbox/referrals/:referralId',
    permission: 'referral:inbox',
    audit: 'referral.step',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const referralId = referralParam(request.params);
      const answers = stepAnswers(request.body);
      try {
        const decided = await decide(parseServiceStep(answers), (s) => serviceStep(who, referralId, s.seen, s.step));
        if (decided.ok) return reply.redirect(packetUrl(referralId), 303);
        await refuseStep(who, referralId, Object.keys(decided.issues));
        return packetPage(reply, who, 400, referralId, { answers, errors: decided.issues, open: answers.step });
      } catch (error) {
        // Someone else acted first, or the step is not one for where it stands: the referral as it is now.
        if (error instanceof Conflict) {
          await refuseStep(who, referralId, [error.code]);
          return packetPage(reply, who, 409, referralId, { errors: { form: error.message } });
        }
        throw error;
      }
    },
  }),
];
