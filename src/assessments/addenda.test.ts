import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makePresentation, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';
import { assessedAt } from '../../test/support/forms.ts';
import { sectionKeys } from './model.ts';

// A finalised assessment is never edited: addenda are added after it, attributed and dated.

after(closeTestDatabase);

async function world() {
  const t = await testApp();
  const team = await makeTeam(t.db);
  const practitioner = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(t.db, { teamId: team });
  const presentation = await makePresentation(t.db, {
    patientId: patient.id,
    teamId: team,
    recordedBy: practitioner.id,
  });
  const client = new Client(t.app);
  await client.signIn(practitioner.username, PASSWORD);
  await client.get(`/patients/${patient.id}`);
  const url = (await client.post(`/patients/${patient.id}/assessments`, { presentationId: presentation })).headers
    .location as string;
  await client.get(url);
  const id = url.split('/').pop()!;
  const stored = async () => ({
    row: await t.db.selectFrom('assessments').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    addenda: await t.db
      .selectFrom('assessment_addenda')
      .selectAll()
      .where('assessment_id', '=', id)
      .orderBy('written_at')
      .execute(),
    events: (
      await t.db.selectFrom('record_events').select('type').where('subject_id', '=', id).orderBy('id').execute()
    ).map((e) => e.type),
  });
  const finalise = async () => {
    const body = Object.fromEntries(sectionKeys.map((k) => [k, `${k}: written with the person`]));
    const done = await client.post(url, { ...body, version: '1', action: 'finalise', ...assessedAt() });
    assert.equal(done.status, 303);
    await client.get(url);
  };
  return { ...t, team, practitioner, patient, client, url, id, stored, finalise };
}

test('an addendum to a finalised assessment is shown after the signed text, attributed and dated, the text untouched', async () => {
  const w = await world();
  await w.finalise();
  const before = (await w.stored()).row;
  const text = 'She phoned the next morning: her sister will stay with her this week. <b>not bold</b>';
  const added = await w.client.post(`${w.url}/addenda`, { addendum: text });
  assert.equal(added.status, 303);
  assert.equal(added.headers.location, `${w.url}#addenda`);
  const after = await w.stored();
  assert.deepEqual(after.row.sections, before.sections);
  assert.equal(after.row.version, before.version);
  assert.equal(after.addenda.length, 1);
  assert.equal(after.addenda[0]!.written_by, w.practitioner.id);
  assert.equal(after.events.at(-1), 'assessment.addendum-added');
  const page = await w.client.get(w.url);
  const main = page.html.querySelector('main')!.text.replace(/\s+/g, ' ');
  assert.match(main, /Added by Test liaison-practitioner on .*She phoned the next morning.*<b>not bold<\/b>/);
  assert.ok(main.indexOf('Addenda') > main.indexOf('written with the person'), 'after the signed text');
  assert.ok(!page.body.includes('<b>not bold</b>'), 'markup is shown as text');
});

test('a draft takes no addenda, an empty or oversize one is refused with the text kept, and a contributor cannot add one', async () => {
  const w = await world();
  const draft = await w.client.post(`${w.url}/addenda`, { addendum: 'Too early' });
  assert.equal(draft.status, 409);
  assert.match(draft.html.querySelector('main')!.text, /addenda are for a finalised assessment/);
  await w.finalise();
  const empty = await w.client.post(`${w.url}/addenda`, { addendum: '   ' });
  assert.equal(empty.status, 400);
  assert.match(errorSummary(empty), /Enter what you are adding/);
  await w.client.get(w.url);
  const long = 'x'.repeat(10_001);
  const oversize = await w.client.post(`${w.url}/addenda`, { addendum: long });
  assert.equal(oversize.status, 400);
  assert.match(errorSummary(oversize), /10,000 characters or fewer/);
  assert.equal(oversize.html.querySelector('#addendum')?.text, long);
  const contributor = new Client(w.app);
  await contributor.signIn(
    (await makeUser(w.db, { role: 'mdt-contributor', teamIds: [w.team], discipline: 'pharmacist' })).username,
    PASSWORD,
  );
  await contributor.get(w.url);
  assert.equal((await contributor.post(`${w.url}/addenda`, { addendum: 'Mine' })).status, 403);
  const stranger = new Client(w.app);
  await stranger.signIn(
    (await makeUser(w.db, { role: 'liaison-practitioner', teamIds: [await makeTeam(w.db)] })).username,
    PASSWORD,
  );
  await stranger.get('/');
  assert.equal((await stranger.post(`${w.url}/addenda`, { addendum: 'Not mine' })).status, 404);
  assert.equal((await w.stored()).addenda.length, 0);
});
