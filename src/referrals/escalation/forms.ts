import { z } from 'zod';
import { dateParts, type Parsed, parseDateParts, text, writtenText } from '#platform/forms.ts';
import { ESCALATION_TEXT_MAX, isOutcome, type Outcome } from './model.ts';

// Escalation's forms: to whom and why, by when; and its resolution.

export function parseEscalate(
  body: unknown,
  today: string,
): Parsed<{ ownerId: string; reason: string; dueOn: string }> {
  const issues: Record<string, string> = {};
  const owner = z.uuid().safeParse(text(body, 'ownerId').trim().toLowerCase());
  if (!owner.success) issues.ownerId = 'Choose a senior clinician of the team';
  const reason = writtenText(
    text(body, 'escalationReason'),
    { name: 'What to take up', enter: 'Say what the senior clinician should take up' },
    ESCALATION_TEXT_MAX,
  );
  if (!reason.ok) issues.escalationReason = reason.message;
  const due = parseDateParts(dateParts(body, 'dueOn'), 'The day it is due', today, 'any');
  if (!due.ok) issues.dueOn = due.message;
  if (!owner.success || !reason.ok || !due.ok) return { ok: false, issues };
  return { ok: true, value: { ownerId: owner.data, reason: reason.value, dueOn: due.value } };
}

export function parseResolve(body: unknown): Parsed<{ outcome: Outcome; resolution: string }> {
  const issues: Record<string, string> = {};
  const outcome = text(body, 'outcome');
  if (!isOutcome(outcome)) issues.outcome = 'Select how it was resolved';
  const resolution = writtenText(
    text(body, 'resolution'),
    { name: 'What happened', enter: 'Say what was agreed, and what happens for the person now' },
    ESCALATION_TEXT_MAX,
  );
  if (!resolution.ok) issues.resolution = resolution.message;
  if (!isOutcome(outcome) || !resolution.ok) return { ok: false, issues };
  return { ok: true, value: { outcome, resolution: resolution.value } };
}
