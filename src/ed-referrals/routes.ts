import type { FastifyReply } from 'fastify';
import { showDate, showDateTime } from '#platform/clock.ts';
import { Invalid } from '#platform/errors.ts';
import { decide, errorList, londonToday } from '#platform/forms.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { pageQuery } from '#platform/worklist.ts';
import { bannerName, formatNhsNumber, sexes, sexNames } from '../patients/model.ts';
import { confidenceOf, type TracedPerson } from '../patients/trace/model.ts';
import { demographicsService } from '../patients/trace/service.ts';
import {
  type PersonAnswers,
  parseChosenNumber,
  parsePerson,
  parseStart,
  parseTrace,
  personAnswers,
  type StartAnswers,
  startAnswers,
  type TraceAnswers,
  traceAnswers,
} from './forms.ts';
import { careStartReasons, type DuplicateReason, duplicateReasonNames, foundByNames } from './model.ts';
import {
  type Candidate,
  careStartsToReview,
  confirmTraced,
  possibleRecordsOf,
  registerUntraced,
  type Started,
  startCareFromTrace,
  teamsTakingReferrals,
  traceReferral,
} from './service.ts';

// The front door's pages. Identifiers travel only in POST bodies, never in addresses, and the
// person is always re-read from the demographics service before a record is made from them.

const blankPerson: PersonAnswers = {
  familyName: '',
  givenName: '',
  dateOfBirth: { day: '', month: '', year: '' },
  sex: '',
  postcode: '',
};
const blankStart: StartAnswers = { teamId: '', reason: '', reasonText: '' };

const sexItems = (chosen: string) =>
  sexes.map((s) => ({ value: s, text: sexNames[s], id: `sex-${s}`, checked: chosen === s }));

async function startChoices(who: Actor, values: StartAnswers) {
  const teams = await teamsTakingReferrals(who);
  return {
    teams: teams.map((t) => ({
      value: t.id,
      text: t.name,
      id: `teamId-${t.id}`,
      checked: values.teamId === t.id || teams.length === 1,
    })),
    reasons: Object.entries(careStartReasons).map(([value, text]) => ({
      value,
      text,
      id: `reason-${value}`,
      checked: values.reason === value,
    })),
  };
}

const personOrder = [
  'familyName',
  'givenName',
  ['dateOfBirth', 'dateOfBirth-day'],
  ['sex', 'sex-male'],
  'postcode',
] as const;

async function tracePage(reply: FastifyReply, who: Actor, status: number, extra: Record<string, unknown>) {
  const values = (extra.values as TraceAnswers | undefined) ?? { by: '', nhsNumber: '', ...blankPerson };
  const errors = (extra.errors as Record<string, string> | undefined) ?? {};
  return reply.code(status).page('ed-referrals/views/trace.njk', {
    title: 'New referral from the emergency department',
    source: demographicsService(who).name,
    values,
    // The details form shows what was typed only when the details were what was traced.
    person: values.by === 'demographics' ? values : blankPerson,
    sexItems: sexItems(values.by === 'demographics' ? values.sex : ''),
    errors,
    errorList: errorList(errors, ['by', 'nhsNumber', ...personOrder]),
    backHref: '/',
    ...extra,
  });
}

function personRows(p: TracedPerson) {
  return [
    { key: { text: 'NHS number' }, value: { text: p.nhsNumber ? formatNhsNumber(p.nhsNumber) : 'Not known' } },
    { key: { text: 'Date of birth' }, value: { text: showDate(p.dateOfBirth) } },
    { key: { text: 'Sex' }, value: { text: sexNames[p.sex] } },
    { key: { text: 'Postcode' }, value: { text: p.postcode ?? 'Not known' } },
  ];
}

async function startPage(
  reply: FastifyReply,
  who: Actor,
  nhsNumber: string,
  status: number,
  values: StartAnswers,
  errors: Record<string, string>,
) {
  const { person, local } = await confirmTraced(who, nhsNumber);
  return reply.code(status).page('ed-referrals/views/start.njk', {
    title: `Take ${bannerName(person)} into care`,
    name: bannerName(person),
    summary: personRows(person),
    knownNote: local ? 'Onward already has a record of this person: your team will take on that record.' : null,
    nhsNumber,
    ...(await startChoices(who, values)),
    values,
    errors,
    errorList: errorList(errors, [['teamId', 'teamId'], ['reason', 'reason-ed-referral'], 'reasonText']),
    backHref: '/ed-referrals/new',
  });
}

