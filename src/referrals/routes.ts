import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { crisisContacts } from '#platform/crisis-contacts.ts';
import { Conflict } from '#platform/errors.ts';
import { decide, errorList, londonToday, nowInBoxes, text } from '#platform/forms.ts';
import { idParam, patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { renderPdf } from '#platform/pdf/document.ts';
import { shareable } from '../consent/model.ts';
import { niceRules } from '../directory/model.ts';
import { personCopy, personCopyPdf, referralLetter, referralLetterPdf } from '../letters/referral-letter.ts';
import { bannerOf } from '../patients/model.ts';
import { refuseInvalid } from '../patients/service.ts';
import { teamKindNames } from '../teams/model.ts';
import { parseEscalate } from './escalation/forms.ts';
import { escalatable, escalationStatuses } from './escalation/model.ts';
import { escalate, escalationsFor, seniorsFor } from './escalation/service.ts';
import {
  type ConversationAnswers,
  conversationAnswers,
  conversationWays,
  type LetterAnswers,
  letterAnswers,
  parseConversation,
  parseLetter,
  parseSend,
  parseStart,
  startAnswers,
} from './forms.ts';
import { parseAnswer, parseCancelRequest, parseReconsider } from './loop/forms.ts';
import { movesFor, rejectionConflict, rejectionReasons, stageInfo } from './loop/model.ts';
import { referrerStep } from './loop/service.ts';
import { SECTION_MAX } from './model.ts';
import {
  letterFacts,
  openReferral,
  recordConversation,
  referralForForm,
  referralsFor,
  saveReferralLetter,
  sendReferral,
  startReferral,
} from './service.ts';

// Referrals' pages: a person's referrals; a letter drafted for a service, read as it will be sent,
// changed, and sent once complete and consented; the letter as a PDF on the team's letterhead and
// the person's own copy; and early conversations with the service.

const referralsUrl = (patientId: string) => `/patients/${patientId}/referrals`;
const referralUrl = (patientId: string, referralId: string) => `${referralsUrl(patientId)}/${referralId}`;
const referralParam = (params: unknown) => idParam(params, 'referralId');
const sentQuery = z.object({ sent: z.literal('1').optional() });

// A letter of a dozen sections of up to 8,000 characters, URL-encoded: more than the default form limit.
const LETTER_BODY_LIMIT = 1024 * 1024;

type Found = Awaited<ReturnType<typeof openReferral>>;

async function referralPage(
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
  const { patient, referral, service, conflicts, consent, problems, conversations, messages } = found;
  const reason = referral.rejection?.reason;
  const errors = o.errors ?? {};
  const missing = new Map(problems.map((p) => [p.field, p.message]));
  return reply.code(status).page('referrals/views/referral.njk', {
    title: `Referral to ${service.name}`,
    banner: bannerOf(patient, who.clock.now()),
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

async function editPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  found: Found,
  o: { answers?: LetterAnswers; errors?: Record<string, string>; stale?: boolean } = {},
) {
  const { patient, referral, service, conflicts } = found;
  const answers = o.answers ?? {
    version: String(referral.version),
    sections: referral.letter.sections.map((s) => s.text),
    keepNice: referral.letter.keepNice,
  };
  const errors = o.errors ?? {};
  const fields = referral.letter.sections.map((s, i) => ({
    ...s,
    id: `section-${i}`,
    value: answers.sections[i] ?? '',
  }));
  return reply.code(status).page('referrals/views/edit.njk', {
    title: `Letter to ${service.name}`,
    banner: bannerOf(patient, who.clock.now()),
    referral,
    service,
    conflicts,
    version: o.stale ? referral.version : answers.version,
    fields,
    nice: referral.letter.nice,
    keepNice: answers.keepNice,
    maxLength: SECTION_MAX,
    errors,
    errorList: errorList(errors, ['form', ...fields.map((f) => f.id)]),
    backHref: referralUrl(patient.id, referral.id),
  });
}

async function conversationPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  found: Found,
  o: { answers?: ConversationAnswers; errors?: Record<string, string> } = {},
) {
  const { patient, referral, service } = found;
  const now = nowInBoxes(who.clock.now());
  const answers = o.answers ?? { withWhom: '', way: '', on: now.on, time: now.time, agreed: '' };
  const errors = o.errors ?? {};
  return reply.code(status).page('referrals/views/conversation.njk', {
    title: `A conversation with ${service.name}`,
    banner: bannerOf(patient, who.clock.now()),
    referral,
    service,
    answers,
    ways: Object.entries(conversationWays).map(([value, text]) => ({
      value,
      text,
      id: `way-${value}`,
      checked: answers.way === value,
    })),
    errors,
    errorList: errorList(errors, ['withWhom', ['way', 'way-phone'], ['on', 'on-day'], 'time', 'agreed']),
    backHref: referralUrl(patient.id, referral.id),
  });
}

/** A step of the referring team's (an answer, asking to cancel): the referral again on refusal. */
async function referrerPost(
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

export const referralPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients/:patientId/referrals',
    permission: 'patient:read',
    audit: 'referral.list',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { patient, referrals } = await referralsFor(who, patientParam(request.params));
      return reply.page('referrals/views/list.njk', {
        title: 'Referrals',
        banner: bannerOf(patient, deps.clock.now()),
        referrals: referrals.map((r) => ({
          ...r,
          statusText: stageInfo[r.stage].text,
          href: referralUrl(patient.id, r.id),
        })),
        backHref: `/patients/${patient.id}`,
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/referrals',
    permission: 'record:write',
    audit: 'referral.start',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const decided = await decide(parseStart(startAnswers(request.body)), (s) =>
        startReferral(who, patientId, s.assessmentId, s.serviceId, s.replaces),
      );
      if (decided.ok) return reply.redirect(referralUrl(patientId, decided.value.id), 303);
      await refuseInvalid(who, patientId, Object.keys(decided.issues));
      // The buttons that post here carry both ids: a refusal is a forged or stale form.
      throw new Conflict(Object.values(decided.issues)[0]!, 'bad-page-link');
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/referrals/:referralId',
    permission: 'patient:read',
    audit: 'referral.read',
    query: sentQuery,
    handler: async (request, reply, deps) =>
      referralPage(reply, actor(request, deps), 200, patientParam(request.params), referralParam(request.params), {
        audited: true,
        justSent: queryOf(request, sentQuery).sent === '1',
      }),
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/referrals/:referralId/edit',
    permission: 'record:write',
    audit: 'referral.edit',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const found = await openReferral(who, patientParam(request.params), referralParam(request.params));
      if (found.referral.stage !== 'draft')
        throw new Conflict('This referral has been sent: its letter can no longer be changed', 'illegal-transition');
      return editPage(reply, who, 200, found);
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/referrals/:referralId',
    permission: 'record:write',
    audit: 'referral.save',
    bodyLimit: LETTER_BODY_LIMIT,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const referralId = referralParam(request.params);
      const before = await referralForForm(who, patientId, referralId);
      const answers = letterAnswers(request.body, before.referral.letter.sections.length);
      const decided = await decide(
        parseLetter(
          answers,
          before.referral.letter.sections.map((s) => s.heading),
        ),
        (l) =>
          saveReferralLetter(who, patientId, referralId, { version: l.version, texts: l.texts, keepNice: l.keepNice }),
      );
      if (decided.ok && decided.value.saved) return reply.redirect(referralUrl(patientId, referralId), 303);
      if (decided.ok)
        // Someone saved first: their letter is shown, with the words this person typed kept in the boxes.
        return editPage(reply, who, 409, await referralForForm(who, patientId, referralId), {
          answers,
          stale: true,
          errors: {
            form: `Someone else changed this letter since you opened it. Your words are still in the boxes; check them against the letter as it is now (shown on the referral) before saving again.`,
          },
        });
      await refuseInvalid(who, patientId, Object.keys(decided.issues));
      return editPage(reply, who, 400, before, { answers, errors: decided.issues });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/referrals/:referralId/send',
    permission: 'record:write',
    audit: 'referral.send',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const referralId = referralParam(request.params);
      let decided: Awaited<ReturnType<typeof decide<number, void>>>;
      try {
        decided = await decide(parseSend(request.body), (version) => sendReferral(who, patientId, referralId, version));
      } catch (error) {
        // Changed since it was read: the letter as it is now, to read again before sending.
        if (error instanceof Conflict && error.code === 'stale-version')
          return referralPage(reply, who, 409, patientId, referralId, {
            audited: false,
            errors: { form: error.message },
          });
        throw error;
      }
      if (decided.ok) return reply.redirect(`${referralUrl(patientId, referralId)}?sent=1`, 303);
      await refuseInvalid(who, patientId, Object.keys(decided.issues));
      return referralPage(reply, who, 400, patientId, referralId, { audited: false, errors: decided.issues });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/referrals/:referralId/letter.pdf',
    permission: 'patient:read',
    audit: 'referral.letter-pdf',
    handler: async (request, reply, deps) => {
      const { facts } = await letterFacts(
        actor(request, deps),
        patientParam(request.params),
        referralParam(request.params),
      );
      const pdf = await renderPdf(referralLetterPdf(referralLetter(facts)), { createdAt: deps.clock.now() });
      return reply
        .type('application/pdf')
        .header('Content-Disposition', 'inline; filename="referral-letter.pdf"')
        .send(pdf);
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/referrals/:referralId/copy',
    permission: 'patient:read',
    audit: 'referral.copy',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const referralId = referralParam(request.params);
      const { service, copy } = await copyOfSent(who, patientId, referralId);
      return reply.page('referrals/views/copy.njk', {
        title: `Your referral to ${service.name}`,
        columns: 'full',
        copy,
        contacts: crisisContacts,
        pdfHref: `${referralUrl(patientId, referralId)}/copy.pdf`,
        backHref: referralUrl(patientId, referralId),
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/referrals/:referralId/copy.pdf',
    permission: 'patient:read',
    audit: 'referral.copy-pdf',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { copy } = await copyOfSent(who, patientParam(request.params), referralParam(request.params));
      const pdf = await renderPdf(personCopyPdf(copy), { createdAt: deps.clock.now() });
      return reply
        .type('application/pdf')
        .header('Content-Disposition', 'inline; filename="your-referral.pdf"')
        .send(pdf);
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/referrals/:referralId/conversations/new',
    permission: 'record:write',
    audit: 'referral.conversation-form',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      return conversationPage(
        reply,
        who,
        200,
        await openReferral(who, patientParam(request.params), referralParam(request.params)),
      );
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/referrals/:referralId/conversations',
    permission: 'record:write',
    audit: 'referral.conversation',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const referralId = referralParam(request.params);
      const answers = conversationAnswers(request.body);
      const decided = await decide(parseConversation(answers, londonToday(deps.clock.now())), (c) =>
        recordConversation(who, patientId, referralId, c),
      );
      if (decided.ok) return reply.redirect(`${referralUrl(patientId, referralId)}#conversations`, 303);
      await refuseInvalid(who, patientId, Object.keys(decided.issues));
      return conversationPage(reply, who, 400, await referralForForm(who, patientId, referralId), {
        answers,
        errors: decided.issues,
      });
    },
  }),
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

/** The person's copy, in plain words, of what was sent: a draft has none yet. */
async function copyOfSent(who: Actor, patientId: string, referralId: string) {
  const { facts, service } = await letterFacts(who, patientId, referralId);
  if (!facts.sent)
    throw new Conflict('The person’s copy is made when the referral is sent: send it first', 'illegal-transition');
  return {
    service,
    copy: personCopy({
      ...facts,
      serviceKind: teamKindNames[service.kind],
      responseDays: service.responseDays,
      waitWeeks: service.waitWeeks,
    }),
  };
}
