import type { FastifyReply } from 'fastify';
import { may } from '#platform/access/model.ts';
import { showDateTime } from '#platform/clock.ts';
import { decide, errorList, parseVersion } from '#platform/forms.ts';
import { idParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { pageQuery } from '#platform/worklist.ts';
import { teamKindNames } from '../teams/model.ts';
import { answersOf, parseService, type ServiceAnswers, serviceAnswers } from './forms.ts';
import { type Conflict, criteria, referralRoutes, type Service, serviceKinds, serviceStatuses } from './model.ts';
import { createService, directoryPage, editService, openService } from './service.ts';

// The directory's pages: the list, one service with its NICE conflicts and history, and the
// administrator's form to add or change a service.

const serviceParam = (params: unknown) => idParam(params, 'serviceId');

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
    query: pageQuery,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { after } = queryOf(request, pageQuery);
      const page = await directoryPage(who, after);
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
        href: '/directory',
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
];
