import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../../../test/support/app.ts';
import { Client } from '../../../../test/support/client.ts';
import { closeTestDatabase } from '../../../../test/support/database.ts';
import { makePatient, makePresentation, makeTeam, makeUser, PASSWORD } from '../../../../test/support/factories.ts';
import { emptySections } from '../../../assessments/model.ts';
import { insertAssessment } from '../../../assessments/store.ts';
import { insertCarePlan, insertInputRequest } from '../store.ts';

after(closeTestDatabase);

test('requests for input are a worklist: the oldest few at home, all of them a page away, nothing dropped', async () => {
  const { app, db } = await testApp();
  const team = await makeTeam(db);
  const nurse = await makeUser(db, { role: 'liaison-practitioner', teamIds: [team] });
  const pharmacist = await makeUser(db, { role: 'mdt-contributor', discipline: 'pharmacist', teamIds: [team] });
  const asked: string[] = [];
  for (let i = 0; i < 7; i++) {
    const patient = await makePatient(db, { teamId: team });
    const presentation = await makePresentation(db, { patientId: patient.id, teamId: team, recordedBy: nurse.id });
    const at = new Date(Date.UTC(2026, 10, 20, 9, i));
    const assessment = await insertAssessment(db, {
      patientId: patient.id,
      presentationId: presentation,
      teamId: team,
      userId: nurse.id,
      at,
      sections: emptySections(),
    });
    const plan = await insertCarePlan(db, {
      patientId: patient.id,
      assessmentId: assessment,
      teamId: team,
      userId: nurse.id,
      at,
      content: { summary: '', items: [] },
    });
    asked.push(
      await insertInputRequest(db, {
        carePlanId: plan,
        patientId: patient.id,
        userId: nurse.id,
        at,
        discipline: 'pharmacist',
        colleagueId: pharmacist.id,
        question: `Question ${i}`,
      }),
    );
  }
  const client = new Client(app);
  await client.signIn(pharmacist.username, PASSWORD);
  const home = await client.get('/');
  const links = (page: typeof home, selector: string) =>
    page.html.querySelectorAll(selector).map((a) => a.getAttribute('href'));
  assert.deepEqual(
    links(home, '#input-requests + ul a'),
    asked.slice(0, 5).map((id) => `/input-requests/${id}`),
  );
  assert.ok(links(home, 'main a').includes('/input-requests'));
  const all = await client.get('/input-requests');
  assert.equal(all.status, 200);
  assert.deepEqual(
    links(all, 'tbody a'),
    asked.map((id) => `/input-requests/${id}`),
  );
  assert.equal((await client.get('/input-requests?after=forged')).status, 400);
  // Someone discharged since is no longer the team's to give input on: off the list.
  const discharged = await db
    .selectFrom('input_requests')
    .select('patient_id')
    .where('id', '=', asked[6]!)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('care_relationships')
    .set({ ended_at: new Date('2026-11-25T09:30:00Z'), ended_by: nurse.id, end_reason: 'aftercare-in-place' })
    .where('patient_id', '=', discharged.patient_id)
    .execute();
  assert.deepEqual(
    links(await client.get('/input-requests'), 'tbody a'),
    asked.slice(0, 6).map((id) => `/input-requests/${id}`),
  );
  // The list is each person's own: the nurse who asked sees nothing waiting for them.
  const nurseClient = new Client(app);
  await nurseClient.signIn(nurse.username, PASSWORD);
  const theirs = await nurseClient.get('/input-requests');
  assert.equal(theirs.status, 200);
  assert.equal(theirs.html.querySelectorAll('tbody a').length, 0);
  // Someone who gives no input has no such list.
  const analyst = new Client(app);
  await analyst.signIn((await makeUser(db, { role: 'analyst', teamIds: [] })).username, PASSWORD);
  assert.equal((await analyst.get('/input-requests')).status, 403);
});
