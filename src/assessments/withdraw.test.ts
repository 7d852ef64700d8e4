import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makePresentation, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';
import { assessedAt } from '../../test/support/forms.ts';
import { sectionKeys } from './model.ts';

// An assessment or a care plan written on the wrong person is withdrawn, never deleted: kept and
// readable with a banner, out of the caseload, closed to change, and the presentation can be
// assessed again (the shared withdrawal, as presentations have).

after(closeTestDatabase);

async function world() {
  const t = await testApp();
  const team = await makeTeam(t.db);
  const author = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(t.db, { teamId: team });
  const presentation = await makePresentation(t.db, { patientId: patient.id, teamId: team, recordedBy: author.id });
  const client = new Client(t.app);
  await client.signIn(author.username, PASSWORD);
  const p = `/patients/${patient.id}`;
  await client.get(p);
  const url = (await client.post(`${p}/assessments`, { presentationId: presentation })).headers.location as string;
  await client.get(url);
  const body = Object.fromEntries(sectionKeys.map((k) => [k, `${k}: written with the person`]));
  assert.equal((await client.post(url, { ...body, version: '1', action: 'finalise', ...assessedAt() })).status, 303);
  await client.get(url);
  const id = url.split('/').pop()!;
  const signedIn = async (role: 'liaison-practitioner' | 'senior-clinician') => {
    const c = new Client(t.app);
    await c.signIn((await makeUser(t.db, { role, teamIds: [team] })).username, PASSWORD);
    await c.get(p);
    return c;
  };
  return { ...t, team, author, patient, presentation, client, p, url, id, body, signedIn };
}

test('the author withdraws a finalised assessment: kept with a banner, closed to change, the presentation can be assessed again', async () => {
  const w = await world();
  const form = await w.client.get(`${w.url}/withdraw`);
  assert.equal(form.status, 200);
  assert.match(form.html.querySelector('h1')!.text, /Withdraw an assessment entered in error/);
  const reason = 'Written on the wrong person: <i>this</i> was her sister.';
  const done = await w.client.post(`${w.url}/withdraw`, { reason });
  assert.equal(done.status, 303);
  assert.equal(done.headers.location, `${w.url}#entered-in-error`);
  const row = await w.db.selectFrom('assessments').selectAll().where('id', '=', w.id).executeTakeFirstOrThrow();
  assert.equal(row.entered_in_error_by, w.author.id);
  assert.equal(row.entered_in_error_reason, reason);
  const read = await w.client.get(w.url);
  assert.match(
    read.html.querySelector('#entered-in-error')!.text,
    /Withdrawn by Test liaison-practitioner.*wrong person: <i>this<\/i>/s,
  );
  assert.ok(!read.body.includes('<i>this</i>'), 'the reason is shown as text');
  assert.equal(
    read.html.querySelectorAll('form[action$="/addenda"]').length,
    0,
    'no addendum to a withdrawn assessment',
  );
  assert.equal(read.html.querySelectorAll('form[action$="/care-plans"]').length, 0, 'no care plan from it');
  // Nothing changes a withdrawn assessment, even a request made by hand.
  const addendum = await w.client.post(`${w.url}/addenda`, { addendum: 'Late note' });
  assert.equal(addendum.status, 409);
  assert.match(addendum.html.querySelector('main')!.text, /withdrawn as entered in error/);
  const plan = await w.client.post(`${w.p}/care-plans`, { assessmentId: w.id });
  assert.equal(plan.status, 409);
  const again = await w.client.post(`${w.url}/withdraw`, { reason: 'twice' });
  assert.equal(again.status, 409);
  // The timeline says so, and the presentation is open to a new assessment.
  const summary = await w.client.get(w.p);
  assert.match(summary.html.querySelector('ol.onward-timeline')!.text, /Withdrawn: entered in error/);
  assert.equal(
    summary.html.querySelectorAll('button').filter((b) => /Start psychosocial assessment/.test(b.text)).length,
    1,
  );
  const fresh = await w.client.post(`${w.p}/assessments`, { presentationId: w.presentation });
  assert.equal(fresh.status, 303);
  assert.notEqual(fresh.headers.location, w.url, 'a new assessment, not the withdrawn one');
  const events = await w.db
    .selectFrom('record_events')
    .select(['type', 'from_state', 'to_state'])
    .where('subject_id', '=', w.id)
    .orderBy('id')
    .execute();
  assert.deepEqual(events.at(-1), {
    type: 'assessment.entered-in-error',
    from_state: 'current',
    to_state: 'entered-in-error',
  });
});

test('withdrawing an assessment needs a reason, and is for its author or a senior clinician only', async () => {
  const w = await world();
  const empty = await w.client.post(`${w.url}/withdraw`, { reason: '  ' });
  assert.equal(empty.status, 400);
  assert.match(errorSummary(empty), /Say why the assessment was entered in error/);
  const long = await w.client.post(`${w.url}/withdraw`, { reason: 'x'.repeat(2001) });
  assert.equal(long.status, 400);
  const colleague = await w.signedIn('liaison-practitioner');
  const refused = await colleague.post(`${w.url}/withdraw`, { reason: 'Not mine to withdraw' });
  assert.equal(refused.status, 403);
  assert.match(
    refused.html.querySelector('main')!.text,
    /Only the person who wrote this assessment or a senior clinician/,
  );
  const row = await w.db
    .selectFrom('assessments')
    .select('entered_in_error_at')
    .where('id', '=', w.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.entered_in_error_at, null, 'nothing written');
  const senior = await w.signedIn('senior-clinician');
  assert.equal(
    (await senior.post(`${w.url}/withdraw`, { reason: 'Wrong person, confirmed with the team' })).status,
    303,
  );
});

test('a care plan is withdrawn the same way: banner, no more changes, and the assessment can have a new plan', async () => {
  const w = await world();
  const started = await w.client.post(`${w.p}/care-plans`, { assessmentId: w.id });
  assert.equal(started.status, 303);
  const plan = started.headers.location as string;
  await w.client.get(plan);
  const done = await w.client.post(`${plan}/withdraw`, { reason: 'Started from the wrong person’s assessment.' });
  assert.equal(done.status, 303);
  const read = await w.client.get(plan);
  assert.match(read.html.querySelector('#entered-in-error')!.text, /Withdrawn by/);
  assert.equal(read.html.querySelectorAll(`a[href="${plan}/edit"]`).length, 0, 'no edit link');
  const saved = await w.client.post(plan, { version: '1', summary: 'late change' });
  assert.equal(saved.status, 409);
  const summary = await w.client.get(w.p);
  assert.match(summary.html.querySelector('ol.onward-timeline')!.text, /Care plan withdrawn: entered in error/);
  const fresh = await w.client.post(`${w.p}/care-plans`, { assessmentId: w.id });
  assert.equal(fresh.status, 303);
  assert.notEqual(fresh.headers.location, plan, 'a new plan, not the withdrawn one');
});
