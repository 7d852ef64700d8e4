import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { may } from '#platform/access/model.ts';
import { londonWallTime, showDateTime } from '#platform/clock.ts';
import { Invalid } from '#platform/errors.ts';
import { cleanText, dateParts, errorList, list, parseVersion, text } from '#platform/forms.ts';
import { idParam, patientParam } from '#platform/http/input.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { withdrawalPages } from '#platform/http/withdrawal-pages.ts';
import { mayWithdraw, withdrawables } from '#platform/withdrawal.ts';
import { bannerOf } from '../patients/model.ts';
import { refuseInvalid, requireCare } from '../patients/service.ts';
import { myTeams } from '../teams/service.ts';
import { type PresentationAnswers, parsePresentation } from './forms.ts';
import {
  CHANGE_REASON_MAX,
  isOutcome,
  type MethodCode,
  methodCodes,
  methodSummary,
  methods,
  outcomes,
  type Presentation,
  type PresentationContent,
} from './model.ts';
import {
  changePresentation,
  presentationForForm,
  presentationHistory,
  recordPresentation,
  withdrawPresentation,
} from './service.ts';

const fieldOrder = [
  'teamId',
  ['arrivedDate', 'arrivedDate-day'],
  'arrivedTime',
  ['methods', 'methods-X60'],
  ['leftDate', 'leftDate-day'],
  'leftTime',
  ['outcome', 'outcome-discharged'],
] as const;

function answersFrom(body: unknown): PresentationAnswers & { version: string; reason: string } {
  return {
    version: text(body, 'version'),
    reason: text(body, 'reason'),
    teamId: text(body, 'teamId'),
    arrivedDate: dateParts(body, 'arrivedDate'),
    arrivedTime: text(body, 'arrivedTime').slice(0, 20),
    methods: list(body, 'methods').slice(0, 30),
    leftDate: dateParts(body, 'leftDate'),
    leftTime: text(body, 'leftTime').slice(0, 20),
    outcome: text(body, 'outcome'),
  };
}

/** The checkbox and radio items, with what the person already chose still chosen. */
function choices(values: { methods: string[]; outcome?: string }) {
  const method = (kind: 'self-poisoning' | 'self-injury') =>
    methodCodes
      .filter((c) => methods[c].kind === kind)
      .map((c) => ({
        value: c,
        text: `${methods[c].label} (${c})`,
        id: `methods-${c}`,
        checked: values.methods.includes(c),
      }));
  return {
    poisoning: method('self-poisoning'),
    injury: method('self-injury'),
    outcomes: Object.entries(outcomes).map(([value, text]) => ({
      value,
      text,
      id: `outcome-${value}`,
      checked: values.outcome === value,
    })),
  };
}

/** The boxes of the form as they show a saved presentation, in UK time. */
function answersOf(p: Presentation): PresentationAnswers & { reason: string } {
  const arrived = londonWallTime(p.arrivedAt);
  const left = p.leftAt ? londonWallTime(p.leftAt) : undefined;
  const parts = (d: string) => {
    const [year, month, day] = d.split('-');
    return { day: String(Number(day)), month: String(Number(month)), year: year! };
  };
  return {
    teamId: p.teamId,
    arrivedDate: parts(arrived.date),
    arrivedTime: arrived.time,
    methods: [...p.methods],
    leftDate: left ? parts(left.date) : { day: '', month: '', year: '' },
    leftTime: left?.time ?? '',
    outcome: p.outcome ?? '',
    reason: '',
  };
}

/** A kept version in words, for the history table and the stale refusal. */
function contentText(c: PresentationContent): string {
  const left = c.leftAt ? `left ${showDateTime(new Date(c.leftAt))}` : 'still in the department';
  const outcome = c.outcome && isOutcome(c.outcome) ? `, ${outcomes[c.outcome].toLowerCase()}` : '';
  return `Arrived ${showDateTime(new Date(c.arrivedAt))}; ${methodSummary(c.methods as MethodCode[])}; ${left}${outcome}`;
}

