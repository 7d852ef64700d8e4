import { defineMachine } from '#platform/state.ts';
import type { NiceRule } from '../../directory/model.ts';

// The closed loop: a referral tracked from the letter sent until the person is seen (or the loop is
// closed some other way, with a reason). Its life is a set of stages, each mapped to the status of
// the FHIR Task that tracks it in the HL7 closed-loop referral guides (Gravity's Task.status) and to
// the finer business step (BSeR's businessStatus and what liaison work adds). Delivered is not
// accepted: a letter that arrived is not a person who will be seen. Every move is an event made
// through the shared state mechanism, and each says who may make it.

export const stages = [
  'draft',
  'requested',
  'on-hold',
  'accepted',
  'booked',
  'attended',
  'did-not-attend',
  'rejected',
  'completed',
  'cancelled',
  'entered-in-error',
] as const;
export type Stage = (typeof stages)[number];

export type TaskStatus =
  | 'draft'
  | 'requested'
  | 'accepted'
  | 'rejected'
  | 'in-progress'
  | 'on-hold'
  | 'completed'
  | 'cancelled'
  | 'failed'
  | 'entered-in-error';

/** Each stage as the Task's status and business step, and in words. */
export const stageInfo: Record<Stage, { task: TaskStatus; business: string | null; text: string; open: boolean }> = {
  draft: { task: 'draft', business: null, text: 'Being written', open: true },
  requested: { task: 'requested', business: 'letter-sent', text: 'Sent: waiting for the service', open: true },
  'on-hold': {
    task: 'on-hold',
    business: 'more-information-asked',
    text: 'The service asked for more information',
    open: true,
  },
  accepted: { task: 'accepted', business: 'accepted', text: 'Accepted: no appointment yet', open: true },
  booked: { task: 'in-progress', business: 'appointment-booked', text: 'Appointment booked', open: true },
  attended: { task: 'in-progress', business: 'attended', text: 'Seen by the service', open: true },
  'did-not-attend': { task: 'in-progress', business: 'did-not-attend', text: 'Did not attend', open: true },
  rejected: { task: 'rejected', business: 'declined', text: 'Not accepted', open: false },
  completed: { task: 'completed', business: 'discharged', text: 'Discharged by the service', open: false },
  cancelled: { task: 'cancelled', business: 'cancelled', text: 'Cancelled', open: false },
  'entered-in-error': { task: 'entered-in-error', business: null, text: 'Withdrawn: entered in error', open: false },
};

/** Who acts on a referral: the team that referred, the service it went to, or a senior clinician of the referring team. */
export type Party = 'referrer' | 'service' | 'senior';

export const loopEvents = [
  'referral.sent',
  'referral.information-asked',
  'referral.information-given',
  'referral.reconsideration-asked',
  'referral.accepted',
  'referral.rejected',
  'referral.booked',
  'referral.appointment-cancelled',
  'referral.attended',
  'referral.did-not-attend',
  'referral.discharged',
  'referral.cancellation-requested',
  'referral.cancelled',
  'referral.entered-in-error',
] as const;
export type LoopEvent = (typeof loopEvents)[number];

const waiting: Stage[] = ['requested', 'on-hold'];
const underway: Stage[] = ['accepted', 'booked', 'attended', 'did-not-attend'];

// The Gravity transitions (requested → accepted | rejected | cancelled; accepted → in-progress |
// on-hold | cancelled | completed; …), with BSeR's rule that a service may decline from received,
// accepted or in progress, and the steps inside "in progress" that liaison work needs.
export const loopMachine = defineMachine<Stage, Exclude<LoopEvent, 'referral.cancellation-requested'>>({
  subject: 'This referral',
  states: {
    draft: 'is still being written',
    requested: 'is waiting for the service',
    'on-hold': 'is waiting for more information',
    accepted: 'has been accepted',
    booked: 'has an appointment booked',
    attended: 'has been seen by the service',
    'did-not-attend': 'had an appointment the person did not attend',
    rejected: 'was not accepted',
    completed: 'has been closed by the service',
    cancelled: 'has been cancelled',
    'entered-in-error': 'was withdrawn as entered in error',
  },
  events: {
    'referral.sent': { from: ['draft'], to: 'requested', refused: 'This referral has already been sent' },
    'referral.information-asked': { from: ['requested'], to: 'on-hold' },
    'referral.information-given': { from: ['on-hold'], to: 'requested', refused: 'No information is being asked for' },
    // The referrer answers a rejection (with more about the person, or citing NG225): the referral
    // goes back to the service to decide again, its answer in the thread.
    'referral.reconsideration-asked': {
      from: ['rejected'],
      to: 'requested',
      refused: 'Only a referral the service did not accept can be sent back to it',
    },
    // A service may think again about a referral it did not accept (after a senior clinician
    // spoke with it, say): the rejection stays in the referral's history.
    'referral.accepted': {
      from: [...waiting, 'rejected'],
      to: 'accepted',
      refused: 'Only a referral waiting for the service, or one it did not accept, can be accepted',
    },
    'referral.rejected': { from: [...waiting, ...underway], to: 'rejected' },
    'referral.booked': {
      from: ['accepted', 'did-not-attend'],
      to: 'booked',
      refused: 'Accept the referral before booking an appointment',
    },
    'referral.appointment-cancelled': {
      from: ['booked'],
      to: 'accepted',
      refused: 'There is no appointment to cancel',
    },
    'referral.attended': { from: ['booked'], to: 'attended', refused: 'Book an appointment before recording it' },
    'referral.did-not-attend': {
      from: ['booked'],
      to: 'did-not-attend',
      refused: 'Book an appointment before recording it',
    },
    'referral.discharged': {
      from: underway,
      to: 'completed',
      refused: 'Only a referral the service took on can be discharged',
    },
    'referral.cancelled': { from: ['draft', ...waiting, ...underway], to: 'cancelled' },
    'referral.entered-in-error': {
      from: ['draft', ...waiting, ...underway, 'rejected', 'completed', 'cancelled'],
      to: 'entered-in-error',
    },
  },
});

