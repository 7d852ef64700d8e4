import type { Discipline } from '#platform/access/model.ts';
import { defineMachine } from '#platform/state.ts';
import type { InError } from '#platform/withdrawal.ts';

// The care plan (docs/clinical-rules.md step 3): goals and actions, each with an owner and a date, built with
// input from other disciplines where useful, agreed with the person and shared with them and,
// with their consent, their GP (NICE NG225: share care plans with the person and their GP).

export const itemKinds = { goal: 'Goal', action: 'Action' } as const;
export type ItemKind = keyof typeof itemKinds;

export type PlanItem = { kind: ItemKind; text: string; owner: string; due: string };
export type CarePlanContent = { summary: string; items: PlanItem[] };

export const SUMMARY_MAX = 4000;
export const ITEM_TEXT_MAX = 1000;
export const OWNER_MAX = 120;
export const ITEMS_MAX = 30;
/** A plan looks ahead weeks or months; a date years away is almost always a typing slip. */
export const DUE_WITHIN_DAYS = 366;

/** The disciplines a practitioner can ask for input (issue 3; docs/clinical-rules.md step 3). */
export const inputDisciplines = [
  'occupational-therapist',
  'pharmacist',
  'psychologist',
  'community-mental-health-worker',
  'liaison-psychiatrist',
] as const satisfies readonly Discipline[];
export type InputDiscipline = (typeof inputDisciplines)[number];

export function isInputDiscipline(value: unknown): value is InputDiscipline {
  return typeof value === 'string' && (inputDisciplines as readonly string[]).includes(value);
}

export const agreementWays = { 'in-person': 'In person', phone: 'By phone', video: 'By video call' } as const;
export type AgreementWay = keyof typeof agreementWays;

export type CarePlanStatus = 'draft' | 'agreed' | 'shared';

export type CarePlan = {
  id: string;
  patientId: string;
  assessmentId: string | null;
  teamId: string;
  content: CarePlanContent;
  version: number;
  createdAt: Date;
  createdByName: string;
  updatedAt: Date;
  updatedByName: string;
  agreedVersion: number | null;
  agreedAt: Date | null;
  agreedByName: string | null;
  agreedHow: AgreementWay | null;
  gpConsent: boolean | null;
  sharedVersion: number | null;
  sharedAt: Date | null;
  sharedByName: string | null;
  createdBy: string;
  /** Withdrawn as entered in error: who, when and why. Still readable, out of the default views. */
  enteredInError: InError;
};

/** Where the plan stands: a change after agreement needs agreeing again before it is shared. */
export function statusOf(p: Pick<CarePlan, 'version' | 'agreedVersion' | 'sharedVersion'>): CarePlanStatus {
  if (p.agreedVersion !== p.version) return 'draft';
  return p.sharedVersion === p.version ? 'shared' : 'agreed';
}

/**
 * Where a plan stands, as events move it: agreeing a version the person has not yet agreed, and
 * sharing a version they have. Any change to the plan makes it a draft again (NICE NG225: what is
 * shared is what the person agreed).
 */
export const carePlanStates = defineMachine({
  subject: 'This care plan',
  states: {
    draft: 'has changes the person has not agreed',
    agreed: 'has been agreed with the person',
    shared: 'has been agreed and shared',
  } satisfies Record<CarePlanStatus, string>,
  events: {
    'care-plan.agreed': {
      from: ['draft'],
      to: 'agreed',
      code: 'plan-already-agreed',
      refused: 'The person’s agreement to this version has already been recorded',
    },
    'care-plan.shared': {
      from: ['agreed', 'shared'],
      to: 'shared',
      code: 'plan-not-agreed',
      refused: 'Record that the person agrees with this version of the plan before sharing it',
    },
  },
});

/** A plan with nothing in it cannot be agreed or shared: the letter would say nothing. */
export function isEmptyPlan(c: CarePlanContent): boolean {
  return c.summary.trim() === '' && c.items.length === 0;
}

export type ItemProblem = { field: string; message: string };

/**
 * Rules for a plan's content. `earliest` is the day the plan was started (London date) and
 * `today` the London date now: an item may not fall due before the plan began, nor more than a
 * year ahead. An item carried over unchanged from an earlier version keeps its date.
 */
export function checkPlan(
  content: CarePlanContent,
  dates: { earliest: string; today: string },
  unchanged: (item: PlanItem) => boolean = () => false,
): ItemProblem[] {
  const problems: ItemProblem[] = [];
  if (content.summary.length > SUMMARY_MAX) {
    problems.push({
      field: 'summary',
      message: `What matters to the person must be ${SUMMARY_MAX.toLocaleString('en-GB')} characters or fewer`,
    });
  }
  if (content.items.length > ITEMS_MAX)
    problems.push({ field: 'items', message: `A plan can have at most ${ITEMS_MAX} goals and actions` });
  const latest = addDays(dates.today, DUE_WITHIN_DAYS);
  content.items.forEach((item, i) => {
    const n = i + 1;
    if (item.text.trim() === '')
      problems.push({ field: `item-${i}-text`, message: `Enter what goal or action ${n} is` });
    else if (item.text.length > ITEM_TEXT_MAX)
      problems.push({
        field: `item-${i}-text`,
        message: `Goal or action ${n} must be ${ITEM_TEXT_MAX.toLocaleString('en-GB')} characters or fewer`,
      });
    if (item.owner.trim() === '')
      problems.push({ field: `item-${i}-owner`, message: `Enter who will do goal or action ${n}` });
    else if (item.owner.length > OWNER_MAX)
      problems.push({
        field: `item-${i}-owner`,
        message: `Who will do goal or action ${n} must be ${OWNER_MAX} characters or fewer`,
      });
    if (!unchanged(item)) {
      if (item.due < dates.earliest)
        problems.push({
          field: `item-${i}-due`,
          message: `The date for goal or action ${n} must be on or after the day the plan was started`,
        });
      else if (item.due > latest)
        problems.push({ field: `item-${i}-due`, message: `The date for goal or action ${n} must be within a year` });
    }
  });
  return problems;
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function sameItem(a: PlanItem, b: PlanItem): boolean {
  return a.kind === b.kind && a.text === b.text && a.owner === b.owner && a.due === b.due;
}

/** Content as stored: only the known shape survives. */
export function toContent(value: unknown): CarePlanContent {
  const v = (value ?? {}) as { summary?: unknown; items?: unknown };
  const items = Array.isArray(v.items) ? v.items : [];
  return {
    summary: typeof v.summary === 'string' ? v.summary : '',
    items: items
      .filter((i): i is Record<string, unknown> => Boolean(i) && typeof i === 'object')
      .map((i) => ({
        kind: i.kind === 'action' ? 'action' : 'goal',
        text: String(i.text ?? ''),
        owner: String(i.owner ?? ''),
        due: String(i.due ?? ''),
      })),
  };
}

export type InputRequest = {
  id: string;
  carePlanId: string;
  patientId: string;
  requestedBy: string;
  requestedByName: string;
  requestedAt: Date;
  discipline: InputDiscipline;
  colleagueId: string;
  colleagueName: string;
  question: string;
  answer: string | null;
  answeredAt: Date | null;
};

export const QUESTION_MAX = 4000;
export const ANSWER_MAX = 10000;
