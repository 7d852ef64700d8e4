import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Fastify from 'fastify';
import { raiseAlerts } from '#platform/alerts/store.ts';
import { testApp } from '../../../test/support/app.ts';
import { Client } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import {
  makePatient,
  makePresentation,
  makeService,
  makeTeam,
  makeUser,
  PASSWORD,
} from '../../../test/support/factories.ts';
import { makeMessage } from '../../../test/support/outbox.ts';
import { pages } from '../../routes.ts';
import type { Db } from '../db/schema.ts';
import { refuseUnguardedRoutes } from '../http/pages.ts';
import { may, type Role, roles } from './model.ts';

after(closeTestDatabase);

// Every route in the registry × every role (and nobody signed in). The expected answer comes from
// the permission the route declares, so a new route is in this matrix the moment it is added.

test('role × route: each role reaches exactly what its permissions allow', async () => {
  const { app, db } = await testApp();
  const team = await makeTeam(db);
  const patient = await makePatient(db, { teamId: team });
  const clients = new Map<Role | 'signed-out', Client>();
  const userIds = new Map<Role, string>();
  for (const role of roles) {
    const user = await makeUser(db, {
      role,
      teamIds: [team],
      discipline: role === 'mdt-contributor' ? 'pharmacist' : null,
    });
    userIds.set(role, user.id);
    const client = new Client(app);
    assert.equal((await client.signIn(user.username, PASSWORD)).status, 303, role);
    clients.set(role, client);
  }
  clients.set('signed-out', new Client(app));
  // Real records behind every parameter, so each route's own handler answers (not a 404 for a malformed id).
  const ids = await clinicalRecords(
    db,
    patient.id,
    team,
    userIds.get('liaison-practitioner')!,
    userIds.get('mdt-contributor')!,
  );

  const failures: string[] = [];
  let checked = 0;
  const routes = app.routeRegistry;
  assert.ok(routes.length >= pages.length + 3, 'the registry lists the product pages and the operations endpoints');
  for (const page of routes) {
    // Signing out would end the session the rest of the matrix uses: it is checked on its own below.
    if (page.url === '/sign-out' || page.url === '/sign-in') continue;
    const url = page.url
      .replace(':patientId', patient.id)
      .replace(':assessmentId', ids.assessment)
      .replace(':carePlanId', ids.carePlan)
      .replace(':requestId', ids.request)
      .replace(':presentationId', ids.presentation)
      .replace(':safetyPlanId', ids.safetyPlan)
      .replace(':followUpId', ids.followUp)
      .replace(':sessionId', ids.session)
      .replace(':appointmentId', ids.appointment)
      .replace(':serviceId', ids.service)
      .replace(':consentId', ids.consent)
      .replace(':referralId', ids.referral)
      .replace(':escalationId', ids.escalation)
      .replace(':messageId', ids.message)
      .replace(':alertId', ids.alert)
      .replace(':version', '1');
    assert.doesNotMatch(url, /:/, `every parameter of ${page.url} has a real value`);
    for (const [who, client] of clients) {
      const role = who === 'signed-out' ? undefined : who;
      await client.get('/accessibility'); // a fresh CSRF token for this session
      const response = page.method === 'GET' ? await client.get(url) : await client.post(url, {});
      const allowed = may(role, page.permission);
      const refused =
        response.status === 403 ||
        response.status === 401 ||
        (response.status === 303 && response.headers.location?.startsWith('/sign-in'));
      if (response.status >= 500) failures.push(`${page.method} ${page.url} as ${who}: ${response.status}`);
      if (allowed === refused)
        failures.push(
          `${page.method} ${page.url} as ${who}: ${response.status} but ${allowed ? 'allowed' : 'refused'} expected`,
        );
      checked++;
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(checked, (routes.length - 3) * (roles.length + 1));
});

async function clinicalRecords(db: Db, patientId: string, teamId: string, practitioner: string, pharmacist: string) {
  const at = new Date('2026-11-25T09:00:00Z');
  const presentation = await makePresentation(db, { patientId, teamId, recordedBy: practitioner });
  const by = { started_by: practitioner, started_at: at, updated_by: practitioner, updated_at: at };
  const assessment = await db
    .insertInto('assessments')
    .values({
      patient_id: patientId,
      presentation_id: presentation,
      team_id: teamId,
      status: 'draft',
      sections: '{}',
      ...by,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const content = JSON.stringify({ summary: 'x', items: [] });
  const plan = await db
    .insertInto('care_plans')
    .values({
      patient_id: patientId,
      assessment_id: assessment.id,
      team_id: teamId,
      content,
      created_by: practitioner,
      created_at: at,
      updated_by: practitioner,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const request = await db
    .insertInto('input_requests')
    .values({
      care_plan_id: plan.id,
      patient_id: patientId,
      requested_by: practitioner,
      requested_at: at,
      discipline: 'pharmacist',
      colleague_id: pharmacist,
      question: 'Q',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const safetyPlan = await db
    .insertInto('safety_plans')
    .values({
      patient_id: patientId,
      team_id: teamId,
      content: '{}',
      created_by: practitioner,
      created_at: at,
      updated_by: practitioner,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const followUp = await db
    .insertInto('follow_ups')
    .values({
      patient_id: patientId,
      team_id: teamId,
      assessment_id: assessment.id,
      assessed_at: at,
      due_at: new Date(at.getTime() + 48 * 3_600_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const session = await db
    .insertInto('clinic_sessions')
    .values({
      team_id: teamId,
      starts_at: new Date(at.getTime() + 24 * 3_600_000),
      ends_at: new Date(at.getTime() + 26 * 3_600_000),
      slot_minutes: 30,
      mode: 'in-person',
      place: 'Room 2',
      clinician_id: practitioner,
      created_by: practitioner,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const appointment = await db
    .insertInto('clinic_appointments')
    .values({
      session_id: session.id,
      follow_up_id: followUp.id,
      patient_id: patientId,
      starts_at: new Date(at.getTime() + 24 * 3_600_000),
      booked_by: practitioner,
      booked_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const service = { id: await makeService(db, { by: practitioner, at }) };
  const consent = await db
    .insertInto('consents')
    .values({
      patient_id: patientId,
      service_id: service.id,
      shares: ['letter'],
      way: 'in-person',
      given_on: '2026-11-25',
      recorded_by: practitioner,
      recorded_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const referral = await db
    .insertInto('referrals')
    .values({
      patient_id: patientId,
      team_id: teamId,
      assessment_id: assessment.id,
      service_id: service.id,
      status: 'draft',
      letter: JSON.stringify({ sections: [], nice: null, keepNice: false }),
      created_by: practitioner,
      created_at: at,
      updated_by: practitioner,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const escalation = await db
    .insertInto('escalations')
    .values({
      referral_id: referral.id,
      patient_id: patientId,
      team_id: teamId,
      owner_id: practitioner,
      status: 'open',
      reason: 'Take it up',
      due_on: '2026-11-30',
      opened_by: practitioner,
      opened_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [subject, type, c] of [
    [assessment.id, 'assessment', '{}'],
    [plan.id, 'care-plan', content],
  ] as const) {
    await db
      .insertInto('record_versions')
      .values({
        subject_id: subject,
        version: 1,
        subject_type: type,
        patient_id: patientId,
        content: c,
        saved_by: practitioner,
        saved_at: at,
      })
      .execute();
  }
  return {
    assessment: assessment.id,
    carePlan: plan.id,
    request: request.id,
    presentation,
    safetyPlan: safetyPlan.id,
    followUp: followUp.id,
    session: session.id,
    appointment: appointment.id,
    service: service.id,
    consent: consent.id,
    referral: referral.id,
    escalation: escalation.id,
    message: await makeMessage(db, { teamId, patientId, subjectId: referral.id, state: 'dead', at }),
    alert: await anAlert(db, practitioner, patientId, at),
  };
}

test('an unknown role cannot be given to an account', async () => {
  const { db } = await testApp();
  await assert.rejects(
    db
      .insertInto('users')
      .values({ username: 'root.user', display_name: 'Root', role: 'superuser', discipline: null, password_hash: null })
      .execute(),
    /users_role_check|check constraint/,
  );
});

test('sign-out needs a signed-in user', async () => {
  const { app } = await testApp();
  const client = new Client(app);
  await client.get('/sign-in');
  const page = await client.post('/sign-out', {});
  assert.equal(page.status, 401);
});

test('every route declares a permission and an audit name', () => {
  for (const page of pages) {
    assert.ok(page.permission, `${page.method} ${page.url}`);
    assert.ok(page.audit && /^[a-z-]+\.[a-z-]+$/.test(page.audit), `${page.method} ${page.url} audit "${page.audit}"`);
  }
});

test('the server refuses to start with a route that skipped the page registry', async () => {
  const app = Fastify();
  refuseUnguardedRoutes(app);
  assert.throws(() => app.get('/unguarded', async () => 'open to all'), /has no permission or audit name/);
  assert.throws(
    () => app.route({ method: 'GET', url: '/half', config: { permission: 'public' }, handler: async () => '' }),
    /has no permission or audit name/,
  );
  await app.close();
});

/** An alert for the practitioner, which any signed-in person may press "seen" on (only theirs change). */
async function anAlert(db: Db, userId: string, patientId: string, at: Date): Promise<string> {
  await raiseAlerts(db, [
    { kind: 'referral-rejected', key: `matrix:${patientId}`, userId, patientId, href: '/', text: 'Not accepted', at },
  ]);
  const row = await db
    .selectFrom('alerts')
    .select('id')
    .where('alert_key', '=', `matrix:${patientId}`)
    .executeTakeFirstOrThrow();
  return row.id;
}
