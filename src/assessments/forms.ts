import { z } from 'zod';
import { londonWallTimeToUtc } from '#platform/clock.ts';
import {
  cleanText,
  type DateParts,
  dateParts,
  formParser,
  type Parsed,
  parseDateParts,
  parseTime,
  parseVersion,
  proseText,
  text,
} from '#platform/forms.ts';
import { ADDENDUM_MAX, checkDraft, checkFinal, type Sections, sectionKeys } from './model.ts';

// The assessment page posts every section as text, the version it was opened at, and which
// button was pressed: save as a draft, or finalise.

export type AssessmentAnswers = Sections & {
  version: string;
  action: string;
  /** When the assessment took place: asked when finalising, as the 48-hour clock starts then. */
  assessedOn: DateParts;
  assessedTime: string;
};

export type AssessmentSave = {
  sections: Sections;
  baseVersion: number;
  finalise: boolean;
  /** When the person was seen; null for a draft (and, for callers that do not ask, finalising time). */
  assessedAt: Date | null;
};

export function assessmentAnswers(body: unknown): AssessmentAnswers {
  const answers = {
    version: text(body, 'version'),
    action: text(body, 'action'),
    assessedOn: dateParts(body, 'assessedOn'),
    assessedTime: text(body, 'assessedTime'),
  } as AssessmentAnswers;
  for (const k of sectionKeys) answers[k] = text(body, k);
  return answers;
}

/** When the assessment took place, from its date and 24-hour time in UK time; checked against the presentation later. */
function parseAssessedAt(
  a: AssessmentAnswers,
  today: string,
): { ok: true; value: Date } | { ok: false; issues: Record<string, string> } {
  const day = parseDateParts(a.assessedOn, 'The date of the assessment', today, 'past');
  const time = parseTime(a.assessedTime, 'The time of the assessment');
  const issues: Record<string, string> = {};
  if (!day.ok) issues.assessedOn = day.message;
  if (!time.ok) issues.assessedTime = time.message;
  if (!day.ok || !time.ok) return { ok: false, issues };
  return { ok: true, value: londonWallTimeToUtc(day.value, time.value) };
}

export function parseAssessment(a: AssessmentAnswers, today = '9999-12-31'): Parsed<AssessmentSave> {
  const sections = Object.fromEntries(sectionKeys.map((k) => [k, cleanText(a[k])])) as Sections;
  const baseVersion = parseVersion(a.version);
  const finalise = a.action === 'finalise';
  const issues: Record<string, string> = {};
  if (baseVersion === null)
    issues.form = 'The page was missing which version you started from. Reload the page and try again';
  if (a.action !== 'save' && a.action !== 'finalise') issues.form ??= 'Choose to save a draft or to finalise';
  for (const p of finalise ? checkFinal(sections) : checkDraft(sections)) issues[p.field] ??= p.message;
  const assessedAt = finalise ? parseAssessedAt(a, today) : null;
  if (assessedAt && !assessedAt.ok) Object.assign(issues, assessedAt.issues);
  if (Object.keys(issues).length > 0 || baseVersion === null) return { ok: false, issues };
  return { ok: true, value: { sections, baseVersion, finalise, assessedAt: assessedAt?.ok ? assessedAt.value : null } };
}

/** An addendum: prose, something in it, no longer than a section. */
export const parseAddendum = formParser(
  z.object({
    addendum: proseText('The addendum', ADDENDUM_MAX).refine((v) => v.trim() !== '', {
      message: 'Enter what you are adding to the assessment',
    }),
  }),
);
