import { z } from 'zod';
import {
  type DateParts,
  dateAndTime,
  dateParts,
  type Parsed,
  parseVersion,
  proseText,
  text,
  writtenText,
} from '#platform/forms.ts';
import { SECTION_MAX } from './model.ts';

// Referrals' forms: which service to write to (from which assessment), the letter's words, the
// version being sent, and an early conversation with the service.

export type StartAnswers = { assessmentId: string; serviceId: string; replaces: string };
export type Start = { assessmentId: string; serviceId: string; replaces: string | null };

export const startAnswers = (body: unknown): StartAnswers => ({
  assessmentId: text(body, 'assessmentId'),
  serviceId: text(body, 'serviceId'),
  replaces: text(body, 'replaces'),
});

/** Which service, from which assessment, and (re-routing) which referral a service did not accept it replaces. */
export function parseStart(a: StartAnswers): Parsed<Start> {
  const issues: Record<string, string> = {};
  const assessment = z.uuid().safeParse(a.assessmentId.trim().toLowerCase());
  if (!assessment.success) issues.assessmentId = 'Start the referral from the person’s assessment';
  const service = z.uuid().safeParse(a.serviceId.trim().toLowerCase());
  if (!service.success) issues.serviceId = 'Choose the service from the directory';
  const replaces = a.replaces.trim() === '' ? null : z.uuid().safeParse(a.replaces.trim().toLowerCase());
  if (replaces && !replaces.success) issues.replaces = 'Start the new referral from the one it replaces';
  if (!assessment.success || !service.success || (replaces && !replaces.success)) return { ok: false, issues };
  return {
    ok: true,
    value: { assessmentId: assessment.data, serviceId: service.data, replaces: replaces?.data ?? null },
  };
}

export type LetterAnswers = { version: string; sections: string[]; keepNice: boolean };

/** The letter's boxes, as many as the letter has sections (a box the form lacks is left as it was). */
export function letterAnswers(body: unknown, count: number): LetterAnswers {
  const b = body as Record<string, unknown> | null | undefined;
  return {
    version: text(body, 'version'),
    sections: Array.from({ length: count }, (_, i) => text(body, `section-${i}`)),
    keepNice: b?.keepNice === 'yes',
  };
}

export function parseLetter(
  a: LetterAnswers,
  headings: readonly string[],
): Parsed<{ version: number; texts: string[]; keepNice: boolean }> {
  const issues: Record<string, string> = {};
  const version = parseVersion(a.version);
  if (version === null) issues.form = 'Open the letter again and make your change there';
  const texts = a.sections.map((t, i) => {
    const parsed = proseText(`“${headings[i] ?? 'This section'}”`, SECTION_MAX).safeParse(t);
    if (!parsed.success) issues[`section-${i}`] = parsed.error.issues[0]!.message;
    return parsed.success ? parsed.data : t;
  });
  if (version === null || Object.keys(issues).length > 0) return { ok: false, issues };
  return { ok: true, value: { version, texts, keepNice: a.keepNice } };
}

export function parseSend(body: unknown): Parsed<number> {
  const version = parseVersion(text(body, 'version'));
  if (version === null) return { ok: false, issues: { form: 'Open the referral again and send it from there' } };
  return { ok: true, value: version };
}

export const conversationWays = { phone: 'On the phone', meeting: 'In person', video: 'On a video call' } as const;
export type ConversationWay = keyof typeof conversationWays;
const ways = Object.keys(conversationWays) as [ConversationWay, ...ConversationWay[]];

export type ConversationAnswers = { withWhom: string; way: string; on: DateParts; time: string; agreed: string };

export const conversationAnswers = (body: unknown): ConversationAnswers => ({
  withWhom: text(body, 'withWhom'),
  way: text(body, 'way'),
  on: dateParts(body, 'on'),
  time: text(body, 'time'),
  agreed: text(body, 'agreed'),
});

export function parseConversation(
  a: ConversationAnswers,
  today: string,
): Parsed<{ withWhom: string; way: ConversationWay; heldAt: Date; agreed: string }> {
  const issues: Record<string, string> = {};
  const withWhom = writtenText(
    a.withWhom,
    { name: 'Who you spoke to', enter: 'Enter who you spoke to, and their role' },
    200,
  );
  if (!withWhom.ok) issues.withWhom = withWhom.message;
  const way = z.enum(ways).safeParse(a.way);
  if (!way.success) issues.way = 'Select how you spoke';
  const at = dateAndTime(a.on, a.time, 'you spoke', today, 'past');
  if (!at.ok) {
    if (at.day) issues.on = at.day;
    if (at.time) issues.time = at.time;
  }
  const agreed = writtenText(a.agreed, { name: 'What was agreed', enter: 'Enter what was said and agreed' }, 4000);
  if (!agreed.ok) issues.agreed = agreed.message;
  if (!withWhom.ok || !way.success || !at.ok || !agreed.ok) return { ok: false, issues };
  return { ok: true, value: { withWhom: withWhom.value, way: way.data, heldAt: at.value, agreed: agreed.value } };
}
