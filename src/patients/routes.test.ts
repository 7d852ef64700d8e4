import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';
import { formatNhsNumber } from './model.ts';

after(closeTestDatabase);

async function world() {
  const t = await testApp();
  const team = await makeTeam(t.db);
  const otherTeam = await makeTeam(t.db);
  const practitioner = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const manager = await makeUser(t.db, { role: 'team-manager', teamIds: [team] });
  const ours = await makePatient(t.db, { teamId: team });
  const theirs = await makePatient(t.db, { teamId: otherTeam });
  const client = new Client(t.app);
  await client.signIn(practitioner.username, PASSWORD);
  return { ...t, team, otherTeam, practitioner, manager, ours, theirs, client };
}

const audits = (db: Awaited<ReturnType<typeof world>>['db'], userId: string) =>
  db.selectFrom('audit_log').selectAll().where('user_id', '=', userId).orderBy('id').execute();

test('search by NHS number finds our patient, and not another team’s', async () => {
  const w = await world();
  await w.client.get('/patients');
  const found = await w.client.post('/patients/search', {
    by: 'nhs-number',
    nhsNumber: formatNhsNumber(w.ours.nhsNumber),
  });
  assert.equal(found.status, 200);
  assert.match(found.html.querySelector('#results')!.text, /1 patient found/);
  assert.equal(
    found.html.querySelector(`a[href="/patients/${w.ours.id}"]`)?.text.trim(),
    `${w.ours.familyName.toUpperCase()}, Alex`,
  );
  const hidden = await w.client.post('/patients/search', { by: 'nhs-number', nhsNumber: w.theirs.nhsNumber });
  assert.match(hidden.html.querySelector('#results')!.text, /0 patients found/);
  // The audit keeps the count found, never the NHS number that was typed.
  const rows = (await audits(w.db, w.practitioner.id)).filter((r) => r.action === 'patient.search');
  assert.equal(rows.length, 2);
  assert.ok(rows.every((r) => !r.detail.includes(w.ours.nhsNumber) && !r.detail.includes(w.theirs.nhsNumber)));
});

test('search by last name and date of birth, with an optional start of the first name', async () => {
  const w = await world();
  await w.client.get('/patients');
  const base = {
    by: 'name',
    familyName: w.ours.familyName.toLowerCase(),
    'dateOfBirth[day]': '17',
    'dateOfBirth[month]': '5',
    'dateOfBirth[year]': '1990',
  };
  assert.match(
    (await w.client.post('/patients/search', { ...base, givenName: 'al' })).html.querySelector('#results')!.text,
    /1 patient/,
  );
  assert.match(
    (await w.client.post('/patients/search', { ...base, givenName: 'bo' })).html.querySelector('#results')!.text,
    /0 patients/,
  );
  // LIKE wildcards typed as a first name are refused, not used to match everyone.
  const wildcard = await w.client.post('/patients/search', { ...base, givenName: '%' });
  assert.equal(wildcard.status, 400);
});

test('an invalid NHS number or date is answered with a clear message, status 400 and the answers kept', async () => {
  const w = await world();
  await w.client.get('/patients');
  const bad = await w.client.post('/patients/search', { by: 'nhs-number', nhsNumber: '999 000 0019' });
  assert.equal(bad.status, 400);
  assert.match(errorSummary(bad), /valid NHS number/);
  assert.equal(bad.html.querySelector('#nhsNumber')?.getAttribute('value'), '999 000 0019');
  const date = await w.client.post('/patients/search', {
    by: 'name',
    familyName: 'Smith',
    'dateOfBirth[day]': '30',
    'dateOfBirth[month]': '2',
    'dateOfBirth[year]': '2001',
  });
  assert.equal(date.status, 400);
  assert.match(errorSummary(date), /Date of birth must be a real date/);
  assert.equal(date.html.querySelector('.nhsuk-error-summary a[href="#dateOfBirth-day"]') !== null, true);
  const wrongType = await w.client.post('/patients/search', { by: 'nhs-number' });
  assert.equal(wrongType.status, 400);
  assert.match(errorSummary(wrongType), /Enter an NHS number/);
});

