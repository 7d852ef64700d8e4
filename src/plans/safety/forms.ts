import type { Parsed } from '#platform/forms.ts';
import { cleanText, text } from '#platform/forms.ts';
import { checkPlan, type Sections, sectionKeys } from './model.ts';

// The safety plan page posts every section as text and the version it was opened at: 0 when the
// person has no plan yet, so two people writing the first plan at once are caught too.

export type SafetyPlanAnswers = Sections & { version: string };

export type SafetyPlanSave = { sections: Sections; baseVersion: number };

export function safetyPlanAnswers(body: unknown): SafetyPlanAnswers {
  const answers = { version: text(body, 'version') } as SafetyPlanAnswers;
  for (const k of sectionKeys) answers[k] = text(body, k);
  return answers;
}

/** The version a hidden field carries: 0 (no plan yet) or a positive whole number, nothing else. */
export function parseBaseVersion(value: string): number | null {
  if (!/^(0|[1-9][0-9]{0,8})$/.test(value)) return null;
  return Number(value);
}

export function parseSafetyPlan(a: SafetyPlanAnswers): Parsed<SafetyPlanSave> {
  const sections = Object.fromEntries(sectionKeys.map((k) => [k, cleanText(a[k])])) as Sections;
  const baseVersion = parseBaseVersion(a.version);
  const issues: Record<string, string> = {};
  if (baseVersion === null) {
    issues.form = 'The page was missing which version you started from. Copy your text, reload the page and try again';
  }
  for (const p of checkPlan(sections)) issues[p.field] ??= p.message;
  if (Object.keys(issues).length > 0 || baseVersion === null) return { ok: false, issues };
  return { ok: true, value: { sections, baseVersion } };
}

/** A version number in an address: a positive whole number, or nothing. */
export function parseVersionParam(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,8}$/.test(value)) return null;
  return Number(value);
}
