import { defineMachine } from '#platform/state.ts';
import type { Stage } from '../loop/model.ts';

// Escalation: "pulling the consultant card" made a visible, counted action. A senior clinician of
// the referring team takes up a rejected or stuck referral with the other service: its own task,
// owned by them, with a due date; each conversation with the service kept; resolved as accepted,
// an alternative found, or not resolved (which is then a gap the figures count).

export const escalationStatuses = {
  open: 'Open',
  'in-discussion': 'In discussion with the service',
  resolved: 'Resolved',
} as const;
export type EscalationStatus = keyof typeof escalationStatuses;

export const outcomes = {
  accepted: 'The service accepted the referral',
  'alternative-found': 'Another service will see the person',
  'not-resolved': 'Not resolved: no aftercare agreed',
} as const;
export type Outcome = keyof typeof outcomes;
export const isOutcome = (o: string): o is Outcome => Object.hasOwn(outcomes, o);

export const escalationMachine = defineMachine<EscalationStatus, 'escalation.discussed' | 'escalation.resolved'>({
  subject: 'This escalation',
  states: { open: 'is open', 'in-discussion': 'is in discussion with the service', resolved: 'has been resolved' },
  events: {
    'escalation.discussed': {
      from: ['open', 'in-discussion'],
      to: 'in-discussion',
      refused: 'This escalation is resolved',
    },
    'escalation.resolved': {
      from: ['open', 'in-discussion'],
      to: 'resolved',
      refused: 'This escalation is already resolved',
    },
  },
});

/** A referral a senior clinician may take up: not accepted, or still waiting for the service. */
export const escalatable: readonly Stage[] = ['rejected', 'requested', 'on-hold'];

export const ESCALATION_TEXT_MAX = 2000;

export type EscalationProblem = { field: string; message: string };

/** An escalation names why, and a due day from today on. */
export function checkEscalation(e: { reason: string; dueOn: string }, today: string): EscalationProblem[] {
  const problems: EscalationProblem[] = [];
  if (e.reason.trim() === '')
    problems.push({ field: 'escalationReason', message: 'Say what the senior clinician should take up' });
  if (e.dueOn < today) problems.push({ field: 'dueOn', message: 'The day it is due must be today or later' });
  return problems;
}

/** Overdue once its due day has passed unresolved. */
export const escalationOverdue = (e: { status: EscalationStatus; dueOn: string }, today: string) =>
  e.status !== 'resolved' && e.dueOn < today;
