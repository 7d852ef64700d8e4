import { z } from 'zod';
import { londonWallTimeToUtc } from '#platform/clock.ts';
import { type DateParts, dateParts, type Parsed, parseDateParts, parseTime, proseText, text } from '#platform/forms.ts';
import { NOTE_MAX } from '../model.ts';
import {
  CANCEL_REASON_MAX,
  type ClinicSession,
  type Outcome,
  PLACE_MAX,
  type SessionMode,
  SLOT_LENGTHS,
  sessionModes,
} from './model.ts';

// The clinic's forms: a session (day, start and end, slot length, in person or video and where,
// which clinician), the slot chosen for a booking, a cancellation's reason, and an appointment's outcome.

export type SessionAnswers = {
  on: DateParts;
  startTime: string;
  endTime: string;
  slotMinutes: string;
  mode: string;
  place: string;
  clinicianId: string;
};

export function sessionAnswers(body: unknown): SessionAnswers {
  return {
    on: dateParts(body, 'on'),
    startTime: text(body, 'startTime'),
    endTime: text(body, 'endTime'),
    slotMinutes: text(body, 'slotMinutes'),
    mode: text(body, 'mode'),
    place: text(body, 'place'),
    clinicianId: text(body, 'clinicianId'),
  };
}

const modes = Object.keys(sessionModes) as [SessionMode, ...SessionMode[]];

export function parseSession(a: SessionAnswers): Parsed<ClinicSession> {
  const issues: Record<string, string> = {};
  // Any day: whether the session is over already is the model's rule, with the times.
  const day = parseDateParts(a.on, 'The day of the clinic', '9999-12-31', 'any');
  if (!day.ok) issues.on = day.message;
  const start = parseTime(a.startTime, 'The start time');
  if (!start.ok) issues.startTime = start.message;
  const end = parseTime(a.endTime, 'The end time');
  if (!end.ok) issues.endTime = end.message;
  const slot = z.coerce
    .number()
    .refine((n) => (SLOT_LENGTHS as readonly number[]).includes(n))
    .safeParse(a.slotMinutes || 'none');
  if (!slot.success) issues.slotMinutes = 'Select how long each appointment is';
  const mode = z.enum(modes).safeParse(a.mode);
  if (!mode.success) issues.mode = 'Select whether the clinic is in person or by video';
  const place = proseText('Where', PLACE_MAX).safeParse(a.place);
  if (!place.success) issues.place = place.error.issues[0]!.message;
  else if (place.data === '')
    issues.place =
      mode.success && mode.data === 'video' ? 'Enter how the person joins the call' : 'Enter where the clinic is';
  const clinician = z.uuid().safeParse(a.clinicianId.trim().toLowerCase());
  if (!clinician.success) issues.clinicianId = 'Select a clinician from your team';
  if (Object.keys(issues).length > 0 || !day.ok || !start.ok || !end.ok) return { ok: false, issues };
  return {
    ok: true,
    value: {
      startsAt: londonWallTimeToUtc(day.value, start.value),
      endsAt: londonWallTimeToUtc(day.value, end.value),
      slotMinutes: slot.data!,
      mode: mode.data!,
      place: place.data!,
      clinicianId: clinician.data!,
    },
  };
}

/** A slot as its radio button names it: the session's id and the slot's start, one value. */
export const slotValue = (sessionId: string, startsAt: Date) => `${sessionId}|${startsAt.toISOString()}`;

export function parseSlot(body: unknown): Parsed<{ sessionId: string; startsAt: Date }> {
  const [sessionId, at] = text(body, 'slot').split('|');
  const id = z.uuid().safeParse(sessionId?.toLowerCase());
  const startsAt = z.iso.datetime().safeParse(at);
  if (!id.success || !startsAt.success) return { ok: false, issues: { slot: 'Choose a time for the appointment' } };
  return { ok: true, value: { sessionId: id.data, startsAt: new Date(startsAt.data) } };
}

export function parseCancel(body: unknown): Parsed<string> {
  const reason = proseText('The reason', CANCEL_REASON_MAX).safeParse(text(body, 'reason'));
  if (!reason.success) return { ok: false, issues: { reason: reason.error.issues[0]!.message } };
  if (reason.data === '') return { ok: false, issues: { reason: 'Say why the appointment is cancelled' } };
  return { ok: true, value: reason.data };
}

export type OutcomeAnswers = { attended: string; note: string };

export const outcomeAnswers = (body: unknown): OutcomeAnswers => ({
  attended: text(body, 'attended'),
  note: text(body, 'note'),
});

export function parseOutcome(a: OutcomeAnswers): Parsed<Outcome> {
  if (a.attended !== 'yes' && a.attended !== 'no')
    return { ok: false, issues: { attended: 'Select whether the person came to the appointment' } };
  if (a.attended === 'no') return { ok: true, value: { attended: false } };
  const note = proseText('The note', NOTE_MAX).safeParse(a.note);
  if (!note.success) return { ok: false, issues: { note: note.error.issues[0]!.message } };
  return { ok: true, value: { attended: true, note: note.data } };
}
