import { z } from 'zod';
import { londonWallTime, londonWallTimeToUtc } from './clock.ts';
import { type FieldIssues, Invalid } from './errors.ts';
import { storableText } from './http/input.ts';

// Shared shapes for page forms: strings in, typed values or GOV.UK-style messages out.

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: FieldIssues };

/**
 * A posted form's two ways of being refused, as one answer: the parser's field issues, or the use
 * case's `Invalid` (a rule only the model can check, such as an end before a start). Any other
 * error is not about the answers and goes on up. A POST handler is then: answer → redirect, or the
 * form again with the issues.
 */
export async function decide<T, R>(
  parsed: Parsed<T>,
  useCase: (value: T) => Promise<R>,
): Promise<{ ok: true; value: R } | { ok: false; issues: FieldIssues }> {
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, value: await useCase(parsed.value) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, issues: error.issues };
    throw error;
  }
}

/** The first message for each field, as the error summary and the field show it. */
export function fieldIssues(error: z.ZodError): FieldIssues {
  const issues: FieldIssues = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    issues[field] ??= issue.message;
  }
  return issues;
}

/**
 * A page's parser from a zod schema: the posted strings in, the typed value or one GOV.UK message
 * per field out. A POST handler is then parse → service → render or redirect.
 */
export function formParser<S extends z.ZodType>(schema: S): (body: unknown) => Parsed<z.infer<S>> {
  return (body) => {
    const parsed = schema.safeParse(body ?? {});
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: fieldIssues(parsed.error) };
  };
}

/** A required line of text, in the GOV.UK words: "Enter your username", "… must be 100 characters or fewer". */
export function requiredText(label: { enter: string; name: string }, max: number) {
  return z
    .string({ message: label.enter })
    .min(1, { message: label.enter })
    .max(max, { message: `${label.name} must be ${max.toLocaleString('en-GB')} characters or fewer` });
}

/** Optional prose, made storable and tidied as every typed text is (cleanText), at most `max` characters. */
export function proseText(name: string, max: number) {
  return z
    .string()
    .default('')
    .transform(cleanText)
    .refine((v) => v.length <= max, { message: `${name} must be ${max.toLocaleString('en-GB')} characters or fewer` });
}

/**
 * Prose that must say something: tidied as all prose is (proseText), at most `max` characters, and
 * not blank once tidied — `enter` is the message when it is ("Enter what was agreed").
 */
export function writtenText(
  value: string,
  label: { name: string; enter: string },
  max: number,
): { ok: true; value: string } | { ok: false; message: string } {
  const parsed = proseText(label.name, max).safeParse(value);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message };
  if (parsed.data.trim() === '') return { ok: false, message: label.enter };
  return { ok: true, value: parsed.data };
}

/** A GOV.UK date input (day, month, year boxes) as an ISO date, with the design system's messages. */
export function dateField(label: string, today: string, rule: 'past' | 'any' = 'any') {
  return z.object({ day: z.string(), month: z.string(), year: z.string() }).transform((parts, ctx) => {
    const parsed = parseDateParts(parts, label, today, rule);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });
}

/** The error summary's list, in the order the fields appear on the page. */
export function errorList(issues: FieldIssues, order: readonly (string | readonly [string, string])[]) {
  return order
    .map((f) => (Array.isArray(f) ? f : [f, f]))
    .filter(([field]) => issues[field as string])
    .map(([field, anchor]) => ({ text: issues[field as string], href: `#${anchor}` }));
}

/** A text field from a urlencoded body: anything that is not a single string counts as missing. */
export function text(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export type DateParts = { day: string; month: string; year: string };

export function dateParts(body: unknown, prefix: string): DateParts {
  return {
    day: text(body, `${prefix}[day]`),
    month: text(body, `${prefix}[month]`),
    year: text(body, `${prefix}[year]`),
  };
}

/**
 * A calendar date from the three boxes of a GOV.UK date input, with the design system's
 * messages: "Date of birth must include a month", "must be a real date", "must be in the past".
 */
export function parseDateParts(
  parts: DateParts,
  label: string,
  today: string,
  rule: 'past' | 'any' = 'any',
): { ok: true; value: string } | { ok: false; message: string } {
  const day = parts.day.trim();
  const month = parts.month.trim();
  const year = parts.year.trim();
  if (!day && !month && !year) return { ok: false, message: `Enter ${label.toLowerCase()}` };
  const missing = [!day && 'a day', !month && 'a month', !year && 'a year'].filter(Boolean);
  if (missing.length > 0) return { ok: false, message: `${label} must include ${missing.join(' and ')}` };
  if (![day, month, year].every((p) => /^[0-9]+$/.test(p)))
    return { ok: false, message: `${label} must be a real date` };
  if (year.length !== 4) return { ok: false, message: 'Year must include 4 numbers' };
  const d = Number(day);
  const m = Number(month);
  const y = Number(year);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { ok: false, message: `${label} must be a real date` };
  }
  const iso = `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (rule === 'past' && iso > today) return { ok: false, message: `${label} must be today or in the past` };
  if (y < 1900) return { ok: false, message: `${label} must be after 1900` };
  return { ok: true, value: iso };
}

/** Today's date in Europe/London as YYYY-MM-DD. */
export function londonToday(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
}

/** Checkboxes: one value arrives as a string, several as an array, none as nothing. */
export function list(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** A 24-hour time as people type it: "9:05", "09:05" or "09.05". */
export function parseTime(input: string, label: string): { ok: true; value: string } | { ok: false; message: string } {
  const t = input.trim();
  if (!t) return { ok: false, message: `Enter ${label.toLowerCase()}` };
  const m = /^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$/.exec(t);
  if (!m) return { ok: false, message: `${label} must be a real time in 24-hour format, like 14:30` };
  return { ok: true, value: `${m[1]!.padStart(2, '0')}:${m[2]}` };
}

/**
 * The one normalisation of typed prose: what cannot be stored goes (as at the request boundary,
 * `storableText`: unpaired surrogates, control characters other than tab and newline), Windows line
 * endings become \n, and trailing space goes. Nothing else changes: markup stays exactly as typed
 * and is only ever shown as text.
 */
export function cleanText(value: string): string {
  return storableText(value.replace(/\r\n?/g, '\n'))
    .replace(/[ \t]+$/gm, '')
    .trimEnd();
}

/** A version number as a hidden field carries it: a positive whole number, nothing else. */
export function parseVersion(value: string): number | null {
  if (!/^[1-9][0-9]{0,8}$/.test(value)) return null;
  return Number(value);
}

/** A date and a time typed in UK time, as one instant; each box's own message when it is wrong. */
export function dateAndTime(parts: DateParts, time: string, label: string, today: string, rule: 'past' | 'any') {
  const day = parseDateParts(parts, `The date ${label}`, today, rule);
  const clock = parseTime(time, `The time ${label}`);
  if (!day.ok || !clock.ok)
    return { ok: false as const, day: day.ok ? undefined : day.message, time: clock.ok ? undefined : clock.message };
  return { ok: true as const, value: londonWallTimeToUtc(day.value, clock.value) };
}

/** Now, as the boxes of a GOV.UK date input and a 24-hour time show it in UK time: what a form offers by default. */
export function nowInBoxes(now: Date): { on: DateParts; time: string } {
  const { date, time } = londonWallTime(now);
  const [year, month, day] = date.split('-');
  return { on: { day: String(Number(day)), month: String(Number(month)), year: year! }, time };
}
