import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../../test/support/app.ts';
import { Client, errorSummary } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../../../test/support/factories.ts';

// How the person wants to hear from us, through the pages: recorded, changed, refused when wrong
// (every field named, nothing written), and two people changing it at once: one wins, one is told.

after(closeTestDatabase);

async function world() {
  const t = await testApp();
  const team = await makeTeam(t.db);
  const nurse = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const colleague = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const manager = await makeUser(t.db, { role: 'team-manager', teamIds: [team] });
  const patient = await makePatient(t.db, { teamId: team });
  const signIn = async (u: { username: string }) => {
    const c = new Client(t.app);
    await c.signIn(u.username, PASSWORD);
    return c;
  };
  return {
    ...t,
    url: `/patients/${patient.id}/contact`,
    patientId: patient.id,
    nurse: await signIn(nurse),
    colleague: await signIn(colleague),
    manager: await signIn(manager),
  };
}

const answers = (o: Record<string, string> = {}) => ({
  mobile: '07700 900123',
  email: 'sam@example.test',
  nameServices: 'no',
  way: 'in-person',
  'givenOn[day]': '25',
  'givenOn[month]': '11',
  'givenOn[year]': '2026',
  version: '0',
  ...o,
});

test('recorded, shown, changed; a manager reads it but has no form', async () => {
  const w = await world();
  const empty = await w.nurse.get(w.url);
  assert.equal(empty.status, 200);
  assert.match(empty.html.text, /Nothing recorded yet: no texts or emails are sent/);
  const saved = await w.nurse.post(w.url, answers());
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.location, `${w.url}?saved=1`);
  const page = await w.nurse.get(`${w.url}?saved=1`);
  assert.match(page.html.text, /07700900123/);
  assert.match(page.html.text, /the service you were referred to/);
  assert.equal(page.html.querySelector('input[name=version]')?.getAttribute('value'), '1');
  assert.equal((await w.nurse.post(w.url, answers({ version: '1', email: '', nameServices: 'yes' }))).status, 303);
  const row = await w.db
    .selectFrom('contact_preferences')
    .selectAll()
    .where('patient_id', '=', w.patientId)
    .executeTakeFirstOrThrow();
  assert.deepEqual([row.mobile, row.email, row.name_services, row.version], ['07700900123', null, true, 2]);
  const history = await w.db
    .selectFrom('record_events')
    .select(['type', 'from_state', 'to_state'])
    .where('patient_id', '=', w.patientId)
    .where('type', '=', 'contact.changed')
    .orderBy('at')
    .execute();
  assert.deepEqual(
    history.map((e) => `${e.from_state} → ${e.to_state}`),
    ['none → texts and emails', 'texts and emails → texts'],
  );

  const managerPage = await w.manager.get(w.url);
  assert.equal(managerPage.status, 200);
  assert.equal(managerPage.html.querySelector('form[action$="/contact"]'), null, 'reading, not changing');
  assert.equal((await w.manager.post(w.url, answers({ version: '2' }))).status, 403);
});

test('every wrong answer is named and nothing is written; markup is shown as text', async () => {
  const w = await world();
  await w.nurse.get(w.url);
  const bad = await w.nurse.post(
    w.url,
    answers({
      mobile: '<script>alert(1)</script>',
      email: 'sam at example',
      nameServices: '',
      way: 'x',
      'givenOn[day]': '31',
      'givenOn[month]': '2',
    }),
  );
  assert.equal(bad.status, 400);
  const summary = errorSummary(bad);
  for (const words of [
    'Enter a mobile number using digits only',
    'Enter an email address like',
    'Select whether a message may name the service',
    'Select how the person told you',
    'The day they told you',
  ])
    assert.ok(summary.includes(words), `${words} in ${summary}`);
  assert.ok(!bad.body.includes('<script>alert(1)</script>'), 'what was typed comes back escaped');
  assert.equal(
    await w.db
      .selectFrom('contact_preferences')
      .select('patient_id')
      .where('patient_id', '=', w.patientId)
      .executeTakeFirst(),
    undefined,
  );
  assert.equal(
    (await w.nurse.post(w.url, answers({ mobile: '0161 496 0000' }))).status,
    400,
    'a landline cannot take a text',
  );
  assert.equal((await w.nurse.post(w.url, answers({ version: 'one' }))).status, 400);
  assert.equal((await w.nurse.post(w.url, answers({ 'givenOn[day]': '26' }))).status, 400, 'not a day in the future');
});

test('two people change it at once: the second is told, and what the first saved stands', async () => {
  const w = await world();
  await w.nurse.get(w.url);
  await w.colleague.get(w.url);
  assert.equal((await w.nurse.post(w.url, answers({ mobile: '07700900111' }))).status, 303);
  const late = await w.colleague.post(w.url, answers({ mobile: '07700900222' }));
  assert.equal(late.status, 409);
  assert.match(late.html.text, /changed how this person wants to be contacted since you opened the form/);
  const row = await w.db
    .selectFrom('contact_preferences')
    .select(['mobile', 'version'])
    .where('patient_id', '=', w.patientId)
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, { mobile: '07700900111', version: 1 });
});