function candidateItems(candidates: Candidate[], chosen: string) {
  const reasonsText = (reasons: string[]) =>
    reasons
      .map((r) => (r === 'on-register' ? 'On the population register' : duplicateReasonNames[r as DuplicateReason]))
      .join('; ');
  return [
    ...candidates.map((c) => {
      const p = c.kind === 'local' ? c.record : c.person;
      const where =
        c.kind === 'local' ? (c.record.inMyCare ? 'In your team’s care' : 'A record in Onward') : 'Not yet in Onward';
      const unverified = c.kind === 'local' && c.record.identity === 'unverified' ? ' · unverified' : '';
      return {
        value: c.key,
        text: `${bannerName(p)}, born ${showDate(p.dateOfBirth)}`,
        hint: {
          text: `NHS number ${p.nhsNumber ? formatNhsNumber(p.nhsNumber) : 'not known'}${unverified} · ${sexNames[p.sex]}${p.postcode ? ` · ${p.postcode}` : ''} · ${where} · ${reasonsText(c.reasons)}`,
        },
        id: `choice-${c.key.replace(':', '-')}`,
        checked: chosen === c.key,
      };
    }),
    { divider: 'or' },
    {
      value: 'new',
      text: 'None of these: register a new, unverified record',
      id: 'choice-new',
      checked: chosen === 'new',
    },
  ];
}

async function untracedPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  values: PersonAnswers & StartAnswers & { choice: string },
  errors: Record<string, string>,
  candidates: Candidate[] = [],
) {
  return reply.code(status).page('ed-referrals/views/untraced.njk', {
    title: 'Register someone who cannot be traced',
    values,
    errors,
    sexItems: sexItems(values.sex),
    ...(await startChoices(who, values)),
    candidates: candidates.length > 0 ? candidateItems(candidates, values.choice) : [],
    candidateCount: candidates.length,
    errorList: errorList(errors, [
      ['choice', candidates[0] ? `choice-${candidates[0].key.replace(':', '-')}` : 'choice-new'],
      ...personOrder,
      ['teamId', 'teamId'],
      ['reason', 'reason-ed-referral'],
      'reasonText',
    ]),
    backHref: '/ed-referrals/new',
  });
}

/** After care starts: the presentation is recorded straight after; someone already in care opens as they are. */
function afterStart(reply: FastifyReply, started: Started) {
  return started.alreadyInCare
    ? reply.redirect(`/patients/${started.patientId}?notice=already-in-care`, 303)
    : reply.redirect(`/patients/${started.patientId}/presentations/new?notice=care-started`, 303);
}

