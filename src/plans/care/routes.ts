import type { FastifyReply } from 'fastify';
import { disciplineNames, may } from '#platform/access/model.ts';
import { showDateTime } from '#platform/clock.ts';
import { crisisContacts } from '#platform/crisis-contacts.ts';
import { Conflict, Invalid, NotFound } from '#platform/errors.ts';
import { errorList, londonToday, parseVersion, text } from '#platform/forms.ts';
import { canonicalId, idParam, patientParam } from '#platform/http/input.ts';
import { actor, definePage, type Page } from '#platform/http/pages.ts';
import { withdrawalPages } from '#platform/http/withdrawal-pages.ts';
import { renderPdf } from '#platform/pdf/document.ts';
import { staleRefusal } from '#platform/versions.ts';
import { mayWithdraw, withdrawables } from '#platform/withdrawal.ts';
import { letterPdf } from '../../letters/care-plan-letter.ts';
import { needsAction, stateTag } from '../../notify/model.ts';
import { bannerOf } from '../../patients/model.ts';
import { refuseInvalid } from '../../patients/service.ts';
import {
  agreementAnswers,
  type PlanAnswers,
  parseAgreement,
  parseInputRequest,
  parsePlan,
  planAnswers,
} from './forms.ts';
import { agreementWays, type CarePlan, type CarePlanContent, isEmptyPlan, itemKinds, sameItem } from './model.ts';
import {
  agreeCarePlan,
  agreedLetter,
  askForInput,
  baseContent,
  carePlanForForm,
  openCarePlan,
  openCarePlanVersion,
  saveCarePlan,
  shareCarePlan,
  startCarePlan,
  withdrawCarePlan,
} from './service.ts';

const PLAN_BODY_LIMIT = 512 * 1024;
const BLANK_ROWS = 3;

const base = (patientId: string, planId: string) => `/patients/${patientId}/care-plans/${planId}`;

/** The rows of the edit form: what the person posted (or the plan's items), then blank rows to add more. */
const blankRows = () =>
  Array.from({ length: BLANK_ROWS }, () => ({
    kind: 'goal',
    text: '',
    owner: '',
    due: { day: '', month: '', year: '' },
  }));

function rowsOf(values: PlanAnswers | CarePlanContent): PlanAnswers['rows'] {
  const rows =
    'rows' in values
      ? values.rows
      : values.items.map((i) => {
          const [year, month, day] = i.due.split('-');
          return {
            kind: i.kind,
            text: i.text,
            owner: i.owner,
            due: { day: String(Number(day)), month: String(Number(month)), year: year ?? '' },
          };
        });
  const isFilled = (r: PlanAnswers['rows'][number]) => r.text || r.owner || r.due.day || r.due.month || r.due.year;
  // Rows posted back stay where they were, so each message stays on the row it names; blank rows
  // to add more come after them.
  if ('rows' in values) {
    const last = rows.at(-1);
    return last && !isFilled(last) ? rows : [...rows, ...blankRows()];
  }
  return [...rows.filter(isFilled), ...blankRows()];
}

function editPage(
  reply: FastifyReply,
  status: number,
  c: {
    patient: Parameters<typeof bannerOf>[0];
    plan: CarePlan;
    now: Date;
    version: number;
    summary: string;
    rows: PlanAnswers['rows'];
    errors: Record<string, string>;
    errorList?: unknown;
    stale?: unknown;
  },
) {
  const order: string[] = ['form', 'summary'];
  for (let i = 0; i < c.rows.length; i++)
    order.push(`item-${i}-kind`, `item-${i}-text`, `item-${i}-owner`, `item-${i}-due`);
  return reply.code(status).page('plans/care/views/edit.njk', {
    title: 'Edit care plan',
    banner: bannerOf(c.patient, c.now),
    plan: c.plan,
    version: c.version,
    summary: c.summary,
    rows: c.rows,
    kinds: Object.entries(itemKinds).map(([value, label]) => ({ value, text: label })),
    errors: c.errors,
    errorList:
      c.errorList ?? errorList(c.errors, order.map((f) => (f.endsWith('-due') ? [f, `${f}-day`] : f)) as never),
    stale: c.stale,
    backHref: base(c.patient.id, c.plan.id),
  });
}

