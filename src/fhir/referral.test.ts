import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stages } from '../referrals/loop/model.ts';
import { r4Problems } from './healthcare-service.ts';
import {
  BARS_OUTCOME_SYSTEM,
  BUSINESS_SYSTEM,
  type EscalationFacts,
  escalationToFhir,
  REJECTION_SYSTEM,
  type ReferralFacts,
  referralToFhir,
  taskProblems,
} from './referral.ts';

// A referral as a ServiceRequest and its Task: valid R4 at every stage, the Task's status the
// closed-loop guides', a reason whenever it is rejected, cancelled or on hold.

const facts = (over: Partial<ReferralFacts> = {}): ReferralFacts => ({
  id: '0b7f1c4e-2d3a-4e5f-8a9b-0c1d2e3f4a5b',
  stage: 'requested',
  patient: { id: 'p1', nhsNumber: '9990000018', name: 'Sam Ridley' },
  service: { id: 's1', name: 'Riverside NHS Talking Therapies' },
  requester: { id: 'u1', name: 'Sam Okafor' },
  serviceName: 'Riverside NHS Talking Therapies',
  reasonText: 'Low mood after self-harm',
  createdAt: new Date('2026-11-25T09:00:00Z'),
  sentAt: new Date('2026-11-25T10:00:00Z'),
  updatedAt: new Date('2026-11-26T10:00:00Z'),
  receivedAt: null,
  cancellationRequestedAt: null,
  rejection: null,
  ...over,
});

test('at every stage the request and its task are valid FHIR R4, and the task says why when the guides ask', () => {
  for (const stage of stages) {
    const { serviceRequest, task } = referralToFhir(
      facts({ stage, rejection: stage === 'rejected' ? { reason: 'self-harm', text: 'Current self-harm' } : null }),
    );
    assert.deepEqual(r4Problems(serviceRequest), [], `${stage}: ServiceRequest`);
    assert.deepEqual(r4Problems(task), [], `${stage}: Task`);
    assert.deepEqual(taskProblems(task), [], `${stage}: statusReason`);
    assert.equal(task.code?.coding?.[0]?.code, 'fulfill');
    assert.equal(task.focus?.reference, `ServiceRequest/${serviceRequest.id}`);
  }
});

test('received is not accepted; a rejection carries its coded reason and e-RS code', () => {
  const received = referralToFhir(facts({ receivedAt: new Date('2026-11-25T12:00:00Z') })).task;
  assert.equal(received.status, 'requested');
  assert.deepEqual(
    received.businessStatus?.coding?.map((c) => c.code),
    ['received', '2.0'],
  );
  const rejected = referralToFhir(facts({ stage: 'rejected', rejection: { reason: 'risk-too-high', text: '' } })).task;
  assert.equal(rejected.status, 'rejected');
  assert.deepEqual(rejected.statusReason?.coding, [
    { system: REJECTION_SYSTEM, code: 'risk-too-high', display: 'Risk too high for the service' },
    { system: 'urn:onward:codesystem:ers-provider-reject', code: 'SERVICE_INAPPROPRIATE' },
    { system: 'urn:onward:codesystem:bars-outcome', code: '23' },
  ]);
  const booked = referralToFhir(facts({ stage: 'booked' })).task;
  assert.equal(booked.status, 'in-progress');
  assert.equal(booked.businessStatus?.coding?.find((c) => c.system === BUSINESS_SYSTEM)?.code, 'appointment-booked');
  const asked = referralToFhir(facts({ stage: 'accepted', cancellationRequestedAt: new Date() })).task;
  assert.deepEqual(
    asked.businessStatus?.coding?.map((c) => c.code),
    ['cancellation-requested', '5.2'],
  );
  assert.deepEqual(taskProblems({ ...rejected, statusReason: undefined }), [
    'Task.statusReason is required when the task is rejected',
  ]);
});

test('a re-routed referral replaces the old request; a rejection carries its BaRS outcome code too', () => {
  const { serviceRequest, task } = referralToFhir(
    facts({ stage: 'rejected', replaces: 'old-1', rejection: { reason: 'no-capacity', text: '' } }),
  );
  assert.deepEqual(serviceRequest.replaces, [{ reference: 'ServiceRequest/old-1' }]);
  assert.deepEqual(r4Problems(serviceRequest), []);
  assert.equal(task.statusReason?.coding?.find((c) => c.system === BARS_OUTCOME_SYSTEM)?.code, '22');
});

test('an escalation is its own Task, part of the referral’s, valid R4 in each state, failed when not resolved', () => {
  const base: EscalationFacts = {
    id: 'e1',
    referralId: 'r1',
    patient: { id: 'p1', name: 'Sam Ridley' },
    owner: { id: 'u2', name: 'Dr Priya Raman' },
    status: 'open',
    outcome: null,
    reason: 'Challenge the self-harm exclusion',
    dueOn: '2026-12-04',
    openedAt: new Date('2026-12-02T09:00:00Z'),
    resolvedAt: null,
    resolution: null,
    notes: [],
  };
  const cases: [Partial<EscalationFacts>, string][] = [
    [{}, 'requested'],
    [
      { status: 'in-discussion', notes: [{ withWhom: 'Dr Lee', heldAt: new Date(), agreed: 'They will look again' }] },
      'in-progress',
    ],
    [{ status: 'resolved', outcome: 'accepted', resolvedAt: new Date(), resolution: 'Seen Tuesday' }, 'completed'],
    [{ status: 'resolved', outcome: 'not-resolved', resolvedAt: new Date(), resolution: 'GP follows up' }, 'failed'],
  ];
  for (const [over, status] of cases) {
    const task = escalationToFhir({ ...base, ...over });
    assert.equal(task.status, status);
    assert.deepEqual(r4Problems(task), [], status);
    assert.deepEqual(taskProblems(task), [], status);
    assert.equal(task.partOf?.[0]?.reference, 'Task/r1-task');
    assert.equal(task.restriction?.period?.end, '2026-12-04');
  }
});
