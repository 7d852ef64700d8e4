import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { decide, errorList } from '#platform/forms.ts';
import { idParam, patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { bannerOf } from '../../patients/model.ts';
import { refuseInvalid } from '../../patients/service.ts';
import { teamKindNames } from '../../teams/model.ts';
import type { Conflict, Service } from '../model.ts';
import { type NeedsAnswers, needsAnswers, parseNeeds } from './forms.ts';
import { needs as needNames } from './model.ts';
import { confirmNeeds, needsForForm, needsOf, servicesFor } from './service.ts';

// Needs-led matching's pages: the needs confirmed from an assessment, and the aftercare services
// for the person — those that fit, ranked, and those that would exclude them, with why.

const assessmentParam = (params: unknown) => idParam(params, 'assessmentId');
/**
 * How many of each list the page shows before "show all": the best-ranked fits, and the exclusions in
 * name order. A whole region's directory is thousands of services; none is hidden, each list opens whole.
 */
const SHOWN = 25;
const servicesQuery = z.object({
  all: z.enum(['fits', 'excluded']).optional(),
  // Re-routing: the referral a service did not accept that the new one will replace.
  replaces: z.uuid({ message: 'The link names a referral in a form Onward does not use' }).optional(),
});
const needsUrl = (patientId: string, assessmentId: string) =>
  `/patients/${patientId}/assessments/${assessmentId}/needs`;

async function needsPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  found: Awaited<ReturnType<typeof needsOf>>,
  o: { answers?: NeedsAnswers; errors?: Record<string, string> } = {},
) {
  const { patient, assessment, needs } = found;
  const answers = o.answers ?? {
    needs: needs?.needs ?? [],
    wants: needs?.wants ?? '',
    version: String(needs?.version ?? 0),
  };
  const errors = o.errors ?? {};
  return reply.code(status).page('directory/matching/views/needs.njk', {
    title: 'The person’s needs',
    banner: bannerOf(patient, who.clock.now()),
    assessment,
    confirmed: needs,
    answers,
    items: Object.entries(needNames).map(([value, n]) => ({
      value,
      text: n.text,
      checked: answers.needs.includes(value),
    })),
    canWrite: may(who.user.role, 'record:write'),
    errors,
    errorList: errorList(errors, [['needs', 'needs'], 'wants']),
    backHref: `/patients/${patient.id}/assessments/${assessment.id}`,
  });
}

export const matchingPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients/:patientId/assessments/:assessmentId/needs',
    permission: 'patient:read',
    audit: 'needs.read',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      return needsPage(
        reply,
        who,
        200,
        await needsOf(who, patientParam(request.params), assessmentParam(request.params)),
      );
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/assessments/:assessmentId/needs',
    permission: 'record:write',
    audit: 'needs.confirm',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const assessmentId = assessmentParam(request.params);
      const answers = needsAnswers(request.body);
      const decided = await decide(parseNeeds(answers), (n) =>
        confirmNeeds(who, patientId, assessmentId, { needs: n.needs, wants: n.wants }, n.version),
      );
      if (decided.ok) return reply.redirect(`/patients/${patientId}/assessments/${assessmentId}/services`, 303);
      await refuseInvalid(who, patientId, Object.keys(decided.issues));
      return needsPage(reply, who, 400, await needsForForm(who, patientId, assessmentId), {
        answers,
        errors: decided.issues,
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/assessments/:assessmentId/services',
    permission: 'patient:read',
    audit: 'services.match',
    query: servicesQuery,
    handler: async (request, reply, deps) => {
      const { all, replaces } = queryOf(request, servicesQuery);
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const assessmentId = assessmentParam(request.params);
      const { patient, assessment, needs, matched } = await servicesFor(who, patientId, assessmentId);
      const card = (m: {
        service: { id: string; name: string; kind: Service['kind'] };
        reasons: string[];
        conflicts: Conflict[];
      }) => ({
        id: m.service.id,
        name: m.service.name,
        kindText: teamKindNames[m.service.kind],
        reasons: m.reasons,
        conflicts: m.conflicts,
      });
      return reply.page('directory/matching/views/services.njk', {
        title: 'Aftercare services for this person',
        banner: bannerOf(patient, deps.clock.now()),
        assessment,
        needs: needs && { ...needs, names: needs.needs.map((n) => needNames[n].text) },
        needsHref: needsUrl(patientId, assessmentId),
        fits: (matched?.fits ?? []).slice(0, all === 'fits' ? undefined : SHOWN).map(card),
        excluded: (matched?.excluded ?? []).slice(0, all === 'excluded' ? undefined : SHOWN).map(card),
        fitCount: matched?.fits.length ?? 0,
        excludedCount: matched?.excluded.length ?? 0,
        allHref: (list: string) =>
          `/patients/${patientId}/assessments/${assessmentId}/services?all=${list}${replaces ? `&replaces=${replaces}` : ''}#${list}`,
        replaces: replaces ?? null,
        canWrite: may(who.user.role, 'record:write'),
        backHref: `/patients/${patientId}/assessments/${assessmentId}`,
      });
    },
  }),
];