/** Who may make each move. */
export const madeBy: Record<LoopEvent, readonly Party[]> = {
  'referral.sent': ['referrer'],
  'referral.information-asked': ['service'],
  'referral.information-given': ['referrer'],
  'referral.reconsideration-asked': ['referrer', 'senior'],
  'referral.accepted': ['service'],
  'referral.rejected': ['service'],
  'referral.booked': ['service'],
  'referral.appointment-cancelled': ['service'],
  'referral.attended': ['service'],
  'referral.did-not-attend': ['service'],
  'referral.discharged': ['service'],
  'referral.cancellation-requested': ['referrer', 'senior'],
  // The service confirms a cancellation the referrer asked for; the referrer discards only a draft.
  'referral.cancelled': ['service', 'referrer'],
  'referral.entered-in-error': ['referrer', 'senior'],
};

/**
 * The stage a move leads to, or a refusal naming why: the machine's rule, who may make it, and the
 * rules the machine cannot see (a cancellation request keeps the stage it was made in; the referrer
 * cancels only a draft; the service cancels only what the referrer asked to cancel).
 */
export function nextStage(
  current: Stage,
  event: LoopEvent,
  party: Party,
  o: { cancellationRequested?: boolean; replaced?: boolean } = {},
): { ok: true; to: Stage } | { ok: false; reason: string } {
  if (!madeBy[event].includes(party))
    return {
      ok: false,
      reason:
        party === 'service'
          ? 'Only the referring team can do this'
          : 'Only the service the referral went to can do this',
    };
  // The referrer asks; the referral stays where it is until the service confirms (BSeR 5.2, then 6.0).
  if (event === 'referral.cancellation-requested') {
    if (![...waiting, ...underway].includes(current))
      return { ok: false, reason: `This referral ${loopMachine.states[current]}, so there is nothing to cancel` };
    if (o.cancellationRequested) return { ok: false, reason: 'Cancelling this referral has already been asked for' };
    return { ok: true, to: current };
  }
  const rule = loopMachine.events[event];
  if (!rule.from.includes(current))
    return {
      ok: false,
      reason: rule.refused
        ? `${rule.refused} (it ${loopMachine.states[current]})`
        : `This referral ${loopMachine.states[current]}, so this cannot be done now`,
    };
  if (
    (event === 'referral.accepted' || event === 'referral.reconsideration-asked') &&
    current === 'rejected' &&
    o.replaced
  )
    return {
      ok: false,
      reason: 'This referral was replaced by a referral to another service, so it cannot be accepted now',
    };
  if (event === 'referral.cancelled') {
    if (party === 'referrer' && current !== 'draft')
      return { ok: false, reason: 'A sent referral is cancelled by asking the service: it confirms' };
    if (party === 'service' && !o.cancellationRequested)
      return { ok: false, reason: 'The referring team has not asked to cancel this referral' };
  }
  return { ok: true, to: rule.to };
}

/** The moves a party may make from a stage: what its page offers. */
export function movesFor(
  current: Stage,
  party: Party,
  o: { cancellationRequested?: boolean; replaced?: boolean } = {},
): LoopEvent[] {
  return loopEvents.filter((e) => nextStage(current, e, party, o).ok);
}

/**
 * Onward's coded reasons for not accepting a referral (NHS e-RS makes a coded reason mandatory for
 * every provider rejection; so does Onward), each with the e-RS provider-reject code, the Directory
 * of Services / BaRS outcome code and the NICE NG225 rule it conflicts with, if any.
 */
