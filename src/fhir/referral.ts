// A referral as FHIR R4, as the closed-loop referral guides model one: a ServiceRequest (what is
// asked for, of whom, for whom) and the Task that tracks its fulfilment (code `fulfill`, focus the
// request, owner the receiving service). Pure mappings, no I/O; the codes are data.
//
// - Task.status is the stage's closed-loop status (loop/model.ts `stageInfo`): requested until the
//   service acts, so a letter received is never "accepted".
// - Task.businessStatus carries the finer step in Onward's code system, with HL7 BSeR's code beside
//   it where BSeR has one (received 2.0, accepted 3.0, declined 4.0, event scheduled 5.1.1, no-show
//   5.1.2, event cancelled 5.1.3, cancellation requested 5.2, cancelled 6.0, completed 7.0).
// - Task.statusReason is present when the task is rejected, cancelled or on hold, as the Gravity guide
//   expects: a rejection's coded reason in Onward's system with its NHS e-RS provider-reject code.

import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import { type EscalationStatus, type Outcome, outcomes } from '../referrals/escalation/model.ts';
import { rejectionReasons, type Stage, stageInfo } from '../referrals/loop/model.ts';
import { NHS_NUMBER_SYSTEM } from './assessment.ts';

export const BUSINESS_SYSTEM = 'urn:onward:codesystem:referral-business-status';
export const REJECTION_SYSTEM = 'urn:onward:codesystem:referral-rejection-reason';
export const ERS_REJECT_SYSTEM = 'urn:onward:codesystem:ers-provider-reject';
export const BARS_OUTCOME_SYSTEM = 'urn:onward:codesystem:bars-outcome';
export const ESCALATION_SYSTEM = 'urn:onward:codesystem:task-code';
export const ESCALATION_OUTCOME_SYSTEM = 'urn:onward:codesystem:escalation-outcome';
const BSER = 'http://hl7.org/fhir/us/bser/CodeSystem/TaskBusinessStatusCS';
const TASK_CODE = 'http://hl7.org/fhir/CodeSystem/task-code';

const bserCode: Partial<Record<string, [string, string]>> = {
  received: ['2.0', 'Service request received'],
  accepted: ['3.0', 'Service request accepted'],
  declined: ['4.0', 'Service request declined'],
  'appointment-booked': ['5.1.1', 'Event scheduled'],
  'did-not-attend': ['5.1.2', 'Event unattended (no-show)'],
  'appointment-cancelled': ['5.1.3', 'Event cancelled'],
  'cancellation-requested': ['5.2', 'Cancellation requested'],
  cancelled: ['6.0', 'Service request cancelled'],
  discharged: ['7.0', 'Service request fulfillment completed'],
};

export type ReferralFacts = {
  id: string;
  stage: Stage;
  patient: { id: string; nhsNumber: string | null; name: string };
  service: { id: string; name: string };
  requester: { id: string; name: string };
  serviceName: string;
  reasonText: string;
  createdAt: Date;
  sentAt: Date | null;
  updatedAt: Date;
  receivedAt: Date | null;
  cancellationRequestedAt: Date | null;
  rejection: { reason: string; text: string } | null;
  /** Re-routing: the referral this one replaces (ServiceRequest.replaces). */
  replaces?: string | null;
};

function businessStep(f: ReferralFacts): string | null {
  if (f.cancellationRequestedAt && stageInfo[f.stage].open && f.stage !== 'draft') return 'cancellation-requested';
  if (f.stage === 'requested' && f.receivedAt) return 'received';
  return stageInfo[f.stage].business;
}

