import assert from 'node:assert/strict';
import type { ServiceKind } from '../../src/directory/model.ts';
import type { Queue } from '../../src/notify/queue.ts';
import type { Config } from '../../src/platform/config.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import { type RejectionReason, type Stage, stageInfo } from '../../src/referrals/loop/model.ts';
import { testApp } from './app.ts';
import { Client } from './client.ts';
import { makePatient, makeService, makeTeam, makeUser, PASSWORD } from './factories.ts';
import { assessedFollowUp } from './follow-ups.ts';

/**
 * A referral sent through the pages to a service a receiving team answers, with the person's
 * consent to share the letter and the assessment: the liaison nurse's client, the service's
 * clinician's, and another service's clinician's. Used by the closed loop's and escalation's tests.
 */
export async function sentReferralWorld(
  o: { withSenior?: boolean; secureEmail?: string; queue?: Queue; config?: Partial<Config> } = {},
) {
  const t = await testApp({ queue: o.queue, config: o.config });
  const team = await makeTeam(t.db);
  const nurse = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const receivingTeam = await makeTeam(t.db, 'talking-therapies');
  const therapist = await makeUser(t.db, { role: 'receiving-clinician', teamIds: [receivingTeam] });
  const otherTherapist = await makeUser(t.db, {
    role: 'receiving-clinician',
    teamIds: [await makeTeam(t.db, 'talking-therapies')],
  });
  const service = await makeService(t.db, {
    by: nurse.id,
    name: `Loop TT ${Math.random().toString(36).slice(2, 6)}`,
    secureEmail: o.secureEmail,
  });
  await t.db
    .updateTable('healthcare_services')
    .set({ receiving_team_id: receivingTeam })
    .where('id', '=', service)
    .execute();
  const senior = o.withSenior
    ? await makeUser(t.db, { role: 'senior-clinician', teamIds: [team], discipline: 'liaison-psychiatrist' })
    : undefined;
  const patient = await makePatient(t.db, { teamId: team });
  const client = new Client(t.app);
  await client.signIn(nurse.username, PASSWORD);
  const { assessment } = await assessedFollowUp(t.db, client, {
    patientId: patient.id,
    teamId: team,
    recordedBy: nurse.id,
    day: '2026-11-25',
    time: '09:00',
  });
  const p = `/patients/${patient.id}`;
  await client.get(`${p}/referrals`);
  const started = await client.post(`${p}/referrals`, {
    assessmentId: assessment.split('/').pop()!,
    serviceId: service,
  });
  const url = String(started.headers.location);
  // Consent to the letter and the assessment (the form's checkboxes: tested with the consent pages).
  await t.db
    .insertInto('consents')
    .values({
      patient_id: patient.id,
      service_id: service,
      shares: ['letter', 'assessment'],
      way: 'in-person',
      given_on: '2026-11-25',
      recorded_by: nurse.id,
      recorded_at: new Date('2026-11-25T09:30:00Z'),
    })
    .execute();
  await client.get(url);
  assert.equal((await client.post(`${url}/send`, { version: '1' })).status, 303);
  const referralId = url.split('/').pop()!;
  const service_ = new Client(t.app);
  await service_.signIn(therapist.username, PASSWORD);
  const outsider = new Client(t.app);
  await outsider.signIn(otherTherapist.username, PASSWORD);
  const assessmentId = assessment.split('/').pop()!;
  return {
    ...t,
    team,
    nurse,
    assessmentId,
    patientId: patient.id,
    senior,
    client,
    url,
    p,
    referralId,
    serviceId: service,
    therapist: service_,
    outsider,
    packet: `/inbox/referrals/${referralId}`,
  };
}

/**
 * Another referral for the same person, sent through the pages to a new service of `kind` that a
 * new receiving team answers: its page, its packet and the receiving clinician's client.
 */
export async function sendAnother(w: Awaited<ReturnType<typeof sentReferralWorld>>, kind: ServiceKind) {
  const receivingTeam = await makeTeam(w.db, kind);
  const clinician = await makeUser(w.db, { role: 'receiving-clinician', teamIds: [receivingTeam] });
  const service = await makeService(w.db, {
    by: w.nurse.id,
    kind,
    name: `${kind} ${Math.random().toString(36).slice(2, 6)}`,
  });
  await w.db
    .updateTable('healthcare_services')
    .set({ receiving_team_id: receivingTeam })
    .where('id', '=', service)
    .execute();
  await w.db
    .insertInto('consents')
    .values({
      patient_id: w.patientId,
      service_id: service,
      shares: ['letter', 'assessment'],
      way: 'in-person',
      given_on: '2026-11-25',
      recorded_by: w.nurse.id,
      recorded_at: new Date('2026-11-25T09:30:00Z'),
    })
    .execute();
  await w.client.get(`${w.p}/referrals`);
  const started = await w.client.post(`${w.p}/referrals`, { assessmentId: w.assessmentId, serviceId: service });
  const url = String(started.headers.location);
  await w.client.get(url);
  assert.equal((await w.client.post(`${url}/send`, { version: '1' })).status, 303);
  const referralId = url.split('/').pop()!;
  const receiving = new Client(w.app);
  await receiving.signIn(clinician.username, PASSWORD);
  return { service, url, referralId, packet: `/inbox/referrals/${referralId}`, receiving };
}

/**
 * A referral made straight in the tables at any stage, for figures that need many: sent when
 * `sentAt` is given, and rejected, accepted or closed at the times given.
 */
export async function makeReferral(
  db: Db,
  o: {
    patientId: string;
    teamId: string;
    serviceId: string;
    assessmentId: string;
    by: string;
    stage: Stage;
    sentAt: Date;
    reason?: RejectionReason;
    rejectedAt?: Date;
    acceptedAt?: Date;
    closedAt?: Date;
  },
): Promise<string> {
  // A sent referral names the consent it was sent under and keeps its letterhead.
  const consent = await db
    .insertInto('consents')
    .values({
      patient_id: o.patientId,
      service_id: o.serviceId,
      shares: ['letter'],
      way: 'in-person',
      given_on: o.sentAt.toISOString().slice(0, 10),
      recorded_by: o.by,
      recorded_at: o.sentAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('referrals')
    .values({
      consent_id: consent.id,
      letterhead: JSON.stringify({
        organisation: 'Test Trust',
        team: 'Liaison',
        address: null,
        phone: null,
        secureEmail: null,
        clinician: 'Test nurse',
        clinicianRole: 'Liaison practitioner',
      }),
      shared: ['letter'],
      patient_id: o.patientId,
      team_id: o.teamId,
      assessment_id: o.assessmentId,
      service_id: o.serviceId,
      status: stageInfo[o.stage].task,
      business_status: stageInfo[o.stage].business,
      stage: o.stage,
      letter: JSON.stringify({ sections: [], nice: null, keepNice: false }),
      created_by: o.by,
      created_at: o.sentAt,
      updated_by: o.by,
      updated_at: o.sentAt,
      sent_by: o.by,
      sent_at: o.sentAt,
      rejection_reason: o.reason ?? null,
      rejected_at: o.rejectedAt ?? null,
      accepted_at: o.acceptedAt ?? null,
      closed_at: o.closedAt ?? o.rejectedAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
