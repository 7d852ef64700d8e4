import type { FastifyReply } from 'fastify';
import { may } from '#platform/access/model.ts';
import type { OpenedRecord } from '#platform/access/record.ts';
import { showDateTime } from '#platform/clock.ts';
import { Conflict, Invalid } from '#platform/errors.ts';
import { errorList, londonToday, nowInBoxes, text } from '#platform/forms.ts';
import { canonicalId, idParam, patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page } from '#platform/http/pages.ts';
import { withdrawalPages } from '#platform/http/withdrawal-pages.ts';
import { staleRefusal } from '#platform/versions.ts';
import { mayWithdraw, withdrawables } from '#platform/withdrawal.ts';
import { followUpStates } from '../followup/model.ts';
import { followUpOfAssessment } from '../followup/service.ts';
import { bannerOf, type Patient } from '../patients/model.ts';
import { refuseInvalid } from '../patients/service.ts';
import { carePlanOfAssessment } from '../plans/care/service.ts';
import { methodSummary } from '../presentations/model.ts';
import { presentationOf } from '../presentations/service.ts';
import { type AssessmentAnswers, assessmentAnswers, parseAddendum, parseAssessment } from './forms.ts';
import {
  ADDENDUM_MAX,
  type Assessment,
  SECTION_MAX,
  type SectionKey,
  type Sections,
  sectionKeys,
  sections,
} from './model.ts';
import {
  addAddendum,
  assessmentForForm,
  openAssessment,
  saveAssessment,
  startAssessment,
  withdrawAssessment,
} from './service.ts';
import type { Addendum } from './store.ts';

// Twelve sections of up to 10,000 characters each, URL-encoded: more than the default form limit.
const ASSESSMENT_BODY_LIMIT = 1024 * 1024;

const assessmentParam = (params: unknown): string => idParam(params, 'assessmentId');

function sectionFields(
  values: Record<string, string>,
  errors: Record<string, string>,
  theirs?: Record<string, string>,
) {
  return sectionKeys.map((key) => ({
    key,
    heading: sections[key].heading,
    hint: sections[key].hint,
    value: values[key] ?? '',
    error: errors[key],
    theirs: theirs?.[key],
  }));
}

const fieldOrder = ['form', ...sectionKeys, ['assessedOn', 'assessedOn-day'], 'assessedTime'] as const;

/** The assessment time the form offers: what was typed, or now (to be changed if the person was seen earlier). */
function assessedValues(now: Date, answers?: Pick<AssessmentAnswers, 'assessedOn' | 'assessedTime'>) {
  if (answers) return { on: answers.assessedOn, time: answers.assessedTime };
  return nowInBoxes(now);
}

function formContext(assessment: Assessment, values: AssessmentAnswers | Assessment['sections'], version: number) {
  return {
    assessment,
    version,
    maxLength: SECTION_MAX,
    values,
  };
}

/** An assessment as read: a draft in its form for those who may write, otherwise the text, with addenda after it. */
async function assessmentPage(
  reply: FastifyReply,
  who: Actor,
  status: number,
  opened: { patient: OpenedRecord<Patient>; assessment: Assessment; addenda: Addendum[] },
  o: { addendum: string; errors: Record<string, string> },
) {
  const { patient, assessment, addenda } = opened;
  const withdrawn = assessment.enteredInError !== null;
  const canWrite = may(who.user.role, 'record:write') && !withdrawn;
  const editable = assessment.status === 'draft' && canWrite;
  const attendance = await presentationOf(who, patient, assessment.presentationId);
  const carePlanId = assessment.status === 'final' ? await carePlanOfAssessment(who, assessment.id) : undefined;
  const followUp = assessment.status === 'final' ? await followUpOfAssessment(who, assessment.id) : undefined;
  return reply.code(status).page(editable ? 'assessments/views/edit.njk' : 'assessments/views/read.njk', {
    title: 'Psychosocial assessment',
    banner: bannerOf(patient, who.clock.now()),
    ...formContext(assessment, assessment.sections, assessment.version),
    assessed: assessedValues(who.clock.now()),
    fields: sectionFields(assessment.sections, {}),
    carePlanId,
    followUp: followUp && { id: followUp.id, state: followUpStates.states[followUp.state], dueAt: followUp.dueAt },
    attendance: { ...attendance, methodText: methodSummary(attendance.methods) },
    canWrite,
    inError: assessment.enteredInError,
    inErrorName: 'assessment',
    canWithdraw:
      !withdrawn &&
      may(who.user.role, 'record:write') &&
      mayWithdraw(who.user, [assessment.startedBy, assessment.finalisedBy]),
    addenda,
    addendum: o.addendum,
    addendumMax: ADDENDUM_MAX,
    errors: o.errors,
    errorList: errorList(o.errors, ['addendum']),
    backHref: `/patients/${patient.id}#timeline`,
  });
}

