import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { showDate } from '#platform/clock.ts';
import { Conflict, Invalid } from '#platform/errors.ts';
import { errorList, formParser, proseText, text } from '#platform/forms.ts';
import { patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page } from '#platform/http/pages.ts';
import { duplicateReasonNames } from '../../ed-referrals/model.ts';
import { bannerName, bannerOf, formatNhsNumber, sexNames } from '../model.ts';
import { MERGE_REASON_MAX } from './model.ts';
import { mergeChoices, mergeRecords } from './service.ts';

// Merging a record into this one: the senior clinician chooses which record of the same person
// (among those their team cares for that may be them) and says why.

const parseMerge = formParser(
  z.object({
    mergedId: z.uuid({ message: 'Select the record to merge into this one' }),
    reason: proseText('The reason', MERGE_REASON_MAX).refine((v) => v !== '', {
      message: 'Say why these are the same person',
    }),
  }),
);

async function mergePage(
  reply: FastifyReply,
  who: Actor,
  patientId: string,
  status: number,
  values: { mergedId: string; reason: string },
  errors: Record<string, string>,
  refused?: string,
) {
  const { survivor, candidates } = await mergeChoices(who, patientId);
  return reply.code(status).page('patients/merge/views/merge.njk', {
    title: 'Merge another record into this one',
    banner: bannerOf(survivor, who.clock.now()),
    candidates: candidates.map((c) => ({
      value: c.person.id,
      text: `${bannerName(c.person)}, born ${showDate(c.person.dateOfBirth)}`,
      hint: {
        text: `NHS number ${c.person.nhsNumber ? formatNhsNumber(c.person.nhsNumber) : 'not known'}${c.person.identity === 'unverified' ? ' · unverified' : ''} · ${sexNames[c.person.sex]}${c.person.postcode ? ` · ${c.person.postcode}` : ''} · ${c.reasons.map((r) => duplicateReasonNames[r]).join('; ')}`,
      },
      id: `mergedId-${c.person.id}`,
      checked: values.mergedId === c.person.id,
    })),
    maxLength: MERGE_REASON_MAX,
    refused,
    values,
    errors,
    errorList: errorList(errors, [
      ['mergedId', candidates[0] ? `mergedId-${candidates[0].person.id}` : 'mergedId'],
      'reason',
    ]),
    backHref: `/patients/${survivor.id}`,
  });
}

export const mergePages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients/:patientId/merge',
    permission: 'record:merge',
    audit: 'patient.merge-form',
    handler: async (request, reply, deps) =>
      mergePage(reply, actor(request, deps), patientParam(request.params), 200, { mergedId: '', reason: '' }, {}),
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/merge',
    permission: 'record:merge',
    audit: 'patient.merge',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const values = { mergedId: text(request.body, 'mergedId').slice(0, 100), reason: text(request.body, 'reason') };
      const parsed = parseMerge(values);
      if (!parsed.ok) return mergePage(reply, who, patientId, 400, values, parsed.issues);
      try {
        await mergeRecords(who, patientId, parsed.value.mergedId.toLowerCase(), parsed.value.reason);
      } catch (error) {
        if (error instanceof Conflict) return mergePage(reply, who, patientId, 409, values, {}, error.message);
        if (error instanceof Invalid) return mergePage(reply, who, patientId, 400, values, error.issues);
        throw error;
      }
      return reply.redirect(`/patients/${patientId}#merges`, 303);
    },
  }),
];
