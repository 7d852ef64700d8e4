import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stages } from '../referrals/loop/model.ts';
import { r4Problems } from './healthcare-service.ts';
import { BUSINESS_SYSTEM, REJECTION_SYSTEM, type ReferralFacts, referralToFhir, taskProblems } from './referral.ts';

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
