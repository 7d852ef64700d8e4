import { defineMachine } from '#platform/state.ts';

// The liaison team's own follow-up clinic: sessions cut into slots, and appointments in them for a
// person's 48-hour follow-up. Pure: the sessions, the taken slots and the time come from the caller.

export const sessionModes = { 'in-person': 'In person', video: 'Video call' } as const;
export type SessionMode = keyof typeof sessionModes;

export const SLOT_LENGTHS = [15, 20, 30, 45, 60] as const;
export const PLACE_MAX = 200;
export const CANCEL_REASON_MAX = 4000;
const MINUTE_MS = 60_000;
const LONGEST_SESSION_MS = 12 * 3_600_000;

export type ClinicSession = {
  startsAt: Date;
  endsAt: Date;
  slotMinutes: number;
  mode: SessionMode;
  place: string;
  clinicianId: string;
};

export type SessionProblem = { field: 'endTime' | 'on' | 'slotMinutes'; message: string };

/** A session ends after it starts, within a working day, holds at least one slot, and is not over already. */
export function checkSession(s: ClinicSession, now: Date): SessionProblem[] {
  const problems: SessionProblem[] = [];
  const length = s.endsAt.getTime() - s.startsAt.getTime();
  if (length <= 0) problems.push({ field: 'endTime', message: 'The end time must be after the start time' });
  else if (length > LONGEST_SESSION_MS)
    problems.push({ field: 'endTime', message: 'A clinic session can be at most 12 hours long' });
  else if (length < s.slotMinutes * MINUTE_MS)
    problems.push({ field: 'slotMinutes', message: 'The session must be long enough for at least one appointment' });
  if (s.endsAt.getTime() <= now.getTime())
    problems.push({ field: 'on', message: 'The session must end in the future' });
  return problems;
}

/** The slots of a session: its start, then every slot length after, while a whole slot still fits. */
export function slotsOf(s: Pick<ClinicSession, 'startsAt' | 'endsAt' | 'slotMinutes'>): Date[] {
  const slots: Date[] = [];
  const step = s.slotMinutes * MINUTE_MS;
  for (let t = s.startsAt.getTime(); t + step <= s.endsAt.getTime(); t += step) slots.push(new Date(t));
  return slots;
}

/** Whether a time is one of the session's slots: what a booking must name. */
export function isSlotOf(s: Pick<ClinicSession, 'startsAt' | 'endsAt' | 'slotMinutes'>, at: Date): boolean {
  return slotsOf(s).some((slot) => slot.getTime() === at.getTime());
}

export type SessionWithTaken = Pick<ClinicSession, 'startsAt' | 'endsAt' | 'slotMinutes' | 'mode' | 'place'> & {
  id: string;
  clinicianName: string;
  /** The starts of slots already booked, attended or not attended (a cancelled one is free again). */
  taken: readonly Date[];
};

export type OfferedSlot = {
  sessionId: string;
  startsAt: Date;
  mode: SessionMode;
  place: string;
  clinicianName: string;
};

/**
 * The free slots to offer for a follow-up: those still ahead, soonest first, split into those
 * inside the 48 hours (offered first, NICE NG225) and those after it, which would make it late.
 */
export function offerSlots(
  sessions: readonly SessionWithTaken[],
  dueAt: Date,
  now: Date,
): { inTime: OfferedSlot[]; late: OfferedSlot[] } {
  const free: OfferedSlot[] = [];
  for (const s of sessions) {
    const taken = new Set(s.taken.map((t) => t.getTime()));
    for (const slot of slotsOf(s))
      if (slot.getTime() > now.getTime() && !taken.has(slot.getTime()))
        free.push({ sessionId: s.id, startsAt: slot, mode: s.mode, place: s.place, clinicianName: s.clinicianName });
  }
  free.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  return {
    inTime: free.filter((f) => f.startsAt.getTime() <= dueAt.getTime()),
    late: free.filter((f) => f.startsAt.getTime() > dueAt.getTime()),
  };
}

export const appointmentStates = defineMachine({
  subject: 'This appointment',
  states: {
    booked: 'is booked',
    attended: 'was attended',
    'did-not-attend': 'was not attended',
    cancelled: 'was cancelled',
  },
  events: {
    'appointment.attended': { from: ['booked'], to: 'attended', code: 'appointment-closed' },
    'appointment.did-not-attend': { from: ['booked'], to: 'did-not-attend', code: 'appointment-closed' },
    'appointment.cancelled': { from: ['booked'], to: 'cancelled', code: 'appointment-closed' },
  },
});
export type AppointmentState = keyof typeof appointmentStates.states;

export const appointmentStateNames: Record<AppointmentState, string> = {
  booked: 'Booked',
  attended: 'Attended',
  'did-not-attend': 'Did not attend',
  cancelled: 'Cancelled',
};

/** What happened at the appointment, as the clinic list records it. */
export type Outcome = { attended: true; note: string } | { attended: false };

export type OutcomeProblem = { field: 'attended' | 'note'; message: string };

/**
 * Attendance is recorded once the appointment has begun, never before; attending is contact with
 * the person, so it needs the same note as any follow-up (how they are, the safety plan, what next).
 */
export function checkOutcome(o: Outcome, context: { startsAt: Date; now: Date }): OutcomeProblem[] {
  if (context.startsAt.getTime() > context.now.getTime())
    return [{ field: 'attended', message: 'The appointment has not begun yet: record what happened once it has' }];
  if (o.attended && o.note.trim() === '')
    return [
      {
        field: 'note',
        message: 'Say how the person is, whether their safety plan is working, and what happens next',
      },
    ];
  return [];
}
