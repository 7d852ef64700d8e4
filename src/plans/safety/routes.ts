import { may } from '#platform/access/model.ts';
import { showDateTime } from '#platform/clock.ts';
import { NotFound } from '#platform/errors.ts';
import { errorList } from '#platform/forms.ts';
import { idParam, patientParam } from '#platform/http/input.ts';
import { actor, definePage, type Page } from '#platform/http/pages.ts';
import { withdrawalPages } from '#platform/http/withdrawal-pages.ts';
import { renderPdf } from '#platform/pdf/document.ts';
import { staleRefusal } from '#platform/versions.ts';
import { mayWithdraw, withdrawables } from '#platform/withdrawal.ts';
import {
  copyDate,
  copyDocument,
  copyHowTo,
  copyName,
  copySections,
  crisisBoxTitle,
  crisisLines,
} from '../../letters/safety-plan-copy.ts';
import { bannerOf } from '../../patients/model.ts';
import { refuseInvalid } from '../../patients/service.ts';
import { parseSafetyPlan, parseVersionParam, safetyPlanAnswers } from './forms.ts';
import { SECTION_MAX, type SectionKey, type Sections, sectionKeys, sections } from './model.ts';
import {
  openSafetyPlan,
  openSafetyPlanById,
  openSafetyPlanVersion,
  safetyPlanByIdForForm,
  safetyPlanCopy,
  safetyPlanForForm,
  saveSafetyPlan,
  withdrawSafetyPlan,
} from './service.ts';

// Seven sections of up to 4,000 characters, URL-encoded (up to 9 bytes for one character): more
// than the default form limit. Text a little over the limit gets a 400 with the text kept, not a 413.
const SAFETY_PLAN_BODY_LIMIT = 512 * 1024;

const fieldOrder = ['form', ...sectionKeys] as const;

function versionParam(params: unknown): number {
  const version = parseVersionParam((params as { version?: unknown }).version);
  if (version === null) throw new NotFound('There is no such version of this safety plan.');
  return version;
}

function readSections(values: Sections) {
  return sectionKeys.map((key) => ({ key, heading: sections[key].heading, text: values[key] }));
}

function formFields(values: Record<string, string>, errors: Record<string, string>, theirs?: Sections) {
  return sectionKeys.map((key) => ({
    key,
    heading: sections[key].heading,
    hint: sections[key].hint,
    value: values[key] ?? '',
    error: errors[key],
    theirs: theirs?.[key],
  }));
}

const planUrl = (patientId: string) => `/patients/${patientId}/safety-plan`;

