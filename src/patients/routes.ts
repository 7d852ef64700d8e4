import { z } from 'zod';
import { may, roleNames } from '#platform/access/model.ts';
import { showDateTime } from '#platform/clock.ts';
import { dateParts, errorList, londonToday, text } from '#platform/forms.ts';
import { isKeyOf, patientParam } from '#platform/http/input.ts';
import { actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { pageQuery } from '#platform/worklist.ts';
import { assessmentsForTimeline } from '../assessments/service.ts';
import { followUpLine } from '../followup/model.ts';
import { followUpsForTimeline } from '../followup/service.ts';
import { carePlanTimelineEntries, carePlanTimelineLists } from '../plans/care/service.ts';
import {
  safetyPlanTimelineEntries,
  safetyPlanTimelineList,
  withdrawnSafetyPlansList,
} from '../plans/safety/service.ts';
import { methodSummary, outcomes } from '../presentations/model.ts';
import { presentationsForTimeline } from '../presentations/service.ts';
import { referralTimelineEntries, referralTimelineList } from '../referrals/service.ts';
import { parseNameSearch, parseNhsNumberSearch } from './forms.ts';
import { movedSummary } from './merge/model.ts';
import { mergesForSummary } from './merge/service.ts';
import { bannerName, bannerOf, ethnicCategories, formatNhsNumber } from './model.ts';
import { patientAccessLog, patientSummary, searchPatients } from './service.ts';
import { timeline } from './timeline.ts';

const summaryQuery = z.object({
  notice: z.enum(['already-in-care'], { message: 'The link names a notice Onward does not know' }).optional(),
});

export const patientPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients',
    permission: 'patient:search',
    audit: 'patient.search-page',
    handler: async (_request, reply) =>
      reply.page('patients/views/search.njk', { title: 'Find a patient', values: {}, errors: {} }),
  }),
  definePage({
    method: 'POST',
    url: '/patients/search',
    permission: 'patient:search',
    audit: 'patient.search',
    // Results are shown in answer to the POST so identifiers never travel in a query string.
    handler: async (request, reply, deps) => {
      const by = text(request.body, 'by') === 'name' ? 'name' : 'nhs-number';
      const values = {
        by,
        nhsNumber: text(request.body, 'nhsNumber').slice(0, 50),
        familyName: text(request.body, 'familyName').slice(0, 100),
        givenName: text(request.body, 'givenName').slice(0, 100),
        dateOfBirth: dateParts(request.body, 'dateOfBirth'),
      };
      const parsed =
        by === 'name' ? parseNameSearch(values, londonToday(deps.clock.now())) : parseNhsNumberSearch(values);
      if (!parsed.ok) {
        return reply.code(400).page('patients/views/search.njk', {
          title: 'Find a patient',
          values,
          errors: parsed.issues,
          errorList: errorList(parsed.issues, [
            'nhsNumber',
            'familyName',
            'givenName',
            ['dateOfBirth', 'dateOfBirth-day'],
          ]),
        });
      }
      const { patients, limited } = await searchPatients(actor(request, deps), parsed.value);
      const now = deps.clock.now();
      return reply.page('patients/views/search.njk', {
        title: 'Find a patient',
        values,
        errors: {},
        searched: true,
        limited,
        results: patients.map((p) => bannerOf(p, now)),
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId',
    permission: 'patient:read',
    audit: 'patient.read',
    query: summaryQuery,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { notice } = queryOf(request, summaryQuery);
      // The timeline's sources, each part's own list, read in the same statement as the care check.
      const { patient, teams, lists } = await patientSummary(who, patientParam(request.params), (gate) => ({
        presentations: presentationsForTimeline(who, gate),
        assessments: assessmentsForTimeline(who, gate),
        ...carePlanTimelineLists(who, gate),
        safetyPlanVersions: safetyPlanTimelineList(who, gate),
        safetyPlansWithdrawn: withdrawnSafetyPlansList(who, gate),
        merges: mergesForSummary(who, gate),
        followUps: followUpsForTimeline(who, gate),
        referralSteps: referralTimelineList(who, gate),
      }));
      const { presentations, assessments } = lists;
      const carePlans = carePlanTimelineEntries(patient, lists.carePlanHistory, lists.carePlanVersions);
      const safetyPlans = safetyPlanTimelineEntries(patient, lists.safetyPlanVersions, lists.safetyPlansWithdrawn);
      // A presentation's assessment is its current one: after a withdrawal it can be assessed again.
      const assessmentOf = new Map(assessments.filter((a) => !a.enteredInError).map((a) => [a.presentationId, a]));
      const now = deps.clock.now();
      const followUpOf = new Map(lists.followUps.map((f) => [f.assessmentId, followUpLine(f, now, showDateTime)]));
      return reply.page('patients/views/summary.njk', {
        title: bannerName(patient),
        banner: bannerOf(patient, deps.clock.now()),
        patient,
        ethnicity: ethnicCategories[patient.ethnicCategory],
        teams,
        canSeeAccessLog: may(who.user.role, 'audit:read-patient-access'),
        alreadyInCare: notice === 'already-in-care',
        canMerge: may(who.user.role, 'record:merge'),
        merges: lists.merges.map((m) => ({
          ...m,
          mergedNhsNumber: m.mergedNhsNumber ? formatNhsNumber(m.mergedNhsNumber) : 'not known',
          moved: movedSummary(m.moved),
        })),
        fromMerge: lists.merges.flatMap((m) => [...(m.moved.presentations ?? []), ...(m.moved.assessments ?? [])]),
        mergedInto: patient.mergedInto,
        canRecord: may(who.user.role, 'record:write'),
        // Groups go latest step first, so records made at the same moment read newest first too.
        timeline: timeline(
          referralTimelineEntries(patient.id, lists.referralSteps),
          safetyPlans,
          carePlans,
          assessments.map((a) => ({
            ...a,
            at: a.finalisedAt ?? a.startedAt,
            kind: 'assessment',
            followUp: followUpOf.get(a.id),
          })),
          presentations.map((p) => ({
            ...p,
            at: p.arrivedAt,
            kind: 'presentation',
            assessment: assessmentOf.get(p.id),
            methodText: methodSummary(p.methods),
            outcomeText: p.outcome ? outcomes[p.outcome] : 'Still in the emergency department',
          })),
        ),
        hasSafetyPlan: lists.safetyPlanVersions.some(
          (v) => !lists.safetyPlansWithdrawn.some((w) => w.id === v.subjectId),
        ),
        backHref: '/patients',
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/access',
    permission: 'audit:read-patient-access',
    audit: 'patient.access-log',
    query: pageQuery,
    handler: async (request, reply, deps) => {
      const { after } = queryOf(request, pageQuery);
      const { patient, entries } = await patientAccessLog(actor(request, deps), patientParam(request.params), after);
      return reply.page('patients/views/access.njk', {
        title: `Who has opened the record of ${bannerName(patient)}`,
        banner: bannerOf(patient, deps.clock.now()),
        rows: entries.items.map((e) => [
          showDateTime(e.at),
          `${e.userName ?? 'Unknown'}${e.username ? ` (${e.username})` : ''}`,
          e.role && isKeyOf(roleNames, e.role) ? roleNames[e.role] : (e.role ?? ''),
          e.action,
          e.outcome === 'ok' ? 'Opened' : e.outcome === 'refused' ? 'Refused' : 'Failed',
        ]),
        next: entries.next,
        after,
        href: `/patients/${patient.id}/access`,
        backHref: `/patients/${patient.id}`,
        columns: 'full',
      });
    },
  }),
];
