import { londonWallTimeToUtc } from '#platform/clock.ts';
import { type DateParts, londonToday, type Parsed, parseDateParts, parseTime } from '#platform/forms.ts';
import { checkPresentation, isMethodCode, isOutcome, type MethodCode, type PresentationInput } from './model.ts';

/** What the "record a presentation" page posts, as strings. */
export type PresentationAnswers = {
  teamId: string;
  arrivedDate: DateParts;
  arrivedTime: string;
  methods: string[];
  leftDate: DateParts;
  leftTime: string;
  outcome: string;
};

export function parsePresentation(
  a: PresentationAnswers,
  teamIds: readonly string[],
  now: Date,
): Parsed<PresentationInput> {
  const issues: Record<string, string> = {};
  const today = londonToday(now);
  if (!teamIds.includes(a.teamId)) issues.teamId = 'Select the hospital the person attended';

  const arrivedDate = parseDateParts(a.arrivedDate, 'Date of arrival', today, 'past');
  const arrivedTime = parseTime(a.arrivedTime, 'Time of arrival');
  if (!arrivedDate.ok) issues.arrivedDate = arrivedDate.message;
  else if (!arrivedTime.ok) issues.arrivedTime = arrivedTime.message;

  const unknown = a.methods.filter((m) => !isMethodCode(m));
  if (unknown.length > 0) issues.methods = 'Select methods from the list';
  else if (a.methods.length === 0) issues.methods = 'Select at least one method of self-harm';

  // Leaving is optional while the person is still in the department; a partly filled date is not.
  const leftGiven = Boolean(
    a.leftDate.day.trim() || a.leftDate.month.trim() || a.leftDate.year.trim() || a.leftTime.trim(),
  );
  let leftAt: Date | null = null;
  if (leftGiven) {
    const leftDate = parseDateParts(a.leftDate, 'Date of leaving', today, 'past');
    const leftTime = parseTime(a.leftTime, 'Time of leaving');
    if (!leftDate.ok) issues.leftDate = leftDate.message;
    else if (!leftTime.ok) issues.leftTime = leftTime.message;
    else leftAt = londonWallTimeToUtc(leftDate.value, leftTime.value);
  }
  if (a.outcome && !isOutcome(a.outcome)) issues.outcome = 'Select how the attendance ended';
  if (Object.keys(issues).length > 0 || !arrivedDate.ok || !arrivedTime.ok) return { ok: false, issues };

  const input: PresentationInput = {
    teamId: a.teamId,
    arrivedAt: londonWallTimeToUtc(arrivedDate.value, arrivedTime.value),
    leftAt,
    outcome: a.outcome && isOutcome(a.outcome) ? a.outcome : null,
    methods: a.methods as MethodCode[],
  };
  const fieldFor = { arrivedAt: 'arrivedTime', leftAt: 'leftTime', outcome: 'outcome', methods: 'methods' } as const;
  for (const p of checkPresentation(input, now)) issues[fieldFor[p.field]] ??= p.message;
  if (Object.keys(issues).length > 0) return { ok: false, issues };
  return { ok: true, value: input };
}