export const safetyPlanPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients/:patientId/safety-plan',
    permission: 'patient:read',
    audit: 'safety-plan.read',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { patient, plan, versions, withdrawn } = await openSafetyPlan(who, patientParam(request.params));
      return reply.page('plans/safety/views/plan.njk', {
        title: 'Safety plan',
        banner: bannerOf(patient, deps.clock.now()),
        plan,
        sections: plan ? readSections(plan.sections) : [],
        versions,
        withdrawnPlans: withdrawn,
        canWrite: may(who.user.role, 'record:write'),
        canWithdraw: plan !== null && may(who.user.role, 'record:write') && mayWithdraw(who.user, [plan.createdBy]),
        crisisLines: crisisLines(),
        backHref: `/patients/${patient.id}#timeline`,
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/safety-plan/edit',
    permission: 'record:write',
    audit: 'safety-plan.edit',
    handler: async (request, reply, deps) => {
      const { patient, plan } = await safetyPlanForForm(actor(request, deps), patientParam(request.params), {
        audit: true,
      });
      return reply.page('plans/safety/views/edit.njk', {
        title: plan ? 'Change the safety plan' : 'Write a safety plan',
        banner: bannerOf(patient, deps.clock.now()),
        plan,
        version: plan?.version ?? 0,
        maxLength: SECTION_MAX,
        fields: formFields(plan?.sections ?? {}, {}),
        crisisLines: crisisLines(),
        errors: {},
        backHref: planUrl(patient.id),
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/safety-plan',
    permission: 'record:write',
    audit: 'safety-plan.save',
    bodyLimit: SAFETY_PLAN_BODY_LIMIT,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const answers = safetyPlanAnswers(request.body);
      const parsed = parseSafetyPlan(answers);
      // The person's own text goes back into the form, whatever happened: nothing they typed is lost.
      const again = async (
        status: number,
        errors: Record<string, string>,
        extra: {
          version: number | string;
          list: { text: string | undefined; href: string }[];
          stale?: unknown;
          theirs?: Sections;
          values?: Sections;
        },
      ) => {
        const { patient, plan } = await safetyPlanForForm(who, patientId, { audit: false });
        return reply.code(status).page('plans/safety/views/edit.njk', {
          title: plan ? 'Change the safety plan' : 'Write a safety plan',
          banner: bannerOf(patient, deps.clock.now()),
          plan,
          version: extra.version,
          maxLength: SECTION_MAX,
          fields: formFields(extra.values ?? answers, errors, extra.theirs),
          crisisLines: crisisLines(),
          errors,
          errorList: extra.list,
          stale: extra.stale,
          backHref: planUrl(patient.id),
        });
      };
      if (!parsed.ok) {
        await safetyPlanForForm(who, patientId, { audit: false });
        await refuseInvalid(who, patientId, Object.keys(parsed.issues));
        return again(400, parsed.issues, {
          version: parsed.issues.form ? '' : answers.version,
          list: errorList(parsed.issues, fieldOrder),
        });
      }
      const outcome = await saveSafetyPlan(who, patientId, parsed.value);
      if (outcome.saved) return reply.redirect(planUrl(patientId), 303);
      const { stale } = outcome;
      const refusal = staleRefusal(stale, parsed.value.sections, {
        keys: sectionKeys,
        names: Object.fromEntries(sectionKeys.map((k) => [k, sections[k].heading])) as Record<SectionKey, string>,
        document: 'this safety plan',
        part: 'section',
      });
      return again(409, refusal.errors as Record<string, string>, {
        version: stale.currentVersion,
        stale,
        values: refusal.values,
        theirs: stale.current,
        list: [refusal.summary, ...errorList(refusal.errors as Record<string, string>, fieldOrder)],
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/safety-plan/versions/:version',
    permission: 'patient:read',
    audit: 'safety-plan.read-version',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const version = versionParam(request.params);
      const { patient, plan, saved, changedSince } = await openSafetyPlanVersion(who, patientId, version);
      return reply.page('plans/safety/views/version.njk', {
        title: `Safety plan, version ${saved.version} of ${plan.version}`,
        banner: bannerOf(patient, deps.clock.now()),
        plan,
        saved,
        isCurrent: saved.version === plan.version,
        sections: readSections(saved.sections).map((s) => ({ ...s, changedSince: changedSince.includes(s.key) })),
        backHref: planUrl(patient.id),
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/safety-plan/copy',
    permission: 'patient:read',
    audit: 'safety-plan.copy',
    handler: async (request, reply, deps) => {
      const { patient, plan } = await safetyPlanCopy(actor(request, deps), patientParam(request.params), 'html');
      return reply.page('plans/safety/views/copy.njk', {
        title: 'My safety plan',
        // Full width, so the printed copy uses the whole page.
        columns: 'full',
        name: copyName(patient),
        date: copyDate(plan.updatedAt),
        howTo: copyHowTo,
        plan,
        sections: copySections(plan.sections),
        crisisBoxTitle,
        crisisLines: crisisLines(),
        pdfHref: `${planUrl(patient.id)}/copy.pdf`,
        backHref: planUrl(patient.id),
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/safety-plan/copy.pdf',
    permission: 'patient:read',
    audit: 'safety-plan.copy-pdf',
    handler: async (request, reply, deps) => {
      const { patient, plan } = await safetyPlanCopy(actor(request, deps), patientParam(request.params), 'pdf');
      const pdf = await renderPdf(copyDocument(plan, copyName(patient)), {
        onePage: true,
        createdAt: deps.clock.now(),
      });
      // No identifiers in the file name: it may be saved to a shared computer or sent on.
      return reply
        .type('application/pdf')
        .header('Content-Disposition', 'inline; filename="safety-plan.pdf"')
        .send(pdf);
    },
  }),
];

safetyPlanPages.push(
  definePage({
    method: 'GET',
    url: '/patients/:patientId/safety-plans/:safetyPlanId',
    permission: 'patient:read',
    audit: 'safety-plan.read-one',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { patient, plan } = await openSafetyPlanById(
        who,
        patientParam(request.params),
        idParam(request.params, 'safetyPlanId'),
      );
      return reply.page('plans/safety/views/one.njk', {
        title: plan.enteredInError ? 'Safety plan (withdrawn)' : 'Safety plan',
        banner: bannerOf(patient, deps.clock.now()),
        plan,
        sections: readSections(plan.sections),
        inError: plan.enteredInError,
        inErrorName: 'safety plan',
        backHref: `/patients/${patient.id}/safety-plan`,
      });
    },
  }),
  ...withdrawalPages({
    kind: withdrawables['safety-plan'],
    url: '/patients/:patientId/safety-plans/:safetyPlanId',
    idParam: 'safetyPlanId',
    audit: 'safety-plan',
    describe: async (who, patientId, id) => {
      const { patient, plan } = await safetyPlanByIdForForm(who, patientId, id);
      return {
        banner: bannerOf(patient, who.clock.now()),
        description: `The safety plan first written by ${plan.createdByName} on ${showDateTime(plan.createdAt)}, at version ${plan.version}.`,
      };
    },
    withdraw: withdrawSafetyPlan,
    guidance:
      'Use this when the safety plan was written on the wrong person. To change what it says, change the plan with the person instead: every version is kept. Once withdrawn, the person has no safety plan until a new one is written with them.',
    refuse: refuseInvalid,
  }),
);
