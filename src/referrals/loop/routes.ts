import { Conflict } from '#platform/errors.ts';
import { decide, londonToday, text } from '#platform/forms.ts';
import { patientParam } from '#platform/http/input.ts';
import { actor, definePage, type Page } from '#platform/http/pages.ts';
import { refuseInvalid } from '../../patients/service.ts';
import { parseEscalate } from '../escalation/forms.ts';
import { escalate } from '../escalation/service.ts';
import { referralPage, referralParam, referrerPost } from '../referral-page.ts';
import { parseAnswer, parseCancelRequest, parseReconsider } from './forms.ts';
import { referrerStep } from './service.ts';

// The referring team's steps in the closed loop, from the referral's page: escalating it to a senior
// clinician, answering the service's question, sending a rejection back to think again, asking to
// cancel (or discarding a draft). A refused step shows the referral again with what was typed.

export const referrerLoopPages: Page[] = [
  definePage({
    method: 'POST',
    url: '/patients/:patientId/referrals/:referralId/escalate',
    permission: 'record:write',
    audit: 'referral.escalate',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const referralId = referralParam(request.params);
      try {
        const decided = await decide(parseEscalate(request.body, londonToday(deps.clock.now())), (e) =>
          escalate(who, patientId, referralId, e),
        );
        if (decided.ok) return reply.redirect(`/patients/${patientId}/escalations/${decided.value}`, 303);
        await refuseInvalid(who, patientId, Object.keys(decided.issues));
        return referralPage(reply, who, 400, patientId, referralId, { audited: false, errors: decided.issues });
      } catch (error) {
        if (error instanceof Conflict) {
          await refuseInvalid(who, patientId, [error.code]);
          return referralPage(reply, who, 409, patientId, referralId, {
            audited: false,
            errors: { form: error.message },
          });
        }
        throw error;
      }
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/referrals/:referralId/answer',
    permission: 'record:write',
    audit: 'referral.answer',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const referralId = referralParam(request.params);
      return referrerPost(
        reply,
        who,
        patientId,
        referralId,
        async () => {
          const parsed = parseAnswer(request.body);
          if (!parsed.ok) return parsed;
          await referrerStep(who, patientId, referralId, parsed.value.seen, {
            event: 'referral.information-given',
            answer: parsed.value.answer,
          });
          return { ok: true };
        },
        request.body,
      );
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/referrals/:referralId/reconsider',
    permission: 'record:write',
    audit: 'referral.reconsider',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const referralId = referralParam(request.params);
      return referrerPost(
        reply,
        who,
        patientId,
        referralId,
        async () => {
          const parsed = parseReconsider(request.body);
          if (!parsed.ok) return parsed;
          await referrerStep(who, patientId, referralId, parsed.value.seen, {
            event: 'referral.reconsideration-asked',
            challenge: parsed.value.challenge,
          });
          return { ok: true };
        },
        request.body,
      );
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/referrals/:referralId/cancel',
    permission: 'record:write',
    audit: 'referral.cancel',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const referralId = referralParam(request.params);
      return referrerPost(
        reply,
        who,
        patientId,
        referralId,
        async () => {
          // A draft is discarded at once; a sent referral is cancelled by asking the service.
          if (text(request.body, 'seen') === 'draft') {
            await referrerStep(who, patientId, referralId, 'draft', { event: 'referral.cancelled' });
            return { ok: true };
          }
          const parsed = parseCancelRequest(request.body);
          if (!parsed.ok) return parsed;
          await referrerStep(who, patientId, referralId, parsed.value.seen, {
            event: 'referral.cancellation-requested',
            reason: parsed.value.reason,
          });
          return { ok: true };
        },
        request.body,
      );
    },
  }),
];
