import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { showDateTime } from '#platform/clock.ts';
import { decide, errorList, parseVersion } from '#platform/forms.ts';
import { idParam, patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { pageQuery } from '#platform/worklist.ts';
import { bannerOf } from '../patients/model.ts';
import { refuseInvalid } from '../patients/service.ts';
import { teamKindNames } from '../teams/model.ts';
import {
  answersOf,
  type NeedsAnswers,
  needsAnswers,
  parseNeeds,
  parseService,
  type ServiceAnswers,
  serviceAnswers,
} from './forms.ts';
import {
  type Conflict,
  criteria,
  needs as needNames,
  referralRoutes,
  type Service,
  type ServiceStatus,
  serviceKinds,
  serviceStatuses,
} from './model.ts';
import {
  confirmNeeds,
  createService,
  directoryPage,
  editService,
  needsForForm,
  needsOf,
  openService,
  servicesFor,
} from './service.ts';

// The directory's pages: the list, one service with its NICE conflicts and history, and the
// administrator's form to add or change a service.

const serviceParam = (params: unknown) => idParam(params, 'serviceId');

// The list's filters: a kind, a status, words in the name. An empty choice is "any".
const listQuery = pageQuery.extend({
  kind: z.enum(['', ...serviceKinds], { message: 'Choose a kind of service from the list' }).optional(),
  status: z
    .enum(['', ...(Object.keys(serviceStatuses) as ServiceStatus[])], { message: 'Choose a status from the list' })
    .optional(),
  name: z.string().max(200, { message: 'Search for at most 200 characters' }).optional(),
});
const assessmentParam = (params: unknown) => idParam(params, 'assessmentId');
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
  return reply.code(status).page('directory/views/needs.njk', {
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

const conflictTags = (conflicts: readonly Conflict[]) =>
  conflicts.length === 0
    ? { tags: [{ text: 'None', colour: 'green' }] }
    : { tags: conflicts.map((c) => ({ text: c.why, colour: 'red' })) };

const areaText = (s: Service) =>
  [
    s.catchment.districts.length ? `Postcodes ${s.catchment.districts.join(', ')}` : '',
    s.catchment.practices.length ? `GP practices ${s.catchment.practices.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ') || 'Anywhere';

const blankAnswers = (): ServiceAnswers => ({
  name: '',
  providerOds: '',
  kind: '',
  status: 'active',
  districts: '',
  practices: '',
  ageMin: '',
  ageMax: '',
  referralMustContain: '',
  route: '',
  phone: '',
  secureEmail: '',
  address: '',
  openingTimes: '',
  waitWeeks: '',
  responseDays: '',
  reason: '',
  version: '',
});

function formPage(
  reply: FastifyReply,
  status: number,
  o: { answers: ServiceAnswers; errors?: Record<string, string>; serviceId?: string },
) {
  const errors = o.errors ?? {};
  const a = o.answers;
  return reply.code(status).page('directory/views/form.njk', {
    title: o.serviceId ? 'Change a service' : 'Add a service',
    serviceId: o.serviceId,
    answers: a,
    kinds: [
      { value: '', text: 'Choose a kind of service' },
      ...serviceKinds.map((k) => ({ value: k, text: teamKindNames[k], selected: a.kind === k })),
    ],
    statuses: Object.entries(serviceStatuses).map(([value, text]) => ({
      value,
      text,
      id: `status-${value}`,
      checked: a.status === value,
    })),
    routes: Object.entries(referralRoutes).map(([value, text]) => ({
      value,
      text,
      id: `route-${value}`,
      checked: a.route === value,
    })),
    criteria: Object.entries(criteria).map(([code, c]) => ({
      code,
      text: c.text,
      use: a[`use-${code}`] ?? '',
      words: a[`words-${code}`] ?? '',
      items: [
        { value: '', text: 'Not used', selected: !a[`use-${code}`] },
        { value: 'eligibility', text: 'Takes only', selected: a[`use-${code}`] === 'eligibility' },
        { value: 'exclusion', text: 'Excludes', selected: a[`use-${code}`] === 'exclusion' },
      ],
    })),
    errors,
    errorList: errorList(errors, [
      'name',
      'providerOds',
      'kind',
      ['status', 'status-active'],
      'districts',
      'practices',
      'ageMin',
      'ageMax',
      'criteria',
      'referralMustContain',
      ['route', 'route-ers'],
      'phone',
      'secureEmail',
      'address',
      'openingTimes',
      'waitWeeks',
      'responseDays',
      'reason',
    ]),
    backHref: o.serviceId ? `/directory/${o.serviceId}` : '/directory',
  });
}

async function servicePage(reply: FastifyReply, who: Actor, id: string) {
  const { service, conflicts, versions } = await openService(who, id);
  return reply.page('directory/views/service.njk', {
    title: service.name,
    service,
    kindText: teamKindNames[service.kind],
    statusText: serviceStatuses[service.status],
    routeText: referralRoutes[service.route],
    area: areaText(service),
    ages:
      service.ages.min === null && service.ages.max === null
        ? 'Any age'
        : `${service.ages.min ?? 0} to ${service.ages.max ?? 'any age'}`,
    takesOnly: service.criteria
      .filter((c) => c.kind === 'eligibility')
      .map((c) => ({ ...c, name: criteria[c.code].text })),
    excludes: service.criteria
      .filter((c) => c.kind === 'exclusion')
      .map((c) => ({ ...c, name: criteria[c.code].text })),
    conflicts,
    versions: versions.map((v) => ({ ...v, savedAtText: showDateTime(v.savedAt) })),
    canEdit: may(who.user.role, 'directory:edit'),
    backHref: '/directory',
  });
}

export const directoryPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/directory',
    permission: 'directory:read',
    audit: 'directory.list',
    query: listQuery,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { after, kind, status, name } = queryOf(request, listQuery);
      const filter = { kind: kind || undefined, status: status || undefined, name: name?.trim() || undefined };
      const page = await directoryPage(who, after, filter);
      const search = new URLSearchParams(
        Object.entries({ kind: filter.kind, status: filter.status, name: filter.name }).filter(
          (e): e is [string, string] => e[1] !== undefined,
        ),
      ).toString();
      return reply.page('directory/views/list.njk', {
        title: 'Aftercare services',
        columns: 'full',
        canEdit: may(who.user.role, 'directory:edit'),
        rows: page.items.map((s) => [
          { text: s.name, href: `/directory/${s.id}` },
          teamKindNames[s.kind],
          serviceStatuses[s.status],
          areaText(s),
          conflictTags(s.conflicts),
        ]),
        next: page.next,
        after,
        href: search ? `/directory?${search}` : '/directory',
        filter: { kind: filter.kind ?? '', status: filter.status ?? '', name: filter.name ?? '' },
        kinds: [
          { value: '', text: 'Any kind' },
          ...serviceKinds.map((k) => ({ value: k, text: teamKindNames[k], selected: filter.kind === k })),
        ],
        statuses: [
          { value: '', text: 'Any status' },
          ...Object.entries(serviceStatuses).map(([value, text]) => ({
            value,
            text,
            selected: filter.status === value,
          })),
        ],
        backHref: '/',
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/directory/new',
    permission: 'directory:edit',
    audit: 'directory.new-form',
    handler: async (_request, reply) => formPage(reply, 200, { answers: blankAnswers() }),
  }),
  definePage({
    method: 'POST',
    url: '/directory',
    permission: 'directory:edit',
    audit: 'directory.create',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const answers = serviceAnswers(request.body);
      const decided = await decide(parseService(answers), (s) => createService(who, s));
      if (decided.ok) return reply.redirect(`/directory/${decided.value}`, 303);
      return formPage(reply, 400, { answers, errors: decided.issues });
    },
  }),
  definePage({
    method: 'GET',
    url: '/directory/:serviceId',
    permission: 'directory:read',
    audit: 'directory.read',
    handler: async (request, reply, deps) => servicePage(reply, actor(request, deps), serviceParam(request.params)),
  }),
  definePage({
    method: 'GET',
    url: '/directory/:serviceId/edit',
    permission: 'directory:edit',
    audit: 'directory.edit-form',
    handler: async (request, reply, deps) => {
      const id = serviceParam(request.params);
      const { service } = await openService(actor(request, deps), id);
      return formPage(reply, 200, { answers: answersOf(service), serviceId: id });
    },
  }),
  definePage({
    method: 'POST',
    url: '/directory/:serviceId',
    permission: 'directory:edit',
    audit: 'directory.edit',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const id = serviceParam(request.params);
      const answers = serviceAnswers(request.body);
      const version = parseVersion(answers.version ?? '');
      const parsed = parseService(answers);
      const decided = await decide(
        version === null
          ? { ok: false, issues: { reason: 'Open the service again and make your change there' } }
          : parsed,
        (s) => editService(who, id, version!, s, answers.reason ?? ''),
      );
      if (decided.ok) return reply.redirect(`/directory/${id}`, 303);
      return formPage(reply, 400, { answers, errors: decided.issues, serviceId: id });
    },
  }),
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
    handler: async (request, reply, deps) => {
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
      return reply.page('directory/views/services.njk', {
        title: 'Aftercare services for this person',
        banner: bannerOf(patient, deps.clock.now()),
        assessment,
        needs: needs && { ...needs, names: needs.needs.map((n) => needNames[n].text) },
        needsHref: needsUrl(patientId, assessmentId),
        fits: matched?.fits.map(card) ?? [],
        excluded: matched?.excluded.map(card) ?? [],
        backHref: `/patients/${patientId}/assessments/${assessmentId}`,
      });
    },
  }),
];
