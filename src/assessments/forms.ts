import { z } from 'zod';
import { cleanText, formParser, type Parsed, parseVersion, proseText, text } from '#platform/forms.ts';
import { ADDENDUM_MAX, checkDraft, checkFinal, type Sections, sectionKeys } from './model.ts';

// The assessment page posts every section as text, the version it was opened at, and which
// button was pressed: save as a draft, or finalise.

export type AssessmentAnswers = Sections & { version: string; action: string };

export type AssessmentSave = { sections: Sections; baseVersion: number; finalise: boolean };

export function assessmentAnswers(body: unknown): AssessmentAnswers {
  const answers = { version: text(body, 'version'), action: text(body, 'action') } as AssessmentAnswers;
  for (const k of sectionKeys) answers[k] = text(body, k);
  return answers;
}

export function parseAssessment(a: AssessmentAnswers): Parsed<AssessmentSave> {
  const sections = Object.fromEntries(sectionKeys.map((k) => [k, cleanText(a[k])])) as Sections;
  const baseVersion = parseVersion(a.version);
  const finalise = a.action === 'finalise';
  const issues: Record<string, string> = {};
  if (baseVersion === null)
    issues.form = 'The page was missing which version you started from. Reload the page and try again';
  if (a.action !== 'save' && a.action !== 'finalise') issues.form ??= 'Choose to save a draft or to finalise';
  for (const p of finalise ? checkFinal(sections) : checkDraft(sections)) issues[p.field] ??= p.message;
  if (Object.keys(issues).length > 0 || baseVersion === null) return { ok: false, issues };
  return { ok: true, value: { sections, baseVersion, finalise } };
}

/** An addendum: prose, something in it, no longer than a section. */
export const parseAddendum = formParser(
  z.object({
    addendum: proseText('The addendum', ADDENDUM_MAX).refine((v) => v.trim() !== '', {
      message: 'Enter what you are adding to the assessment',
    }),
  }),
);
