import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { crisisContacts } from '#platform/crisis-contacts.ts';
import { Conflict } from '#platform/errors.ts';
import { decide, errorList, londonToday, nowInBoxes } from '#platform/forms.ts';
import { patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { renderPdf } from '#platform/pdf/document.ts';
import { personCopy, personCopyPdf, referralLetter, referralLetterPdf } from '../letters/referral-letter.ts';
import { bannerOf } from '../patients/model.ts';
import { refuseInvalid } from '../patients/service.ts';
import { teamKindNames } from '../teams/model.ts';
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
import { stageInfo } from './loop/model.ts';
import { SECTION_MAX } from './model.ts';
import { type Found, referralPage, referralParam, referralUrl } from './referral-page.ts';
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

const sentQuery = z.object({ sent: z.literal('1').optional() });

// A letter of a dozen sections of up to 8,000 characters, URL-encoded: more than the default form limit.
const LETTER_BODY_LIMIT = 1024 * 1024;

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
