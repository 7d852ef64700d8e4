import type { Sections } from '../assessments/model.ts';
import type { CarePlanContent, InputDiscipline } from '../plans/care/model.ts';
import type { Outcome } from '../presentations/model.ts';
import type { Random } from './random.ts';

// Assessments, care plans and safety plans for the demo's presentations, at rates like those
// the Multicentre Study of Self-harm in England and the national audits report: a little over
// half of hospital presentations get a psychosocial assessment by a specialist (nobody who left
// before being seen), most assessed people leave with a care plan, fewer with a written safety
// plan. Texts are short and drawn from small banks: the demo shows the shape of a record, and a
// million of them must still seed in minutes.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const rates = {
  /** Of presentations where the person stayed to be seen. */
  assessed: 0.62,
  /** Of finalised assessments. */
  carePlan: 0.85,
  /** Of care plans. */
  agreed: 0.8,
  /** Of agreed plans. */
  shared: 0.75,
  gpConsent: 0.85,
  /** Of assessed people (one living plan per person). */
  safetyPlan: 0.55,
  /** Of care plans in a team with colleagues to ask. */
  inputAsked: 0.15,
} as const;

const bank = {
  whatHappened: [
    'Took an overdose of paracetamol after an argument at home.',
    'Cut her forearm after weeks of poor sleep and money worries.',
    'Took his partner’s tablets with alcohol after losing his job.',
    'Overdosed on the evening of a court date; called an ambulance herself.',
  ],
  ownWords: [
    '“I just wanted it all to stop for a while.”',
    '“I didn’t know what else to do.”',
    '“I’m embarrassed. I don’t want to die.”',
  ],
  wants: [
    'Help with sleep and someone to talk to.',
    'To go home and get support with debts.',
    'Talking therapy, not medication.',
  ],
  mentalHealth: [
    'Low mood for three months; no psychotic symptoms.',
    'Long-standing anxiety; seen by the GP last year.',
    'Low mood and hopelessness since a bereavement.',
  ],
  physicalHealth: ['Medically fit after treatment.', 'Chronic back pain, on co-codamol.', 'Asthma, well controlled.'],
  alcoholDrugs: [
    'Drinks about 30 units a week, more recently.',
    'No drug use; occasional alcohol.',
    'Daily cannabis; wants to cut down.',
  ],
  social: [
    'Rents a flat alone; rent arrears.',
    'Lives with parents; out of work since spring.',
    'Sofa-surfing since a relationship ended.',
  ],
  relationships: [
    'Close to a sister, who is happy to be involved.',
    'Separated recently; sees the children at weekends.',
    'Few friends locally; a supportive neighbour.',
  ],
  safeguarding: [
    'No children or adults at risk connected to the person.',
    'Two children at home with their father; no concerns raised.',
    'Cares for her mother; carer’s assessment discussed.',
  ],
  strengths: [
    'Loves her dog; wants to finish college.',
    'His children; he coaches a football team.',
    'Her faith and her friends at work.',
  ],
  previousSelfHarm: [
    'First presentation.',
    'One earlier overdose two years ago; talking therapy helped then.',
    'Has cut before at times of stress, never needed hospital.',
  ],
  formulation: [
    'Things are worse when alone at night and after drinking; better with company and structure. Money and housing stress are driving this and can be helped.',
    'Loss and isolation have built up over months; the argument was the last straw. Contact with her sister and a plan for the next few days make things safer.',
    'Long-standing difficulties with stress, now with job loss. He was ambivalent about dying; his children are a strong reason to stay safe.',
  ],
} satisfies Record<keyof Sections, readonly string[]>;

const goals = ['Sleep better', 'Get on top of debts', 'Feel less alone in the evenings', 'Cut down on drinking'];
const actions: readonly (readonly [string, string])[] = [
  ['Follow-up phone call within 48 hours', 'Liaison team'],
  ['Refer to NHS Talking Therapies', 'Liaison practitioner'],
  ['Book a GP review of medication', 'The person'],
  ['Contact the debt advice service', 'The person'],
  ['Review of medicines and dispensing', 'Liaison pharmacist'],
];
const safety = {
  reasonsForLiving: ['My dog', 'My children', 'Finishing my course', 'My sister'],
  warningSigns: ['Not sleeping, staying in bed all day', 'Drinking alone at night', 'Thinking nobody would miss me'],
  copingAlone: ['Go for a walk', 'Music and a shower', 'Write down what I feel'],
  distractions: ['The café on the high street', 'Phone a friend to talk about anything', 'The library'],
  askForHelp: ['My sister', 'My neighbour', 'My best friend'],
  professionals: ['Liaison team at the hospital', 'My GP practice', 'My support worker'],
  saferSurroundings: [
    'Keep only a few days of tablets at home',
    'Give spare medicines to the pharmacy',
    'Not drink at home alone',
  ],
} as const;