async function planPage(
  reply: FastifyReply,
  status: number,
  opened: Awaited<ReturnType<typeof openCarePlan>>,
  extra: Record<string, unknown>,
  now: Date,
  user: { id: string; role: string },
) {
  const { patient, plan } = opened;
  const withdrawn = plan.enteredInError !== null;
  return reply.code(status).page('plans/care/views/plan.njk', {
    title: 'Care plan',
    banner: bannerOf(patient, now),
    plan,
    status: opened.status,
    items: plan.content.items.map((i) => ({ ...i, kindName: itemKinds[i.kind] })),
    requests: opened.requests.map((r) => ({ ...r, disciplineName: disciplineNames[r.discipline] })),
    colleagues: opened.colleagues.map((c) => ({ value: c.id, text: `${c.name}, ${disciplineNames[c.discipline]}` })),
    versions: opened.versions,
    deliveries: opened.deliveries.map((m) => ({
      tag: stateTag(m),
      to: `${m.recipientName} (${m.recipient})`,
      at: m.sentAt ?? m.stateAt,
      why: needsAction.includes(m.state) ? m.lastError : null,
      href: may(user.role, 'outbox:read') ? `/outbox/${m.id}` : null,
    })),
    ways: Object.entries(agreementWays).map(([value, label]) => ({ value, text: label })),
    canWrite: may(user.role, 'record:write') && !withdrawn,
    inError: plan.enteredInError,
    inErrorName: 'care plan',
    canWithdraw: !withdrawn && may(user.role, 'record:write') && mayWithdraw(user, [plan.createdBy]),
    empty: isEmptyPlan(plan.content),
    errors: {},
    values: {},
    ...extra,
    backHref: `/patients/${patient.id}#timeline`,
  });
}

