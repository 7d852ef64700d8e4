import { defineMachine } from '#platform/state.ts';

// Ending a team's care of a person: a recorded decision with a coded reason and a date, never a
// silent drop from the caseload. From then on the team no longer sees the record, unless care
// starts again (a new care relationship).

export const dischargeReasons = {
  'aftercare-in-place': 'Aftercare is in place',
  admitted: 'Admitted to hospital',
  transferred: 'Transferred to another team',
  declined: 'Declined further contact',
  'moved-away': 'Moved out of the area',
  died: 'Died',
  other: 'Another reason',
} as const;
export type DischargeReason = keyof typeof dischargeReasons;

export const careStates = defineMachine({
  subject: 'This person',
  states: {
    'not-in-care': 'has never been in the team’s care',
    'in-care': 'is in the team’s care',
    discharged: 'has already been discharged from the team’s care',
  },
  events: {
    // Taking someone on (the front door), or again after a discharge: a new relationship each time.
    'care.started': { from: ['not-in-care', 'discharged'], to: 'in-care', code: 'already-in-care' },
    'care.ended': { from: ['in-care'], to: 'discharged', code: 'already-discharged' },
  },
});
export type CareState = keyof typeof careStates.states;

export const REASON_TEXT_MAX = 2000;

export type Discharge = {
  reason: DischargeReason;
  /** Words beside the reason: required for "another reason". */
  reasonText: string;
  /** The day care ended (a London date). */
  on: string;
  /** Why the 48-hour follow-up is not needed, when it is still due. */
  followUpReason: string;
  /** Why the person leaves the caseload while referrals are still open. */
  referralsReason: string;
};

export type DischargeProblem = {
  field: 'reason' | 'reasonText' | 'on' | 'followUpReason' | 'referralsReason';
  message: string;
};

/**
 * The rules a discharge keeps: a date not in the future and not before care began, words for
 * "another reason", and — while a 48-hour follow-up is still due — why it is not needed (NICE
 * NG225: follow-up within 48 hours of the assessment; the clock is stopped only by a recorded
 * decision, so discharge cannot stop it silently).
 */
export function checkDischarge(
  d: Discharge,
  context: {
    careBeganOn: string;
    today: string;
    followUpDueAt: Date | null;
    now: Date;
    /** The services of the team's referrals for the person still open (not closed by the service or cancelled). */
    openReferrals?: readonly string[];
  },
): DischargeProblem[] {
  const problems: DischargeProblem[] = [];
  if (d.reason === 'other' && d.reasonText.trim() === '')
    problems.push({ field: 'reasonText', message: 'Say why care is ending' });
  if (d.on > context.today) problems.push({ field: 'on', message: 'The date care ended must be today or in the past' });
  else if (d.on < context.careBeganOn)
    problems.push({ field: 'on', message: 'The date care ended must be on or after the day care began' });
  if (followUpStillDue(context.followUpDueAt) && d.followUpReason.trim() === '')
    problems.push({
      field: 'followUpReason',
      message: 'The 48-hour follow-up is still due: say why it is not needed, or follow the person up first',
    });
  // No referral is lost: while one is open, the person leaves the caseload only with a recorded
  // reason (who follows it up now), never silently.
  const open = context.openReferrals ?? [];
  if (open.length > 0 && d.referralsReason.trim() === '')
    problems.push({
      field: 'referralsReason',
      message: `${open.length === 1 ? 'A referral is' : `${open.length} referrals are`} still open (${open.join(', ')}): say who follows ${open.length === 1 ? 'it' : 'them'} up now, or close ${open.length === 1 ? 'it' : 'them'} first`,
    });
  return problems;
}

/**
 * Whether the 48-hour follow-up is still due: its clock is due (not done, not stopped) — whether or
 * not the 48 hours have passed, as an overdue follow-up is still owed.
 */
export function followUpStillDue(dueAt: Date | null): boolean {
  return dueAt !== null;
}