test('markup typed into a search is shown back as text, never run', async () => {
  const w = await world();
  await w.client.get('/patients');
  const page = await w.client.post('/patients/search', {
    by: 'name',
    familyName: '<script>alert(1)</script>',
    givenName: '"><img src=x onerror=alert(1)>',
  });
  assert.equal(page.status, 400);
  assert.ok(!page.body.includes('<script>alert(1)</script>'));
  assert.ok(!page.body.includes('<img src=x'));
  assert.ok(page.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('an oversize body is refused with 413 and a clear page', async () => {
  const w = await world();
  await w.client.get('/patients');
  const page = await w.client.post('/patients/search', { by: 'name', familyName: 'x'.repeat(70 * 1024) });
  assert.equal(page.status, 413);
  assert.match(page.html.querySelector('h1')!.text, /too large/);
  const rows = (await audits(w.db, w.practitioner.id)).filter((r) => r.action === 'patient.search');
  assert.deepEqual(
    rows.map((r) => [r.outcome, JSON.parse(r.detail).reason]),
    [['refused', 'body-too-large']],
  );
});

test('the summary of our patient opens, is audited, and is never cached', async () => {
  const w = await world();
  const page = await w.client.get(`/patients/${w.ours.id}`);
  assert.equal(page.status, 200);
  assert.equal(page.headers['cache-control'], 'no-store');
  assert.match(page.html.querySelector('.onward-banner')!.text, new RegExp(formatNhsNumber(w.ours.nhsNumber)));
  assert.match(page.body, /White - British/);
  const rows = (await audits(w.db, w.practitioner.id)).filter((r) => r.action === 'patient.read');
  assert.deepEqual(
    rows.map((r) => [r.patient_id, r.outcome]),
    [[w.ours.id, 'ok']],
  );
});

test('another team’s patient by URL is not found, and the refusal is audited with the patient named', async () => {
  const w = await world();
  const page = await w.client.get(`/patients/${w.theirs.id}`);
  assert.equal(page.status, 404);
  assert.ok(!page.body.includes(w.theirs.familyName), 'nothing about the patient leaks');
  const rows = (await audits(w.db, w.practitioner.id)).filter((r) => r.action === 'patient.read');
  assert.deepEqual(
    rows.map((r) => [r.patient_id, r.outcome, JSON.parse(r.detail).reason]),
    [[w.theirs.id, 'refused', 'no-care-relationship']],
  );
});

test('a malformed or unknown patient id is a 404 page that shows no internals', async () => {
  const w = await world();
  for (const id of ['not-a-uuid', "1' OR '1'='1", '00000000-0000-4000-8000-000000000000']) {
    const page = await w.client.get(`/patients/${encodeURIComponent(id)}`);
    assert.equal(page.status, 404, id);
    assert.ok(!/stack|Error:|at .*\.ts/.test(page.body), id);
  }
});

test('a team manager sees who opened their patient’s record; a practitioner may not', async () => {
  const w = await world();
  await w.client.get(`/patients/${w.ours.id}`);
  assert.equal((await w.client.get(`/patients/${w.ours.id}/access`)).status, 403);
  const manager = new Client(w.app);
  await manager.signIn(w.manager.username, PASSWORD);
  const page = await manager.get(`/patients/${w.ours.id}/access`);
  assert.equal(page.status, 200);
  const rows = page.html.querySelectorAll('tbody tr').map((r) => r.text.replace(/\s+/g, ' '));
  assert.ok(
    rows.some((r) => r.includes(w.practitioner.username) && r.includes('patient.read') && r.includes('Opened')),
  );
  assert.ok(
    rows.some((r) => r.includes(w.practitioner.username) && r.includes('patient.access-log') && r.includes('Refused')),
  );
  assert.equal((await manager.get(`/patients/${w.theirs.id}/access`)).status, 404);
});

test('the access log is a worklist: every entry, a page at a time by keyset, no overlaps, and a bad page link is a 400', async () => {
  const w = await world();
  for (let i = 0; i < 60; i++) await w.client.get(`/patients/${w.ours.id}`);
  const manager = new Client(w.app);
  await manager.signIn(w.manager.username, PASSWORD);
  const seen: string[] = [];
  let url: string | undefined = `/patients/${w.ours.id}/access`;
  let pages = 0;
  while (url) {
    const page = await manager.get(url);
    assert.equal(page.status, 200);
    seen.push(...page.html.querySelectorAll('tbody tr').map((r) => r.text.replace(/\s+/g, ' ')));
    url = page.html.querySelector('a.nhsuk-pagination__link--next')?.getAttribute('href');
    pages++;
  }
  const stored = await w.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', w.ours.id)
    .executeTakeFirstOrThrow();
  // Each page view is itself audited: the count read afterwards includes the pages just read.
  assert.ok(pages >= 2, 'more than one page');
  assert.ok(seen.length >= 60 && seen.length <= Number(stored.n), `${seen.length} rows of ${stored.n}`);
  for (const bad of ['not-a-cursor!', 'eyJ4IjoxfQ', 'x'.repeat(500)]) {
    const page = await manager.get(`/patients/${w.ours.id}/access?after=${encodeURIComponent(bad)}`);
    assert.equal(page.status, 400, bad);
    assert.match(page.html.querySelector('main')!.text, /page link is not one Onward made/);
  }
});