export function referralToFhir(f: ReferralFacts): { serviceRequest: ServiceRequest; task: Task } {
  const subject = {
    reference: `Patient/${f.patient.id}`,
    display: f.patient.name,
    ...(f.patient.nhsNumber ? { identifier: { system: NHS_NUMBER_SYSTEM, value: f.patient.nhsNumber } } : {}),
  };
  const owner = { reference: `HealthcareService/${f.service.id}`, display: f.service.name };
  const requester = { reference: `Practitioner/${f.requester.id}`, display: f.requester.name };
  const info = stageInfo[f.stage];
  const serviceRequest: ServiceRequest = {
    resourceType: 'ServiceRequest',
    id: f.id,
    status:
      f.stage === 'draft'
        ? 'draft'
        : info.open
          ? 'active'
          : f.stage === 'entered-in-error'
            ? 'entered-in-error'
            : f.stage === 'completed'
              ? 'completed'
              : 'revoked',
    intent: 'order',
    code: { text: `Referral to ${f.serviceName}` },
    subject,
    requester,
    performer: [owner],
    ...(f.replaces ? { replaces: [{ reference: `ServiceRequest/${f.replaces}` }] } : {}),
    ...(f.sentAt ? { authoredOn: f.sentAt.toISOString() } : {}),
    ...(f.reasonText ? { reasonCode: [{ text: f.reasonText }] } : {}),
  };
  const step = businessStep(f);
  const bser = step ? bserCode[step] : undefined;
  const reason =
    f.rejection && Object.hasOwn(rejectionReasons, f.rejection.reason)
      ? rejectionReasons[f.rejection.reason as keyof typeof rejectionReasons]
      : null;
  const task: Task = {
    resourceType: 'Task',
    id: `${f.id}-task`,
    status: info.task,
    intent: 'order',
    code: { coding: [{ system: TASK_CODE, code: 'fulfill' }] },
    focus: { reference: `ServiceRequest/${f.id}` },
    for: subject,
    requester,
    owner,
    authoredOn: (f.sentAt ?? f.createdAt).toISOString(),
    lastModified: f.updatedAt.toISOString(),
    ...(step
      ? {
          businessStatus: {
            coding: [
              { system: BUSINESS_SYSTEM, code: step },
              ...(bser ? [{ system: BSER, code: bser[0], display: bser[1] }] : []),
            ],
          },
        }
      : {}),
    ...(f.stage === 'rejected' && f.rejection && reason
      ? {
          statusReason: {
            coding: [
              { system: REJECTION_SYSTEM, code: f.rejection.reason, display: reason.text },
              { system: ERS_REJECT_SYSTEM, code: reason.ers },
              { system: BARS_OUTCOME_SYSTEM, code: reason.bars },
            ],
            ...(f.rejection.text ? { text: f.rejection.text } : {}),
          },
        }
      : f.stage === 'cancelled'
        ? { statusReason: { text: 'Cancelled at the referring team’s request, or a draft discarded' } }
        : f.stage === 'on-hold'
          ? { statusReason: { text: 'The service asked for more information' } }
          : {}),
  };
  return { serviceRequest, task };
}

/** The Gravity guide's rule: a rejected, cancelled, on-hold or failed task says why. */
export function taskProblems(task: Task): string[] {
  return ['rejected', 'cancelled', 'on-hold', 'failed'].includes(task.status) && !task.statusReason
    ? [`Task.statusReason is required when the task is ${task.status}`]
    : [];
}

export type EscalationFacts = {
  id: string;
  referralId: string;
  patient: { id: string; name: string };
  owner: { id: string; name: string };
  status: EscalationStatus;
  outcome: Outcome | null;
  reason: string;
  dueOn: string;
  openedAt: Date;
  resolvedAt: Date | null;
  resolution: string | null;
  notes: { withWhom: string; heldAt: Date; agreed: string }[];
};

/**
 * An escalation as its own Task, owned by the senior clinician, part of the referral's fulfilment
 * task and focused on its request: open is requested, in discussion in progress, resolved completed
 * (care agreed) or failed (not resolved), the outcome coded in statusReason; the due day is the
 * restriction's period end; each conversation with the service a note.
 */
export function escalationToFhir(e: EscalationFacts): Task {
  const status: Task['status'] =
    e.status === 'open'
      ? 'requested'
      : e.status === 'in-discussion'
        ? 'in-progress'
        : e.outcome === 'not-resolved'
          ? 'failed'
          : 'completed';
  return {
    resourceType: 'Task',
    id: e.id,
    status,
    intent: 'order',
    code: { coding: [{ system: ESCALATION_SYSTEM, code: 'escalation', display: 'Escalation to a senior clinician' }] },
    description: e.reason,
    focus: { reference: `ServiceRequest/${e.referralId}` },
    partOf: [{ reference: `Task/${e.referralId}-task` }],
    for: { reference: `Patient/${e.patient.id}`, display: e.patient.name },
    owner: { reference: `Practitioner/${e.owner.id}`, display: e.owner.name },
    authoredOn: e.openedAt.toISOString(),
    lastModified: (e.resolvedAt ?? e.openedAt).toISOString(),
    restriction: { period: { end: e.dueOn } },
    ...(e.outcome
      ? {
          statusReason: {
            coding: [{ system: ESCALATION_OUTCOME_SYSTEM, code: e.outcome, display: outcomes[e.outcome] }],
            ...(e.resolution ? { text: e.resolution } : {}),
          },
        }
      : {}),
    ...(e.notes.length
      ? { note: e.notes.map((n) => ({ time: n.heldAt.toISOString(), text: `With ${n.withWhom}: ${n.agreed}` })) }
      : {}),
  };
}