export type DemoPresentationRef = { id: string; arrivedAt: Date; leftAt: Date; outcome: Outcome };
export type DemoStaff = { recorder: string; contributors: { id: string; discipline: InputDiscipline }[] };

export type DemoClinicalRecord = {
  assessments: { id: string; presentationId: string; sections: Sections; startedAt: Date; finalisedAt: Date }[];
  carePlans: {
    id: string;
    assessmentId: string;
    content: CarePlanContent;
    createdAt: Date;
    agreedAt: Date | null;
    gpConsent: boolean | null;
    sharedAt: Date | null;
  }[];
  inputRequests: {
    carePlanId: string;
    discipline: InputDiscipline;
    colleagueId: string;
    question: string;
    requestedAt: Date;
    answer: string | null;
    answeredAt: Date | null;
  }[];
  safetyPlan: { id: string; content: Record<string, string>; savedAt: Date } | null;
};

const day = (d: Date) => d.toISOString().slice(0, 10);

/** One person's assessments and plans, from their presentations (newest last). */
export function clinicalRecordFor(
  random: Random,
  presentations: readonly DemoPresentationRef[],
  staff: DemoStaff,
  asOf: Date,
): DemoClinicalRecord {
  const record: DemoClinicalRecord = { assessments: [], carePlans: [], inputRequests: [], safetyPlan: null };
  for (const p of presentations) {
    if (p.outcome === 'left-before-assessment' || random.next() >= rates.assessed) continue;
    // Seen in the department: the assessment is finalised before the person leaves.
    const startedAt = new Date(p.arrivedAt.getTime() + (p.leftAt.getTime() - p.arrivedAt.getTime()) * 0.5);
    const finalisedAt = new Date(Math.min(p.leftAt.getTime(), startedAt.getTime() + HOUR));
    const sections = Object.fromEntries(Object.entries(bank).map(([k, v]) => [k, random.pick(v)])) as Sections;
    const assessmentId = random.uuid();
    record.assessments.push({ id: assessmentId, presentationId: p.id, sections, startedAt, finalisedAt });
    if (random.next() >= rates.carePlan) continue;
    const items = [
      {
        kind: 'goal' as const,
        text: random.pick(goals),
        owner: 'The person',
        due: day(new Date(finalisedAt.getTime() + 28 * DAY)),
      },
      ...[random.pick(actions), random.pick(actions)].map(([text, owner]) => ({
        kind: 'action' as const,
        text,
        owner,
        due: day(new Date(finalisedAt.getTime() + random.int(2, 21) * DAY)),
      })),
    ];
    // Nothing is dated after the moment the demo is built.
    const agreed = random.next() < rates.agreed && finalisedAt.getTime() + HOUR / 2 <= asOf.getTime();
    const carePlanId = random.uuid();
    const gpConsent = agreed ? random.next() < rates.gpConsent : null;
    record.carePlans.push({
      id: carePlanId,
      assessmentId,
      content: { summary: sections.wants, items },
      createdAt: finalisedAt,
      agreedAt: agreed ? new Date(finalisedAt.getTime() + HOUR / 2) : null,
      gpConsent,
      sharedAt:
        agreed && random.next() < rates.shared && finalisedAt.getTime() + HOUR <= asOf.getTime()
          ? new Date(finalisedAt.getTime() + HOUR)
          : null,
    });
    if (staff.contributors.length > 0 && random.next() < rates.inputAsked) {
      const colleague = random.pick(staff.contributors);
      const requestedAt = new Date(finalisedAt.getTime() + HOUR / 4);
      // Only requests from the last few days are still waiting: older ones were answered.
      const answeredAt = new Date(requestedAt.getTime() + random.int(1, 48) * HOUR);
      const waiting = answeredAt > asOf || (asOf.getTime() - requestedAt.getTime() < 3 * DAY && random.next() < 0.5);
      record.inputRequests.push({
        carePlanId,
        discipline: colleague.discipline,
        colleagueId: colleague.id,
        question:
          colleague.discipline === 'pharmacist'
            ? 'Any concerns about current medicines after this overdose?'
            : 'Could you help with a plan for daily structure and getting back to work?',
        requestedAt,
        answer: waiting
          ? null
          : colleague.discipline === 'pharmacist'
            ? 'Weekly dispensing for now; review in a month.'
            : 'Offered an appointment to plan a daily routine.',
        answeredAt: waiting ? null : answeredAt,
      });
    }
  }
  const last = record.assessments.at(-1);
  if (last && random.next() < rates.safetyPlan && last.finalisedAt.getTime() + HOUR / 2 <= asOf.getTime()) {
    record.safetyPlan = {
      id: random.uuid(),
      content: Object.fromEntries(Object.entries(safety).map(([k, v]) => [k, random.pick(v)])),
      savedAt: new Date(last.finalisedAt.getTime() + HOUR / 2),
    };
  }
  return record;
}