export const carePlanPages: Page[] = [
  definePage({
    method: 'POST',
    url: '/patients/:patientId/care-plans',
    permission: 'record:write',
    audit: 'care-plan.start',
    handler: async (request, reply, deps) => {
      const patientId = patientParam(request.params);
      const assessmentId = canonicalId(text(request.body, 'assessmentId'));
      if (!assessmentId) throw new Invalid({ assessmentId: 'Choose an assessment from the record' });
      const id = await startCarePlan(actor(request, deps), patientId, assessmentId);
      return reply.redirect(base(patientId, id), 303);
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/care-plans/:carePlanId',
    permission: 'patient:read',
    audit: 'care-plan.read',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const opened = await openCarePlan(who, patientParam(request.params), idParam(request.params, 'carePlanId'));
      return planPage(reply, 200, opened, {}, deps.clock.now(), who.user);
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/care-plans/:carePlanId/versions/:version',
    permission: 'patient:read',
    audit: 'care-plan.read-version',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const version = parseVersion(String((request.params as { version?: string }).version ?? ''));
      if (version === null) throw new NotFound('There is no such version of this care plan.');
      const { patient, plan, saved } = await openCarePlanVersion(
        who,
        patientParam(request.params),
        idParam(request.params, 'carePlanId'),
        version,
      );
      return reply.page('plans/care/views/version.njk', {
        title: `Care plan: version ${saved.version}`,
        banner: bannerOf(patient, deps.clock.now()),
        plan,
        saved,
        isCurrent: saved.version === plan.version,
        items: saved.content.items.map((i) => ({ ...i, kindName: itemKinds[i.kind] })),
        backHref: base(patient.id, plan.id),
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/care-plans/:carePlanId/edit',
    permission: 'record:write',
    audit: 'care-plan.edit',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { patient, plan } = await openCarePlan(
        who,
        patientParam(request.params),
        idParam(request.params, 'carePlanId'),
      );
      return editPage(reply, 200, {
        patient,
        plan,
        now: deps.clock.now(),
        version: plan.version,
        summary: plan.content.summary,
        rows: rowsOf(plan.content),
        errors: {},
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/care-plans/:carePlanId',
    permission: 'record:write',
    audit: 'care-plan.save',
    bodyLimit: PLAN_BODY_LIMIT,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const planId = idParam(request.params, 'carePlanId');
      const { patient, plan } = await carePlanForForm(who, patientId, planId);
      const answers = planAnswers(request.body);
      const now = deps.clock.now();
      const version = parseVersion(answers.version);
      const before = version ? await baseContent(who, planId, version) : undefined;
      const parsed = parsePlan(answers, { earliest: londonToday(plan.createdAt), today: londonToday(now) }, (item) =>
        Boolean(before?.items.some((b) => sameItem(b, item))),
      );
      const again = { patient, plan, now, summary: answers.summary, rows: rowsOf(answers) };
      if (!parsed.ok) {
        await refuseInvalid(who, patientId, Object.keys(parsed.issues));
        return editPage(reply, 400, { ...again, version: version ?? plan.version, errors: parsed.issues });
      }
      const outcome = await saveCarePlan(who, patientId, planId, parsed.value);
      if (outcome.saved) return reply.redirect(base(patientId, planId), 303);
      const { stale } = outcome;
      // The plan compared as two parts: what matters, and the goals and actions as one whole.
      const flat = (c: CarePlanContent) => ({ summary: c.summary, items: JSON.stringify(c.items) });
      const refusal = staleRefusal(
        { ...stale, base: flat(stale.base), current: flat(stale.current) },
        flat(parsed.value.content),
        {
          keys: ['summary', 'items'],
          names: { summary: 'what matters to the person', items: 'the goals and actions' },
          document: 'this care plan',
          part: 'part',
        },
      );
      const content: CarePlanContent = { summary: refusal.values.summary, items: JSON.parse(refusal.values.items) };
      // The goals have no single field: their message stands at the top, beside the colleague's version.
      const errors = {
        ...(refusal.errors.summary ? { summary: refusal.errors.summary } : {}),
        ...(refusal.errors.items ? { form: refusal.errors.items } : {}),
      };
      return editPage(reply, 409, {
        ...again,
        summary: content.summary,
        rows: rowsOf(content),
        version: stale.currentVersion,
        errors,
        stale: { ...stale, items: stale.current.items.map((i) => ({ ...i, kindName: itemKinds[i.kind] })) },
        errorList: [
          { text: refusal.summary.text, href: '#theirs' },
          ...Object.entries(errors).map(([field, text]) => ({ text, href: `#${field === 'form' ? 'theirs' : field}` })),
        ],
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/care-plans/:carePlanId/agreement',
    permission: 'record:write',
    audit: 'care-plan.agree',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const planId = idParam(request.params, 'carePlanId');
      const answers = agreementAnswers(request.body);
      const parsed = parseAgreement(answers);
      if (!parsed.ok) {
        await carePlanForForm(who, patientId, planId);
        await refuseInvalid(who, patientId, Object.keys(parsed.issues));
        const opened = await openCarePlan(who, patientId, planId);
        return planPage(
          reply,
          400,
          opened,
          {
            errors: parsed.issues,
            values: answers,
            errorList: errorList(parsed.issues, [
              'form',
              ['how', 'how-in-person'],
              'confirmed',
              ['gpConsent', 'gpConsent-yes'],
            ]),
          },
          deps.clock.now(),
          who.user,
        );
      }
      try {
        await agreeCarePlan(who, patientId, planId, parsed.value);
      } catch (error) {
        // Refused for the plan's state, not the form: the plan again, with the answers and why.
        if (!(error instanceof Conflict || error instanceof Invalid)) throw error;
        const issues = error instanceof Invalid ? error.issues : { form: error.message };
        await refuseInvalid(who, patientId, ['form']);
        const opened = await openCarePlan(who, patientId, planId);
        return planPage(
          reply,
          error.status,
          opened,
          { errors: issues, values: answers, errorList: [{ text: issues.form, href: '#agreement' }] },
          deps.clock.now(),
          who.user,
        );
      }
      return reply.redirect(`${base(patientId, planId)}#agreement`, 303);
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/care-plans/:carePlanId/sharing',
    permission: 'record:write',
    audit: 'care-plan.share',
    handler: async (request, reply, deps) => {
      const patientId = patientParam(request.params);
      const planId = idParam(request.params, 'carePlanId');
      const version = parseVersion(text(request.body, 'version'));
      if (version === null) throw new Invalid({ version: 'The page was missing which version you read' });
      await shareCarePlan(actor(request, deps), patientId, planId, version);
      return reply.redirect(`${base(patientId, planId)}#agreement`, 303);
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/care-plans/:carePlanId/letter',
    permission: 'patient:read',
    audit: 'care-plan.letter',
    handler: async (request, reply, deps) => {
      const letter = await letterFor(actor(request, deps), request.params);
      return reply.page('plans/care/views/letter.njk', {
        title: letter.letter.title,
        letter: letter.letter,
        contacts: crisisContacts,
        pdfHref: `${base(letter.patientId, letter.planId)}/letter.pdf`,
        backHref: base(letter.patientId, letter.planId),
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/care-plans/:carePlanId/letter.pdf',
    permission: 'patient:read',
    audit: 'care-plan.letter-pdf',
    handler: async (request, reply, deps) => {
      const letter = await letterFor(actor(request, deps), request.params);
      const pdf = await renderPdf(letterPdf(letter.letter, letter.version), { createdAt: deps.clock.now() });
      return reply
        .type('application/pdf')
        .header('content-disposition', 'inline; filename="care-plan-letter.pdf"')
        .send(pdf);
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/care-plans/:carePlanId/input-requests',
    permission: 'record:write',
    audit: 'input-request.ask',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const planId = idParam(request.params, 'carePlanId');
      const answers = { colleagueId: text(request.body, 'colleagueId'), question: text(request.body, 'question') };
      const refused = async (issues: Record<string, string>) => {
        await refuseInvalid(who, patientId, Object.keys(issues));
        const opened = await openCarePlan(who, patientId, planId);
        const list = errorList(issues, ['colleagueId', 'question']);
        return planPage(
          reply,
          400,
          opened,
          { errors: issues, values: answers, errorList: list },
          deps.clock.now(),
          who.user,
        );
      };
      const parsed = parseInputRequest(answers);
      if (!parsed.ok) return refused(parsed.issues);
      try {
        await askForInput(who, patientId, planId, parsed.value);
      } catch (error) {
        if (error instanceof Invalid) return refused(error.issues);
        throw error;
      }
      return reply.redirect(`${base(patientId, planId)}#input`, 303);
    },
  }),
];

async function letterFor(who: ReturnType<typeof actor>, params: unknown) {
  const patientId = patientParam(params);
  const planId = idParam(params, 'carePlanId');
  const { letter, version } = await agreedLetter(who, patientId, planId);
  return { letter, patientId, planId, version };
}

carePlanPages.push(
  ...withdrawalPages({
    kind: withdrawables['care-plan'],
    url: '/patients/:patientId/care-plans/:carePlanId',
    idParam: 'carePlanId',
    audit: 'care-plan',
    describe: async (who, patientId, id) => {
      const { patient, plan } = await carePlanForForm(who, patientId, id);
      return {
        banner: bannerOf(patient, who.clock.now()),
        description: `The care plan started by ${plan.createdByName} on ${showDateTime(plan.createdAt)}.`,
      };
    },
    withdraw: withdrawCarePlan,
    guidance:
      'Use this when the care plan was written on the wrong person. To change what the plan says, edit it instead: every version is kept.',
    refuse: refuseInvalid,
  }),
);
