import {
  cleanText,
  type DateParts,
  dateParts,
  type Parsed,
  parseDateParts,
  parseVersion,
  text,
} from '#platform/forms.ts';
import { isKeyOf } from '#platform/http/input.ts';
import {
  type AgreementWay,
  ANSWER_MAX,
  agreementWays,
  type CarePlanContent,
  checkPlan,
  itemKinds,
  type PlanItem,
  QUESTION_MAX,
} from './model.ts';

/** Rows the edit page can post: the plan's items plus a few blank ones to add. */
export const ROWS_MAX = 40;

export type RowAnswers = { kind: string; text: string; owner: string; due: DateParts };
export type PlanAnswers = { version: string; summary: string; rows: RowAnswers[] };

export function planAnswers(body: unknown): PlanAnswers {
  const count = Math.min(Number.parseInt(text(body, 'rows'), 10) || 0, ROWS_MAX);
  const rows: RowAnswers[] = [];
  for (let i = 0; i < count; i++) {
    rows.push({
      kind: text(body, `item-${i}-kind`),
      text: text(body, `item-${i}-text`),
      owner: text(body, `item-${i}-owner`),
      due: dateParts(body, `item-${i}-due`),
    });
  }
  return { version: text(body, 'version'), summary: text(body, 'summary'), rows };
}

const blank = (r: RowAnswers) =>
  !r.text.trim() && !r.owner.trim() && !r.due.day.trim() && !r.due.month.trim() && !r.due.year.trim();

export type PlanSave = { content: CarePlanContent; baseVersion: number };

/** `dates.earliest`: the London date the plan was started; `unchanged` says an item is carried over as it was. */
export function parsePlan(
  a: PlanAnswers,
  dates: { earliest: string; today: string },
  unchanged: (item: PlanItem) => boolean,
): Parsed<PlanSave> {
  const issues: Record<string, string> = {};
  const baseVersion = parseVersion(a.version);
  if (baseVersion === null)
    issues.form = 'The page was missing which version you started from. Reload the page and try again';
  const items: PlanItem[] = [];
  const rowOf: number[] = [];
  a.rows.forEach((r, row) => {
    if (blank(r)) return;
    const n = row + 1;
    const due = parseDateParts(r.due, `The date for goal or action ${n}`, dates.today);
    if (!due.ok) issues[`item-${row}-due`] = due.message;
    if (!isKeyOf(itemKinds, r.kind)) issues[`item-${row}-kind`] = `Select whether ${n} is a goal or an action`;
    items.push({
      kind: isKeyOf(itemKinds, r.kind) ? r.kind : 'goal',
      text: cleanText(r.text),
      owner: cleanText(r.owner).trim(),
      due: due.ok ? due.value : '',
    });
    rowOf.push(row);
  });
  const content = { summary: cleanText(a.summary), items };
  for (const p of checkPlan(content, dates, unchanged)) {
    const m = /^item-(\d+)-(.*)$/.exec(p.field);
    const field = m ? `item-${rowOf[Number(m[1])]}-${m[2]}` : p.field;
    // A date that could not be read already has its message; the range check does not repeat it.
    if (m?.[2] === 'due' && items[Number(m[1])]!.due === '') continue;
    issues[field] ??= p.message.replace(/goal or action \d+/, `goal or action ${(rowOf[Number(m?.[1])] ?? 0) + 1}`);
  }
  if (content.summary === '' && items.length === 0)
    issues.summary ??= 'Write what matters to the person, or add a goal or action';
  if (Object.keys(issues).length > 0 || baseVersion === null) return { ok: false, issues };
  return { ok: true, value: { content, baseVersion } };
}

export type AgreementAnswers = { version: string; how: string; confirmed: string; gpConsent: string };
export type Agreement = { baseVersion: number; how: AgreementWay; gpConsent: boolean };

export function agreementAnswers(body: unknown): AgreementAnswers {
  return {
    version: text(body, 'version'),
    how: text(body, 'how'),
    confirmed: text(body, 'confirmed'),
    gpConsent: text(body, 'gpConsent'),
  };
}

export function parseAgreement(a: AgreementAnswers): Parsed<Agreement> {
  const issues: Record<string, string> = {};
  const baseVersion = parseVersion(a.version);
  if (baseVersion === null)
    issues.form = 'The page was missing which version you started from. Reload the page and try again';
  if (a.confirmed !== 'yes')
    issues.confirmed = 'Confirm the person has gone through the plan with you and agrees with it';
  if (!isKeyOf(agreementWays, a.how)) issues.how = 'Select how the plan was agreed';
  if (a.gpConsent !== 'yes' && a.gpConsent !== 'no')
    issues.gpConsent = 'Select whether the person agrees to a copy going to their GP';
  if (Object.keys(issues).length > 0 || baseVersion === null) return { ok: false, issues };
  if (!isKeyOf(agreementWays, a.how)) return { ok: false, issues };
  return { ok: true, value: { baseVersion, how: a.how, gpConsent: a.gpConsent === 'yes' } };
}

export type InputRequestAnswers = { colleagueId: string; question: string };

export function parseInputRequest(a: InputRequestAnswers): Parsed<InputRequestAnswers> {
  const issues: Record<string, string> = {};
  // Whether the colleague is one who may be asked is the service's rule (askForInput): here, that one was chosen.
  if (!a.colleagueId.trim()) issues.colleagueId = 'Select a colleague from the list';
  const question = cleanText(a.question);
  if (!question) issues.question = 'Enter what you would like their input on';
  else if (question.length > QUESTION_MAX)
    issues.question = `Your question must be ${QUESTION_MAX.toLocaleString('en-GB')} characters or fewer`;
  if (Object.keys(issues).length > 0) return { ok: false, issues };
  return { ok: true, value: { colleagueId: a.colleagueId, question } };
}

export function parseAnswer(value: string): Parsed<string> {
  const answer = cleanText(value);
  if (!answer) return { ok: false, issues: { answer: 'Enter your input' } };
  if (answer.length > ANSWER_MAX)
    return {
      ok: false,
      issues: { answer: `Your input must be ${ANSWER_MAX.toLocaleString('en-GB')} characters or fewer` },
    };
  return { ok: true, value: answer };
}
