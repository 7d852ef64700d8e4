import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { Conflict } from '#platform/errors.ts';
import { decide, errorList, londonToday, nowInBoxes } from '#platform/forms.ts';
import { patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { consentWayItems } from '../../consent/forms.ts';
import { consentWays } from '../../consent/model.ts';
import { stateTag } from '../../notify/model.ts';
import { personKinds, wordsOf } from '../../notify/texts.ts';
import { bannerOf } from '../model.ts';
import { refuseInvalid } from '../service.ts';
import { type ContactAnswers, contactAnswers, parseContact } from './forms.ts';
import { contactFor, saveContact } from './service.ts';

// How the person wants to hear from us: what they agreed to (texts, emails, whether a message may
// name the service), the form to change it, and every text and email sent to them, with whether
// it arrived — a failed one is for the team to follow up, not a line in a log.

const savedQuery = z.object({ saved: z.literal('1').optional() });

const contactUrl = (patientId: string) => `/patients/${patientId}/contact`;

async function contactPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  patientId: string,
  o: { answers?: ContactAnswers; errors?: Record<string, string>; saved?: boolean } = {},
) {
  const { patient, contact, sent } = await contactFor(who, patientId);
  const answers = o.answers ?? {
    mobile: contact?.mobile ?? '',
    email: contact?.email ?? '',
    nameServices: contact ? (contact.nameServices ? 'yes' : 'no') : '',
    way: contact?.way ?? '',
    givenOn: nowInBoxes(who.clock.now()).on,
    version: String(contact?.version ?? 0),
  };
  const errors = o.errors ?? {};
  return reply.code(status).page('patients/contact/views/contact.njk', {
    title: 'How they want to hear from us',
    banner: bannerOf(patient, who.clock.now()),
    contact,
    wayText: contact ? consentWays[contact.way] : null,
    sent: sent.map((m) => ({
      ...m,
      kindText: personKinds[m.kind as keyof typeof personKinds] ?? m.kind,
      words: wordsOf(m),
      tag: stateTag(m),
    })),
    canWrite: may(who.user.role, 'record:write'),
    canOpen: may(who.user.role, 'outbox:read'),
    answers,
    ways: consentWayItems(answers.way),
    errors,
    errorList: errorList(errors, [
      'mobile',
      'email',
      ['nameServices', 'nameServices-yes'],
      ['way', 'way-in-person'],
      ['givenOn', 'givenOn-day'],
      'version',
    ]),
    saved: o.saved ?? false,
    backHref: `/patients/${patientId}`,
  });
}

export const contactPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients/:patientId/contact',
    permission: 'patient:read',
    audit: 'contact.read',
    query: savedQuery,
    handler: async (request, reply, deps) => {
      const saved = queryOf(request, savedQuery).saved === '1';
      return contactPage(reply, actor(request, deps), 200, patientParam(request.params), { saved });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/contact',
    permission: 'record:write',
    audit: 'contact.change',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const answers = contactAnswers(request.body);
      try {
        const decided = await decide(parseContact(answers, londonToday(deps.clock.now())), (c) =>
          saveContact(who, patientId, c.version, c.preferences),
        );
        if (decided.ok) return reply.redirect(`${contactUrl(patientId)}?saved=1`, 303);
        await refuseInvalid(who, patientId, Object.keys(decided.issues));
        return contactPage(reply, who, 400, patientId, { answers, errors: decided.issues });
      } catch (error) {
        if (!(error instanceof Conflict)) throw error;
        await refuseInvalid(who, patientId, ['version']);
        return contactPage(reply, who, 409, patientId, { errors: { version: error.message } });
      }
    },
  }),
];
