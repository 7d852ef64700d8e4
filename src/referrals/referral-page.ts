import type { FastifyReply } from 'fastify';
import { may } from '#platform/access/model.ts';
import { Conflict } from '#platform/errors.ts';
import { errorList, nowInBoxes, text } from '#platform/forms.ts';
import { idParam } from '#platform/http/input.ts';
import type { Actor } from '#platform/http/pages.ts';
import { shareable } from '../consent/model.ts';
import { niceRules } from '../directory/model.ts';
import { needsAction, stateTag } from '../notify/model.ts';
import { isPersonKind, personKinds } from '../notify/texts.ts';
import { bannerOf } from '../patients/model.ts';
import { refuseInvalid } from '../patients/service.ts';
import { teamKindNames } from '../teams/model.ts';
import { escalatable, escalationStatuses } from './escalation/model.ts';
import { escalationsFor, seniorsFor } from './escalation/service.ts';
import { conversationWays } from './forms.ts';
import { movesFor, rejectionConflict, rejectionReasons, stageInfo } from './loop/model.ts';
import { openReferral, referralForForm } from './service.ts';

// A referral's own page, as the referring team reads it — the letter, where it stands in the loop,
// the answers the team may give — shared by the letter's routes and the loop's referrer steps,
// which show it again, with what was typed, when a step is refused.

export const referralsUrl = (patientId: string) => `/patients/${patientId}/referrals`;
export const referralUrl = (patientId: string, referralId: string) => `${referralsUrl(patientId)}/${referralId}`;
export const referralParam = (params: unknown) => idParam(params, 'referralId');

export type Found = Awaited<ReturnType<typeof openReferral>>;

export async function referralPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  patientId: string,
  referralId: string,
  o: { audited: boolean; errors?: Record<string, string>; justSent?: boolean; values?: Record<string, string> },
) {
  const found: Found = o.audited
    ? await openReferral(who, patientId, referralId)
    : await referralForForm(who, patientId, referralId);
  const { patient, referral, service, conflicts, consent, problems, conversations, messages, deliveries } = found;
  const reason = referral.rejection?.reason;
  const errors = o.errors ?? {};
  const missing = new Map(problems.map((p) => [p.field, p.message]));
  return reply.code(status).page('referrals/views/referral.njk', {
    title: `Referral to ${service.name}`,
    banner: bannerOf(patient, who.clock.now()),
    // The letter's journey out, from the outbox: sent, kept, or a task when it could not go.
    letterQueued: deliveries.some((m) => m.kind === 'referral-letter'),
    deliveries: deliveries.map((m) => ({
      what: isPersonKind(m.kind)
        ? `${personKinds[m.kind]}, by ${m.channel === 'sms' ? 'text' : 'email'}`
        : 'The letter by secure email',
      tag: stateTag(m),
      to: `${m.recipientName} (${m.recipient})`,
      at: m.sentAt ?? m.stateAt,
      why: needsAction.includes(m.state) || m.state === 'withheld' ? m.lastError : null,
      href: may(who.user.role, 'outbox:read') ? `/outbox/${m.id}` : null,
    })),
    referral,
    statusText: stageInfo[referral.stage].text,
    service: { ...service, kindText: teamKindNames[service.kind] },
    conflicts,
    consent: consent && {
      ...consent,
      sharesText: consent.shares.map((s) => shareable[s]).join(', '),
    },
    sections: referral.letter.sections.map((s, i) => ({
      ...s,
      id: `section-${i}`,
      missing: missing.get(`section-${i}`),
    })),
    nice: referral.letter.keepNice ? referral.letter.nice : null,
    problems,
    conversations: conversations.map((c) => ({
      ...c,
      wayText: conversationWays[c.way as keyof typeof conversationWays] ?? c.way,
    })),
    sharedText: referral.shared
      .filter((s) => s !== 'letter')
      .map((s) => (shareable[s as keyof typeof shareable] ?? s).toLowerCase()),
    closedLoop: {
      moves: movesFor(referral.stage, 'referrer', {
        cancellationRequested: referral.cancellationRequestedAt !== null,
        replaced: referral.replacedBy !== null,
      }),
      // Re-routing: the matching page for the same assessment, its buttons making a replacement.
      rerouteHref:
        referral.stage === 'rejected' && referral.replacedBy === null
          ? `/patients/${patient.id}/assessments/${referral.assessmentId}/services?replaces=${referral.id}`
          : null,
      // The answer the referrer may send back, started with the guidance where the reason conflicts with it.
      challengeStart: (() => {
        const rule =
          reason && Object.hasOwn(rejectionReasons, reason)
            ? rejectionConflict(reason as keyof typeof rejectionReasons)
            : null;
        return rule ? `${niceRules[rule]} Please think again about seeing ${patient.givenName}.` : '';
      })(),
      open: stageInfo[referral.stage].open && referral.stage !== 'draft',
      rejection:
        reason && Object.hasOwn(rejectionReasons, reason)
          ? {
              text: rejectionReasons[reason as keyof typeof rejectionReasons].text,
              words: referral.rejection!.text,
              conflict: (() => {
                const rule = rejectionConflict(reason as keyof typeof rejectionReasons);
                return rule ? niceRules[rule] : null;
              })(),
            }
          : null,
      messages,
    },
    escalation: {
      may: escalatable.includes(referral.stage),
      seniors: escalatable.includes(referral.stage) ? await seniorsFor(who, referral.teamId) : [],
      list: (await escalationsFor(who, referral.id)).map((e) => ({ ...e, statusText: escalationStatuses[e.status] })),
      due: nowInBoxes(new Date(who.clock.now().getTime() + 2 * 86_400_000)).on,
    },
    canWrite: may(who.user.role, 'record:write'),
    justSent: o.justSent === true && referral.stage !== 'draft',
    // What the person typed, kept when a step is refused (a stale page, a missing answer).
    values: o.values ?? {},
    errors,
    errorList: errorList(errors, [
      'form',
      'ownerId',
      'escalationReason',
      ['dueOn', 'dueOn-day'],
      'answer',
      'challenge',
      'cancelReason',
      'consent',
      ...referral.letter.sections.map((_, i) => `section-${i}`),
    ]),
    backHref: referralsUrl(patient.id),
  });
}

/** A step of the referring team's (an answer, asking to cancel): the referral again on refusal. */
export async function referrerPost(
  reply: FastifyReply,
  who: Actor,
  patientId: string,
  referralId: string,
  decided: () => Promise<{ ok: true } | { ok: false; issues: Record<string, string> }>,
  body?: unknown,
) {
  const values = Object.fromEntries(['answer', 'challenge', 'cancelReason'].map((k) => [k, text(body, k)]));
  try {
    const result = await decided();
    if (result.ok) return reply.redirect(`${referralUrl(patientId, referralId)}#loop`, 303);
    await refuseInvalid(who, patientId, Object.keys(result.issues));
    return referralPage(reply, who, 400, patientId, referralId, { audited: false, errors: result.issues, values });
  } catch (error) {
    if (error instanceof Conflict) {
      await refuseInvalid(who, patientId, [error.code]);
      return referralPage(reply, who, 409, patientId, referralId, {
        audited: false,
        errors: { form: error.message },
        values,
      });
    }
    throw error;
  }
}