export const assessmentPages: Page[] = [
  definePage({
    method: 'POST',
    url: '/patients/:patientId/assessments',
    permission: 'record:write',
    audit: 'assessment.start',
    handler: async (request, reply, deps) => {
      const patientId = patientParam(request.params);
      const presentationId = canonicalId(text(request.body, 'presentationId'));
      if (!presentationId) throw new Invalid({ presentationId: 'Choose a presentation from the timeline' });
      const id = await startAssessment(actor(request, deps), patientId, presentationId);
      return reply.redirect(`/patients/${patientId}/assessments/${id}`, 303);
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/assessments/:assessmentId',
    permission: 'patient:read',
    audit: 'assessment.read',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const opened = await openAssessment(who, patientParam(request.params), assessmentParam(request.params));
      return assessmentPage(reply, who, 200, opened, { addendum: '', errors: {} });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/assessments/:assessmentId/addenda',
    permission: 'record:write',
    audit: 'assessment.add-addendum',
    bodyLimit: ASSESSMENT_BODY_LIMIT,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const assessmentId = assessmentParam(request.params);
      const parsed = parseAddendum(request.body);
      if (parsed.ok) {
        await addAddendum(who, patientId, assessmentId, parsed.value.addendum);
        return reply.redirect(`/patients/${patientId}/assessments/${assessmentId}#addenda`, 303);
      }
      const addendum = text(request.body, 'addendum');
      const opened = await assessmentForForm(who, patientId, assessmentId);
      await refuseInvalid(who, patientId, Object.keys(parsed.issues));
      return assessmentPage(reply, who, 400, opened, { addendum, errors: parsed.issues });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/assessments/:assessmentId',
    permission: 'record:write',
    audit: 'assessment.save',
    bodyLimit: ASSESSMENT_BODY_LIMIT,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const assessmentId = assessmentParam(request.params);
      const answers = assessmentAnswers(request.body);
      const parsed = parseAssessment(answers, londonToday(deps.clock.now()));
      const again = async (status: number, errors: Record<string, string>, extra: Record<string, unknown> = {}) => {
        // The person's own text goes back into the form, whatever happened: nothing they typed is lost.
        const { patient, assessment } = await assessmentForForm(who, patientId, assessmentId);
        const theirs = extra.theirs as Record<string, string> | undefined;
        return reply.code(status).page('assessments/views/edit.njk', {
          title: 'Psychosocial assessment',
          banner: bannerOf(patient, deps.clock.now()),
          ...formContext(assessment, answers, (extra.version as number | undefined) ?? Number(answers.version)),
          assessed: assessedValues(deps.clock.now(), answers),
          fields: sectionFields((extra.values as Sections | undefined) ?? answers, errors, theirs),
          errors,
          errorList: errorList(errors, fieldOrder),
          ...extra,
          backHref: `/patients/${patient.id}#timeline`,
        });
      };
      if (!parsed.ok) {
        await assessmentForForm(who, patientId, assessmentId);
        await refuseInvalid(who, patientId, Object.keys(parsed.issues));
        return again(400, parsed.issues, { version: parsed.issues.form ? undefined : Number(answers.version) });
      }
      let outcome: Awaited<ReturnType<typeof saveAssessment>>;
      try {
        outcome = await saveAssessment(who, patientId, assessmentId, parsed.value);
      } catch (error) {
        // A time before the person arrived: the form again, with everything they wrote.
        if (error instanceof Invalid) {
          await refuseInvalid(who, patientId, Object.keys(error.issues));
          return again(400, error.issues);
        }
        if (!(error instanceof Conflict)) throw error;
        // Finalised by someone else while this person was writing: the signed-off assessment,
        // and what they wrote beside it, so nothing they typed is lost.
        const { patient, assessment } = await assessmentForForm(who, patientId, assessmentId);
        const mine = parsed.value.sections;
        return reply.code(409).page('assessments/views/read.njk', {
          title: 'Psychosocial assessment',
          banner: bannerOf(patient, deps.clock.now()),
          assessment,
          fields: sectionFields(assessment.sections, {}),
          unsaved: sectionKeys
            .filter((k) => mine[k] !== '' && mine[k] !== assessment.sections[k])
            .map((k) => ({ heading: sections[k].heading, text: mine[k] })),
          canWrite: false,
          errors: { form: error.message },
          errorList: [
            {
              text: `${assessment.finalisedByName ?? 'A colleague'} finalised this assessment while you were working on it, so it can no longer be changed. What you wrote is below, not saved: copy anything that matters into the care plan.`,
              href: '#unsaved',
            },
          ],
          backHref: `/patients/${patient.id}#timeline`,
        });
      }
      if (outcome.saved) {
        return reply.redirect(
          `/patients/${patientId}/assessments/${assessmentId}${outcome.finalised ? '' : '#saved'}`,
          303,
        );
      }
      const { stale } = outcome;
      const refusal = staleRefusal(stale, parsed.value.sections, {
        keys: sectionKeys,
        names: Object.fromEntries(sectionKeys.map((k) => [k, sections[k].heading])) as Record<SectionKey, string>,
        document: 'this assessment',
        part: 'section',
      });
      return again(409, refusal.errors as Record<string, string>, {
        stale,
        values: refusal.values,
        theirs: stale.current,
        version: stale.currentVersion,
        errorList: [refusal.summary, ...errorList(refusal.errors as Record<string, string>, fieldOrder)],
      });
    },
  }),
];

assessmentPages.push(
  ...withdrawalPages({
    kind: withdrawables.assessment,
    url: '/patients/:patientId/assessments/:assessmentId',
    idParam: 'assessmentId',
    audit: 'assessment',
    describe: async (who, patientId, id) => {
      const { patient, assessment } = await assessmentForForm(who, patientId, id);
      const when = assessment.finalisedAt ?? assessment.startedAt;
      return {
        banner: bannerOf(patient, who.clock.now()),
        description: `The psychosocial assessment ${assessment.status === 'final' ? 'finalised' : 'started'} by ${assessment.finalisedByName ?? assessment.startedByName} on ${showDateTime(when)}.`,
      };
    },
    withdraw: withdrawAssessment,
    guidance:
      'Use this when the assessment was written on the wrong person, or for an attendance it was not about. To add to or correct what a finalised assessment says, write an addendum instead.',
    refuse: refuseInvalid,
  }),
);