async function changePage(
  reply: FastifyReply,
  who: Actor,
  patientId: string,
  presentationId: string,
  status: number,
  o: {
    values: PresentationAnswers & { reason: string };
    version: number;
    errors: Record<string, string>;
    stale?: unknown;
    errorList?: { text: string; href: string }[];
  },
) {
  const { patient, presentation } = await presentationForForm(who, patientId, presentationId);
  const hospitals = await myTeams(who, 'liaison-psychiatry');
  // The hospital it was recorded at stays choosable, even for someone in another of the teams.
  const choosable = hospitals.some((h) => h.id === presentation.teamId)
    ? hospitals
    : [...hospitals, { id: presentation.teamId, organisationName: presentation.hospitalName }];
  return reply.code(status).page('presentations/views/new.njk', {
    title: presentation.leftAt ? 'Correct a presentation' : 'Complete or correct a presentation',
    changing: true,
    action: `/patients/${patientId}/presentations/${presentationId}`,
    version: o.version,
    patient,
    hospitals: choosable,
    choices: choices(o.values),
    values: o.values,
    errors: o.errors,
    errorList: o.errorList ?? errorList(o.errors, [...fieldOrder, 'reason']),
    stale: o.stale,
    backHref: `/patients/${patientId}/presentations/${presentationId}`,
  });
}

// Straight after a person is taken into care, the presentation form says so.
const newPresentationQuery = z.object({
  notice: z.enum(['care-started'], { message: 'The link names a notice Onward does not know' }).optional(),
});

export const presentationPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients/:patientId/presentations/new',
    permission: 'record:write',
    audit: 'presentation.new',
    query: newPresentationQuery,
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { notice } = queryOf(request, newPresentationQuery);
      const patient = await requireCare(who, patientParam(request.params));
      const hospitals = await myTeams(who, 'liaison-psychiatry');
      return reply.page('presentations/views/new.njk', {
        title: 'Record a presentation',
        patient,
        hospitals,
        choices: choices({ methods: [] }),
        values: { teamId: hospitals.length === 1 ? hospitals[0]!.id : '', methods: [] },
        errors: {},
        careStarted: notice === 'care-started',
        backHref: `/patients/${patient.id}`,
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/presentations',
    permission: 'record:write',
    audit: 'presentation.record',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const patient = await requireCare(who, patientId);
      const hospitals = await myTeams(who, 'liaison-psychiatry');
      const answers = answersFrom(request.body);
      const parsed = parsePresentation(
        answers,
        hospitals.map((h) => h.id),
        deps.clock.now(),
      );
      if (!parsed.ok) {
        await refuseInvalid(who, patientId, Object.keys(parsed.issues));
        return reply.code(400).page('presentations/views/new.njk', {
          title: 'Record a presentation',
          patient,
          hospitals,
          choices: choices(answers),
          values: answers,
          errors: parsed.issues,
          errorList: errorList(parsed.issues, fieldOrder),
          backHref: `/patients/${patient.id}`,
        });
      }
      await recordPresentation(who, patientId, parsed.value);
      return reply.redirect(`/patients/${patientId}#timeline`, 303);
    },
  }),
];