export const edReferralPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/ed-referrals/new',
    permission: 'record:write',
    audit: 'ed-referral.trace-form',
    handler: async (request, reply, deps) => tracePage(reply, actor(request, deps), 200, {}),
  }),
  definePage({
    method: 'POST',
    url: '/ed-referrals/trace',
    permission: 'record:write',
    audit: 'ed-referral.trace',
    // The answer is the POST's own page, so the identifiers typed never travel in an address.
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const values = traceAnswers(request.body);
      const parsed = parseTrace(values, londonToday(deps.clock.now()));
      if (!parsed.ok) return tracePage(reply, who, 400, { values, errors: parsed.issues });
      const answer = await traceReferral(who, parsed.value);
      if (!answer.ok) return tracePage(reply, who, 503, { values, unavailable: answer.source });
      const carried =
        parsed.value.by === 'demographics'
          ? {
              familyName: parsed.value.familyName,
              givenName: parsed.value.givenName,
              'dateOfBirth[day]': values.dateOfBirth.day,
              'dateOfBirth[month]': values.dateOfBirth.month,
              'dateOfBirth[year]': values.dateOfBirth.year,
              sex: parsed.value.sex,
              postcode: parsed.value.postcode ?? '',
            }
          : null;
      return tracePage(reply, who, 200, {
        values,
        searched: true,
        carried,
        matches: answer.matches.map((m) => ({
          name: bannerName(m.person),
          nhsNumber: m.person.nhsNumber ? formatNhsNumber(m.person.nhsNumber) : 'not known',
          nhsNumberValue: m.person.nhsNumber,
          dateOfBirth: m.person.dateOfBirth,
          sex: sexNames[m.person.sex],
          postcode: m.person.postcode,
          confidence: confidenceOf(m.score),
          inMyCare: m.local?.inMyCare ?? false,
          localId: m.local?.id,
        })),
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/ed-referrals/confirm',
    permission: 'record:write',
    audit: 'ed-referral.confirm',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const nhsNumber = parseChosenNumber(request.body);
      if (!nhsNumber) throw new Invalid({ nhsNumber: 'Trace the person again and choose them from the list' });
      return startPage(reply, who, nhsNumber, 200, blankStart, {});
    },
  }),
  definePage({
    method: 'POST',
    url: '/ed-referrals/start',
    permission: 'record:write',
    audit: 'ed-referral.start-care',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const nhsNumber = parseChosenNumber(request.body);
      if (!nhsNumber) throw new Invalid({ nhsNumber: 'Trace the person again and choose them from the list' });
      const values = startAnswers(request.body);
      const decided = await decide(parseStart(values), (start) => startCareFromTrace(who, nhsNumber, start));
      if (decided.ok) return afterStart(reply, decided.value);
      return startPage(reply, who, nhsNumber, 400, values, decided.issues);
    },
  }),
  definePage({
    method: 'GET',
    url: '/ed-referrals/untraced',
    permission: 'record:write',
    audit: 'ed-referral.untraced-form',
    handler: async (request, reply, deps) =>
      untracedPage(reply, actor(request, deps), 200, { ...blankPerson, ...blankStart, choice: '' }, {}),
  }),
  definePage({
    method: 'POST',
    url: '/ed-referrals/untraced',
    permission: 'record:write',
    audit: 'ed-referral.register-untraced',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const body = request.body as Record<string, unknown> | undefined;
      const values = {
        ...personAnswers(body),
        ...startAnswers(body),
        choice: typeof body?.choice === 'string' ? body.choice.slice(0, 100) : '',
      };
      // Carried over from a trace that found nobody: the form, filled in, nothing checked yet.
      if (body?.step === 'start') return untracedPage(reply, who, 200, values, {});
      const person = parsePerson(values, londonToday(deps.clock.now()));
      const start = parseStart(values);
      if (!person.ok || !start.ok) {
        const issues = { ...(person.ok ? {} : person.issues), ...(start.ok ? {} : start.issues) };
        return untracedPage(reply, who, 400, values, issues);
      }
      try {
        const result = await registerUntraced(who, person.value, start.value, values.choice, body?.step === 'choose');
        if ('candidates' in result) return untracedPage(reply, who, 200, values, {}, result.candidates);
        return afterStart(reply, result);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        // A choice the check no longer offers: show what it offers now.
        const candidates = error.issues.choice ? await possibleRecordsOf(who, person.value) : [];
        return untracedPage(reply, who, 400, values, error.issues, candidates);
      }
    },
  }),
  definePage({
    method: 'GET',
    url: '/care-starts',
    permission: 'care:review',
    audit: 'care.starts-review',
    query: pageQuery,
    handler: async (request, reply, deps) => {
      const { after } = queryOf(request, pageQuery);
      const page = await careStartsToReview(actor(request, deps), after);
      return reply.page('ed-referrals/views/care-starts.njk', {
        title: 'Who your team has taken into care',
        columns: 'full',
        rows: page.items.map((r) => [
          showDateTime(r.startedAt),
          r.endedAt ? `${bannerName(r)} (discharged)` : { text: bannerName(r), href: `/patients/${r.patientId}` },
          r.nhsNumber ? formatNhsNumber(r.nhsNumber) : 'Not known',
          r.startedBy,
          `${careStartReasons[r.reason]}${r.reasonText ? `: ${r.reasonText}` : ''}`,
          {
            tags: [
              { text: foundByNames[r.foundBy], colour: r.foundBy === 'trace' ? 'green' : 'yellow' },
              ...(r.identity === 'unverified' ? [{ text: 'Unverified identity', colour: 'orange' }] : []),
            ],
          },
          r.teamName,
        ]),
        next: page.next,
        after,
        href: '/care-starts',
        backHref: '/',
      });
    },
  }),
];
