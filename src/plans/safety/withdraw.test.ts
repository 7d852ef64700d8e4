import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../../test/support/app.ts';
import { Client } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../../../test/support/factories.ts';
import { sectionKeys } from './model.ts';

// A safety plan written on the wrong person is withdrawn: kept and readable, no longer the
// person's plan, and a new one can be written with them.

after(closeTestDatabase);

test('a withdrawn safety plan stays readable with its reason, leaves the person without one, and a new plan can be written', async () => {
  const t = await testApp();
  const team = await makeTeam(t.db);
  const author = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(t.db, { teamId: team });
  const client = new Client(t.app);
  await client.signIn(author.username, PASSWORD);
  const url = `/patients/${patient.id}/safety-plan`;
  await client.get(`${url}/edit`);
  const sections = Object.fromEntries(sectionKeys.map((k) => [k, `${k}: in her words`]));
  assert.equal((await client.post(url, { ...sections, version: '0' })).status, 303);
  const plan = await t.db
    .selectFrom('safety_plans')
    .select('id')
    .where('patient_id', '=', patient.id)
    .executeTakeFirstOrThrow();
  const page = await client.get(url);
  const link = page.html.querySelector(`a[href="/patients/${patient.id}/safety-plans/${plan.id}/withdraw"]`);
  assert.ok(link, 'the author is offered the withdrawal');
  await client.get(`/patients/${patient.id}/safety-plans/${plan.id}/withdraw`);
  const done = await client.post(`/patients/${patient.id}/safety-plans/${plan.id}/withdraw`, {
    reason: 'Written with the wrong person in the next cubicle.',
  });
  assert.equal(done.status, 303);
  const read = await client.get(`/patients/${patient.id}/safety-plans/${plan.id}`);
  assert.equal(read.status, 200);
  assert.match(read.html.querySelector('#entered-in-error')!.text, /wrong person in the next cubicle/);
  assert.match(read.html.querySelector('main')!.text, /reasonsForLiving: in her words/);
  // The person has no current plan: the page says so and offers a new one, listing the withdrawn one.
  const now = await client.get(url);
  assert.match(now.html.querySelector('main')!.text, /There is no safety plan/);
  assert.match(now.html.querySelector('#withdrawn')!.nextElementSibling!.text, /entered in error/);
  assert.equal((await client.get(`${url}/copy`)).status, 404, 'no copy of a withdrawn plan is handed out');
  const summary = await client.get(`/patients/${patient.id}`);
  assert.match(summary.html.querySelector('ol.onward-timeline')!.text, /Safety plan withdrawn: entered in error/);
  await client.get(`${url}/edit`);
  assert.equal((await client.post(url, { ...sections, version: '0' })).status, 303, 'a new plan is written');
  const plans = await t.db
    .selectFrom('safety_plans')
    .select(['id', 'entered_in_error_at'])
    .where('patient_id', '=', patient.id)
    .execute();
  assert.equal(plans.length, 2);
  assert.equal(plans.filter((p) => p.entered_in_error_at === null).length, 1);
  // Another patient's plan id under this patient's address is not found.
  const other = await makePatient(t.db, { teamId: team });
  assert.equal((await client.get(`/patients/${other.id}/safety-plans/${plan.id}`)).status, 404);
  await t.app.close();
});
