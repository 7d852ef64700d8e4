import { dateParts, errorList, list, text } from '#platform/forms.ts';
import { patientParam } from '#platform/http/input.ts';
import { actor, definePage, type Page } from '#platform/http/pages.ts';
import { refuseInvalid, requireCare } from '../patients/service.ts';
import { myTeams } from '../teams/service.ts';
import { type PresentationAnswers, parsePresentation } from './forms.ts';
import { methodCodes, methods, outcomes } from './model.ts';
import { recordPresentation } from './service.ts';

const fieldOrder = [
  'teamId',
  ['arrivedDate', 'arrivedDate-day'],
  'arrivedTime',
  ['methods', 'methods-X60'],
  ['leftDate', 'leftDate-day'],
  'leftTime',
  ['outcome', 'outcome-discharged'],
] as const;

function answersFrom(body: unknown): PresentationAnswers {
  return {
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

export const presentationPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/patients/:patientId/presentations/new',
    permission: 'record:write',
    audit: 'presentation.new',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const patient = await requireCare(who, patientParam(request.params));
      const hospitals = await myTeams(who, 'liaison-psychiatry');
      return reply.page('presentations/views/new.njk', {
        title: 'Record a presentation',
        patient,
        hospitals,
        choices: choices({ methods: [] }),
        values: { teamId: hospitals.length === 1 ? hospitals[0]!.id : '', methods: [] },
        errors: {},
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
