import type { FastifyReply } from 'fastify';
import { showDateTime } from '#platform/clock.ts';
import { decide, errorList, londonToday } from '#platform/forms.ts';
import { patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page } from '#platform/http/pages.ts';
import { bannerOf } from '../patients/model.ts';
import { refuseInvalid } from '../patients/service.ts';
import { stageInfo } from '../referrals/loop/model.ts';
import { type DischargeAnswers, dischargeAnswers, parseDischarge } from './forms.ts';
import { dischargeReasons, followUpStillDue, REASON_TEXT_MAX } from './model.ts';
import { dischargeContext, dischargeFromCare } from './service.ts';

const fieldOrder = [
  ['reason', 'reason-aftercare-in-place'],
  'reasonText',
  ['on', 'on-day'],
  'followUpReason',
  'referralsReason',
] as const;

const blank: DischargeAnswers = {
  reason: '',
  reasonText: '',
  on: { day: '', month: '', year: '' },
  followUpReason: '',
  referralsReason: '',
};

async function dischargePage(
  reply: FastifyReply,
  who: Actor,
  patientId: string,
  status: number,
  values: DischargeAnswers,
  errors: Record<string, string>,
) {
  const { patient, care, followUpDueAt, openReferrals } = await dischargeContext(who, patientId);
  const now = who.clock.now();
  return reply.code(status).page('care/views/discharge.njk', {
    title: 'Discharge from the caseload',
    banner: bannerOf(patient, now),
    careStartedAt: care.startedAt,
    followUpDue: followUpStillDue(followUpDueAt) ? showDateTime(followUpDueAt!) : null,
    openReferrals: openReferrals.map((r) => ({
      text: `${r.serviceName}: ${stageInfo[r.stage].text}`,
      href: `/patients/${patient.id}/referrals/${r.id}`,
    })),
    reasons: Object.entries(dischargeReasons).map(([value, text]) => ({
      value,
      text,
      id: `reason-${value}`,
      checked: values.reason === value,
    })),
    maxLength: REASON_TEXT_MAX,
    values,
    errors,
    errorList: errorList(errors, fieldOrder),
    backHref: `/patients/${patient.id}`,
  });
}

export const carePages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients/:patientId/discharge',
    permission: 'record:write',
    audit: 'care.discharge-form',
    handler: async (request, reply, deps) =>
      dischargePage(reply, actor(request, deps), patientParam(request.params), 200, blank, {}),
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/discharge',
    permission: 'record:write',
    audit: 'care.discharge',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const answers = dischargeAnswers(request.body);
      const decided = await decide(parseDischarge(answers, londonToday(deps.clock.now())), (discharge) =>
        dischargeFromCare(who, patientId, discharge),
      );
      if (!decided.ok) {
        await refuseInvalid(who, patientId, Object.keys(decided.issues));
        return dischargePage(reply, who, patientId, 400, answers, decided.issues);
      }
      // The team no longer sees the record, so the page to go back to is the caseload.
      return reply.redirect('/?notice=discharged', 303);
    },
  }),
];
