import { list, type Parsed, parseVersion, proseText, text } from '#platform/forms.ts';
import { isNeed, type Need } from './model.ts';

/** The needs form: the needs ticked, what the person wants in their words, the version opened. */
export type NeedsAnswers = { needs: string[]; wants: string; version: string };

export const needsAnswers = (body: unknown): NeedsAnswers => ({
  needs: list(body, 'needs'),
  wants: text(body, 'wants'),
  version: text(body, 'version'),
});

export function parseNeeds(a: NeedsAnswers): Parsed<{ needs: Need[]; wants: string; version: number }> {
  const issues: Record<string, string> = {};
  const unknown = a.needs.filter((n) => !isNeed(n));
  if (unknown.length > 0) issues.needs = 'Choose needs from the list';
  else if (a.needs.length === 0) issues.needs = 'Select at least one need, or the help the person wants';
  const wants = proseText('What the person wants', 2000).safeParse(a.wants);
  if (!wants.success) issues.wants = wants.error.issues[0]!.message;
  const version = a.version === '0' ? 0 : parseVersion(a.version);
  if (version === null) issues.needs ??= 'Open the needs again and make your change there';
  if (Object.keys(issues).length > 0 || !wants.success || version === null) return { ok: false, issues };
  return { ok: true, value: { needs: [...new Set(a.needs as Need[])], wants: wants.data, version } };
}