presentationPages.push(
  definePage({
    method: 'GET',
    url: '/patients/:patientId/presentations/:presentationId',
    permission: 'patient:read',
    audit: 'presentation.read',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const { patient, presentation, versions } = await presentationHistory(
        who,
        patientParam(request.params),
        idParam(request.params, 'presentationId'),
      );
      const what = { recorded: 'Recorded', completed: 'Completed: when they left and how', amended: 'Corrected' };
      return reply.page('presentations/views/read.njk', {
        canWithdraw: mayWithdraw(who.user, [presentation.recordedBy]),
        title: `Presentation at ${presentation.hospitalName}`,
        banner: bannerOf(patient, deps.clock.now()),
        presentation,
        methodText: methodSummary(presentation.methods),
        outcomeText: presentation.outcome ? outcomes[presentation.outcome] : 'Still in the emergency department',
        canWrite: may(who.user.role, 'record:write'),
        history: versions.map((v) => [
          String(v.version),
          v.reason
            ? `${what[v.change as keyof typeof what]}. Reason: ${v.reason}`
            : what[v.change as keyof typeof what],
          v.savedByName,
          showDateTime(v.savedAt),
          contentText(v.content),
        ]),
        backHref: `/patients/${patient.id}#timeline`,
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/patients/:patientId/presentations/:presentationId/edit',
    permission: 'record:write',
    audit: 'presentation.edit',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const presentationId = idParam(request.params, 'presentationId');
      const { presentation } = await presentationForForm(who, patientId, presentationId);
      return changePage(reply, who, patientId, presentationId, 200, {
        values: answersOf(presentation),
        version: presentation.version,
        errors: {},
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/patients/:patientId/presentations/:presentationId',
    permission: 'record:write',
    audit: 'presentation.change',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patientId = patientParam(request.params);
      const presentationId = idParam(request.params, 'presentationId');
      const { presentation } = await presentationForForm(who, patientId, presentationId);
      const answers = answersFrom(request.body);
      const version = parseVersion(answers.version);
      const reason = cleanText(answers.reason);
      // The hospital it was recorded at is a valid answer even for someone in another of the teams.
      const teamIds = [...new Set([...who.user.teamIds, presentation.teamId])];
      const parsed = parsePresentation(answers, teamIds, deps.clock.now());
      let issues: Record<string, string> | undefined = parsed.ok ? undefined : { ...parsed.issues };
      if (version === null)
        issues = { ...issues, form: 'The page was missing which version you changed. Open it again' };
      if (reason.length > CHANGE_REASON_MAX)
        issues = {
          ...issues,
          reason: `The reason must be ${CHANGE_REASON_MAX.toLocaleString('en-GB')} characters or fewer`,
        };
      let outcome: Awaited<ReturnType<typeof changePresentation>> | undefined;
      if (!issues && parsed.ok && version !== null) {
        try {
          outcome = await changePresentation(who, patientId, presentationId, {
            input: parsed.value,
            baseVersion: version,
            reason,
          });
        } catch (error) {
          if (!(error instanceof Invalid)) throw error;
          issues = { ...error.issues };
        }
      }
      if (issues || !outcome) {
        await refuseInvalid(who, patientId, Object.keys(issues ?? {}));
        return changePage(reply, who, patientId, presentationId, 400, {
          values: answers,
          version: version ?? presentation.version,
          errors: issues ?? {},
        });
      }
      if (outcome.saved) return reply.redirect(`/patients/${patientId}/presentations/${presentationId}#history`, 303);
      // Someone changed it since this person opened it: their version shown, this person's answers kept.
      const { stale } = outcome;
      return changePage(reply, who, patientId, presentationId, 409, {
        values: answers,
        version: stale.currentVersion,
        errors: {},
        stale: { ...stale, text: contentText(stale.current) },
        errorList: [
          {
            text: `${stale.savedByName} changed this presentation while you were working on it. Nothing you entered has been saved yet. Compare with their version, then save again.`,
            href: '#theirs',
          },
        ],
      });
    },
  }),
);

presentationPages.push(
  ...withdrawalPages({
    kind: withdrawables.presentation,
    url: '/patients/:patientId/presentations/:presentationId',
    idParam: 'presentationId',
    audit: 'presentation',
    describe: async (who, patientId, id) => {
      const { patient, presentation } = await presentationForForm(who, patientId, id);
      return {
        banner: bannerOf(patient, who.clock.now()),
        description: `The presentation at ${presentation.hospitalName} on ${showDateTime(presentation.arrivedAt)}.`,
      };
    },
    withdraw: withdrawPresentation,
    guidance:
      'Use this when the presentation was recorded on the wrong person, or never happened. To put right a time, method or outcome, correct the presentation instead.',
    refuse: refuseInvalid,
  }),
);
