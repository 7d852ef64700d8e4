import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makePresentation, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';

// A presentation recorded in error is withdrawn, never deleted: kept, readable, out of the way.

after(closeTestDatabase);

async function world() {
  const t = await testApp({ clock: fixedClock('2026-11-25T10:00:00Z') });
  const team = await makeTeam(t.db);
  const author = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(t.db, { teamId: team });
  const id = await makePresentation(t.db, { patientId: patient.id, teamId: team, recordedBy: author.id });
  const signedIn = async (role: 'liaison-practitioner' | 'senior-clinician', user?: { username: string }) => {
    const c = new Client(t.app);
    await c.signIn((user ?? (await makeUser(t.db, { role, teamIds: [team] }))).username, PASSWORD);
    return c;
  };
  const client = await signedIn('liaison-practitioner', author);
  const url = `/patients/${patient.id}/presentations/${id}`;
  const row = () => t.db.selectFrom('presentations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { ...t, team, author, patient, id, client, url, row, signedIn };
}

test('the author withdraws a presentation with a reason: kept with a banner, off the caseload, no assessment, no more changes', async () => {
  const w = await world();
  const page = await w.client.get(`${w.url}/withdraw`);
  assert.equal(page.status, 200);
  const reason = 'Recorded on the wrong person: <i>this</i> was Jo Marsh born 1991.';
  const done = await w.client.post(`${w.url}/withdraw`, { reason });
  assert.equal(done.status, 303);
  const row = await w.row();
  assert.equal(row.entered_in_error_by, w.author.id);
  assert.equal(row.entered_in_error_reason, reason);
  const read = await w.client.get(w.url);
  assert.match(
    read.html.querySelector('#entered-in-error')!.text,
    /Withdrawn by Test liaison-practitioner.*wrong person: <i>this<\/i>/s,
  );
  assert.ok(!read.body.includes('<i>this</i>'), 'the reason is shown as text');
  const summary = await w.client.get(`/patients/${w.patient.id}`);
  assert.match(summary.html.querySelector('ol.onward-timeline')!.text, /Withdrawn: entered in error/);
  assert.equal(
    summary.html.querySelectorAll('button').filter((b) => /Start psychosocial assessment/.test(b.text)).length,
    0,
  );
  const home = await w.client.get('/');
  const step = home.html
    .querySelectorAll('tbody tr')
    .find((tr) => tr.text.includes(w.patient.familyName.toUpperCase()));
  assert.match(step!.text, /Record the attendance/);
  // Withdrawn means read only: no assessment, no change, no second withdrawal.
  await w.client.get(`/patients/${w.patient.id}`);
  assert.equal((await w.client.post(`/patients/${w.patient.id}/assessments`, { presentationId: w.id })).status, 409);
  assert.equal((await w.client.post(`${w.url}/withdraw`, { reason: 'again' })).status, 409);
  const events = await w.db
    .selectFrom('record_events')
    .select(['type', 'from_state', 'to_state'])
    .where('subject_id', '=', w.id)
    .execute();
  assert.deepEqual(
    events.map((e) => [e.type, e.from_state, e.to_state]),
    [['presentation.entered-in-error', 'current', 'entered-in-error']],
  );
});

test('withdrawing needs a reason, and is for the author or a senior clinician only', async () => {
  const w = await world();
  await w.client.get(`${w.url}/withdraw`);
  const empty = await w.client.post(`${w.url}/withdraw`, { reason: '  ' });
  assert.equal(empty.status, 400);
  assert.match(errorSummary(empty), /Say why the presentation was entered in error/);
  const colleague = await w.signedIn('liaison-practitioner');
  await colleague.get(`${w.url}/withdraw`);
  const refused = await colleague.post(`${w.url}/withdraw`, { reason: 'Not mine to withdraw' });
  assert.equal(refused.status, 403);
  assert.match(
    refused.html.querySelector('main')!.text,
    /Only the person who wrote this presentation or a senior clinician/,
  );
  assert.equal((await w.row()).entered_in_error_at, null);
  const senior = await w.signedIn('senior-clinician');
  await senior.get(`${w.url}/withdraw`);
  assert.equal(
    (await senior.post(`${w.url}/withdraw`, { reason: 'Duplicate of the attendance recorded at 02:15' })).status,
    303,
  );
  assert.notEqual((await w.row()).entered_in_error_at, null);
});