export const rejectionReasons = {
  'risk-too-high': {
    text: 'Risk too high for the service',
    ers: 'SERVICE_INAPPROPRIATE',
    bars: '23',
    nice: 'risk-level',
  },
  'not-severe-enough': {
    text: 'Not unwell enough for the service',
    ers: 'SERVICE_INAPPROPRIATE',
    bars: '23',
    nice: null,
  },
  'self-harm': { text: 'Because of self-harm', ers: 'SERVICE_INAPPROPRIATE', bars: '23', nice: 'self-harm' },
  'substance-use': {
    text: 'Because of drug or alcohol use',
    ers: 'SERVICE_INAPPROPRIATE',
    bars: '23',
    nice: 'drugs-alcohol',
  },
  diagnosis: {
    text: 'Because of a diagnosis, or the lack of one',
    ers: 'SERVICE_INAPPROPRIATE',
    bars: '23',
    nice: 'diagnosis',
  },
  age: { text: 'Because of age', ers: 'SERVICE_INAPPROPRIATE', bars: '40', nice: 'age' },
  'out-of-area': { text: 'Out of the service’s area', ers: 'SERVICE_INAPPROPRIATE', bars: '40', nice: null },
  'already-known': { text: 'Already known to another team', ers: 'OTHER', bars: 'OTH', nice: null },
  incomplete: {
    text: 'The referral is incomplete',
    ers: 'SERVICE_PREREQUISITES_NOT_COMPLETE',
    bars: 'OTH',
    nice: null,
  },
  'no-capacity': { text: 'No capacity', ers: 'OTHER', bars: '22', nice: null },
  'declined-by-person': { text: 'The person declined', ers: 'OTHER', bars: 'OTH', nice: null },
  other: { text: 'Another reason', ers: 'OTHER', bars: 'OTH', nice: null },
} as const satisfies Record<string, { text: string; ers: string; bars: string; nice: NiceRule | null }>;
export type RejectionReason = keyof typeof rejectionReasons;
export const isRejectionReason = (r: string): r is RejectionReason => Object.hasOwn(rejectionReasons, r);

export const REASON_TEXT_MAX = 2000;

export type LoopProblem = { field: string; message: string };

/** A rejection needs a coded reason, and words when the reason is "another reason". */
export function checkRejection(r: { reason: string; text: string }): LoopProblem[] {
  if (!isRejectionReason(r.reason)) return [{ field: 'reason', message: 'Select why the referral is not accepted' }];
  if (r.reason === 'other' && r.text.trim() === '') return [{ field: 'text', message: 'Say what the other reason is' }];
  return [];
}

/** The NG225 rule a rejection reason conflicts with, or null: shown to both sides wherever the rejection appears. */
export const rejectionConflict = (reason: RejectionReason): NiceRule | null => rejectionReasons[reason].nice;

/** An appointment is booked for a time still to come. */
export function checkBooking(at: Date, now: Date): LoopProblem[] {
  return at.getTime() <= now.getTime()
    ? [{ field: 'on', message: 'The appointment must be in the future: record one that has happened as attended' }]
    : [];
}

/** Working days (Monday to Friday) from one moment to another, as a service's response target counts. */
export function workingDaysBetween(from: Date, to: Date): number {
  if (to <= from) return 0;
  let days = 0;
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  const end = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate()));
  while (d < end) {
    d.setUTCDate(d.getUTCDate() + 1);
    const day = d.getUTCDay();
    if (day !== 0 && day !== 6) days++;
  }
  return days;
}

/** A referral waiting for the service past its response target is overdue: the referrer chases it. */
export function isOverdue(r: { stage: Stage; sentAt: Date | null }, responseDays: number | null, now: Date): boolean {
  if (!waiting.includes(r.stage) || r.sentAt === null || responseDays === null) return false;
  return workingDaysBetween(r.sentAt, now) > responseDays;
}

/**
 * Why a referral needs the referring team now, or null: not accepted (answer, re-route or escalate),
 * the service asked a question, no answer past the service's target, or an appointment passed a day
 * ago with no outcome recorded.
 */
export function needsReferrer(
  r: { stage: Stage; sentAt: Date | null; appointmentAt: Date | null },
  responseDays: number | null,
  now: Date,
): 'rejected' | 'question' | 'overdue' | 'no-outcome' | null {
  if (r.stage === 'rejected') return 'rejected';
  if (r.stage === 'on-hold') return 'question';
  if (r.stage === 'booked' && r.appointmentAt && now.getTime() - r.appointmentAt.getTime() > 86_400_000)
    return 'no-outcome';
  if (isOverdue(r, responseDays, now)) return 'overdue';
  return null;
}

export const attentionWords = {
  rejected: 'Not accepted: answer it, refer elsewhere or escalate',
  question: 'The service asked a question',
  overdue: 'No answer past the service’s target',
  'no-outcome': 'Appointment passed with no outcome',
} as const;
