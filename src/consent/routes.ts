import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { decide, errorList, londonToday, nowInBoxes } from '#platform/forms.ts';
import { idParam, patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { bannerOf } from '../patients/model.ts';
import { refuseInvalid } from '../patients/service.ts';
import { type ConsentAnswers, consentAnswers, consentWayItems, parseConsent, parseWithdrawal } from './forms.ts';
import { consentWays, shareable } from './model.ts';
import { consentForm, consentsFor, recordConsent, withdrawConsent } from './service.ts';

// Consent's pages: the person's consents (in force and withdrawn, each withdrawable), and the form
// to record what they agreed to share with one service.

const consentsUrl = (patientId: string) => `/patients/${patientId}/consents`;
// `referral`: the referral the form was opened from, which the person goes back to once consent is recorded.
const newQuery = z.object({
  service: z.uuid({ message: 'Choose the service from the directory' }),
  referral: z.uuid({ message: 'Open the referral again' }).optional(),
});

async function consentsPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  patientId: string,
  errors: Record<string, string> = {},
) {
  const { patient, consents } = await consentsFor(who, patientId);
  return reply.code(status).page('consent/views/consents.njk', {
    title: 'Consent to share',
    banner: bannerOf(patient, who.clock.now()),
    consents: consents.map((c) => ({
      ...c,
      sharesText: c.shares.map((s) => shareable[s]).join(', '),
      wayText: consentWays[c.way],
    })),
    canWrite: may(who.user.role, 'record:write'),
    errors,
    errorList: errorList(errors, ['reason']),
    backHref: `/patients/${patientId}`,
  });
}

async function newConsentPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  patientId: string,
  serviceId: string,
  o: { answers?: ConsentAnswers; errors?: Record<string, string>; audited: boolean; referralId?: string },
) {
  const { patient, service, conflicts } = await consentForm(who, patientId, serviceId, o.audited);
  const answers = o.answers ?? {
    serviceId,
    referralId: o.referralId ?? '',
    shares: ['letter'],
    way: '',
    givenOn: nowInBoxes(who.clock.now()).on,
  };
  const errors = o.errors ?? {};
  return reply.code(status).page('consent/views/new.njk', {
    title: `Consent to share with ${service.name}`,
    banner: bannerOf(patient, who.clock.now()),
    service,
    conflicts,
    answers,
    shares: Object.entries(shareable).map(([value, text]) => ({
      value,
      text,
      checked: answers.shares.includes(value),
    })),
    ways: consentWayItems(answers.way),
    errors,
    errorList: errorList(errors, [
      ['shares', 'shares'],
      ['way', 'way-in-person'],
      ['givenOn', 'givenOn-day'],
      'serviceId',
    ]),
    backHref: consentsUrl(patientId),
  });
}

export const consentPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients/:patientId/consents',
    permission: 'patient:read',
    audit: 'consent.list',
    handler: async (request, reply, deps) =>
      consentsPage(reply, actor(request, deps), 200, patientParam(request.params)),
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/consents/new',
    permission: 'record:write',
    audit: 'consent.form',
    query: newQuery,
    handler: async (request, reply, deps) => {
      const query = queryOf(request, newQuery);
      return newConsentPage(
        reply,
        actor(request, deps),
        200,
        patientParam(request.params),
        query.service.toLowerCase(),
        {
          audited: true,
          referralId: query.referral?.toLowerCase(),
        },
      );
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/consents',
    permission: 'record:write',
    audit: 'consent.record',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const answers = consentAnswers(request.body);
      const decided = await decide(parseConsent(answers, londonToday(deps.clock.now())), (c) =>
        recordConsent(who, patientId, c),
      );
      if (decided.ok) {
        const referral = z.uuid().safeParse(answers.referralId.toLowerCase());
        return reply.redirect(
          referral.success ? `/patients/${patientId}/referrals/${referral.data}#consent` : consentsUrl(patientId),
          303,
        );
      }
      await refuseInvalid(who, patientId, Object.keys(decided.issues));
      const serviceId = z.uuid().safeParse(answers.serviceId.toLowerCase());
      if (!serviceId.success) return consentsPage(reply, who, 400, patientId, decided.issues);
      return newConsentPage(reply, who, 400, patientId, serviceId.data, {
        answers,
        errors: decided.issues,
        audited: false,
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/consents/:consentId/withdraw',
    permission: 'record:write',
    audit: 'consent.withdraw',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const decided = await decide(parseWithdrawal(request.body), (reason) =>
        withdrawConsent(who, patientId, idParam(request.params, 'consentId'), reason),
      );
      if (decided.ok) return reply.redirect(consentsUrl(patientId), 303);
      await refuseInvalid(who, patientId, Object.keys(decided.issues));
      return consentsPage(reply, who, 400, patientId, decided.issues);
    },
  }),
];
