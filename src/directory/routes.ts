import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { showDateTime } from '#platform/clock.ts';
import { decide, errorList } from '#platform/forms.ts';
import { idParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { pageQuery } from '#platform/worklist.ts';
import { teamKindNames } from '../teams/model.ts';
import { answersOf, parseService, parseServiceChange, type ServiceAnswers, serviceAnswers } from './forms.ts';
import {
  type Conflict,
  criteria,
  referralRoutes,
  type Service,
  type ServiceStatus,
  serviceKinds,
  serviceStatuses,
} from './model.ts';
import { createService, directoryPage, editService, openService } from './service.ts';

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
      const decided = await decide(parseServiceChange(answers), (c) =>
        editService(who, id, c.version, c.service, c.reason),
      );
      if (decided.ok) return reply.redirect(`/directory/${id}`, 303);
      return formPage(reply, 400, { answers, errors: decided.issues, serviceId: id });
    },
  }),
];
