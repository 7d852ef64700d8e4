import type { AssessmentStatus } from '../assessments/model.ts';
import type { FollowUpState } from '../followup/model.ts';
import type { Outcome } from '../presentations/model.ts';

// What needs doing next for each person on a team's caseload, from what their record can already
// tell: so a practitioner sees the gaps without opening every record. Pure: the facts come from
// the store, the time from the caller.

/** What the record says about the person's latest attendance with this team and what followed it. */
export type CaseFacts = {
  /** `leftAt`: when the person left hospital, once recorded. */
  presentation: { outcome: Outcome | null; leftAt?: Date | null } | null;
  /** `followUpDueAt`: when the assessment's follow-up falls due, while its clock is due; null once done or stopped. */
  assessment: { status: AssessmentStatus; followUpDueAt: Date | null } | null;
  carePlan: { version: number; agreedVersion: number | null } | null;
  hasSafetyPlan: boolean;
  /** The assessment's follow-up, whatever its state, and a clinic appointment still ahead of it. */
  followUp?: { state: FollowUpState; appointmentAt: Date | null } | null;
};

export type StepCode =
  | 'record-attendance'
  | 'left-before-assessment'
  | 'assessment-due'
  | 'assessment-not-final'
  | 'follow-up-due'
  | 'care-plan-not-started'
  | 'care-plan-not-agreed'
  | 'safety-plan-missing'
  | 'in-place';

/** A step to show, most pressing first; `urgent` ones are marked so they stand out. */
export type Step = { code: StepCode; text: string; urgent: boolean };

/** The follow-up falling due within this long is marked urgent (a shift's worth of warning). */
export const FOLLOW_UP_SOON_MS = 12 * 3_600_000;

export function currentSteps(f: CaseFacts, now: Date, show: (d: Date) => string): Step[] {
  if (!f.presentation) return [{ code: 'record-attendance', text: 'Record the attendance', urgent: false }];
  if (f.presentation.outcome === 'left-before-assessment' && !f.assessment)
    // Someone who left before being assessed is not off the list: they still need contacting.
    return [{ code: 'left-before-assessment', text: 'Left before assessment: contact them', urgent: true }];
  if (!f.assessment) return [{ code: 'assessment-due', text: 'Assessment due', urgent: true }];
  if (f.assessment.status !== 'final')
    return [{ code: 'assessment-not-final', text: 'Assessment not finalised', urgent: true }];
  const steps: Step[] = [];
  // The 48-hour follow-up's clock while it is due (not done, not stopped): overdue once its time
  // has passed, and pressing in its last 12 hours (NICE NG225).
  const due = f.assessment.followUpDueAt;
  if (due && due.getTime() <= now.getTime())
    steps.push({ code: 'follow-up-due', text: `Follow-up overdue since ${show(due)}`, urgent: true });
  else if (due)
    steps.push({
      code: 'follow-up-due',
      text: `Follow-up due by ${show(due)}`,
      urgent: due.getTime() - now.getTime() <= FOLLOW_UP_SOON_MS,
    });
  if (!f.carePlan) steps.push({ code: 'care-plan-not-started', text: 'Care plan not started', urgent: false });
  else if (f.carePlan.agreedVersion !== f.carePlan.version)
    steps.push({ code: 'care-plan-not-agreed', text: 'Care plan not agreed', urgent: false });
  if (!f.hasSafetyPlan) steps.push({ code: 'safety-plan-missing', text: 'No safety plan', urgent: false });
  return steps.length > 0 ? steps : [{ code: 'in-place', text: 'Plans in place', urgent: false }];
}

// The first month after leaving hospital is the highest-risk window (suicide after self-harm and
// after discharge peaks in the first weeks): the caseload marks who is in it and what is in place
// for them, beside what needs doing, so a gap in that month shows without opening every record.

export const FIRST_MONTH_DAYS = 30;
const DAY_MS = 86_400_000;

export type FirstMonth = { day: number; inPlace: string[] };

/** Day n of the 30 after the person left hospital (home, or before being assessed), with what is in place; null outside it. */
export function firstMonth(f: CaseFacts, now: Date, show: (d: Date) => string): FirstMonth | null {
  const p = f.presentation;
  const left = p && (p.outcome === 'discharged' || p.outcome === 'left-before-assessment') ? p.leftAt : null;
  if (!left) return null;
  const elapsed = now.getTime() - left.getTime();
  if (elapsed < 0 || elapsed >= FIRST_MONTH_DAYS * DAY_MS) return null;
  const inPlace: string[] = [];
  if (f.followUp?.state === 'done') inPlace.push('Follow-up done');
  if (f.followUp?.state === 'stopped') inPlace.push('Follow-up stopped with a reason');
  if (f.followUp?.appointmentAt) inPlace.push(`Clinic ${show(f.followUp.appointmentAt)}`);
  if (f.carePlan && f.carePlan.agreedVersion === f.carePlan.version) inPlace.push('Care plan agreed');
  if (f.hasSafetyPlan) inPlace.push('Safety plan');
  return { day: Math.floor(elapsed / DAY_MS) + 1, inPlace };
}
