import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makePresentation, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';
import { assessedAt } from '../../test/support/forms.ts';
import { type SectionKey, sectionKeys } from './model.ts';

after(closeTestDatabase);

async function world() {
  const t = await testApp({ config: { logLevel: process.env.TEST_LOG ? 'error' : 'silent' } as never });
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
  return { ...t, team, practitioner, patient, presentation, client };
}

type World = Awaited<ReturnType<typeof world>>;

async function start(w: World): Promise<string> {
  const page = await w.client.post(`/patients/${w.patient.id}/assessments`, { presentationId: w.presentation });
  assert.equal(page.status, 303);
  const url = page.headers.location as string;
  assert.match(url, new RegExp(`^/patients/${w.patient.id}/assessments/[0-9a-f-]{36}$`));
  await w.client.get(url);
  return url;
}

const written = (prefix = ''): Record<SectionKey, string> =>
  Object.fromEntries(sectionKeys.map((k) => [k, `${prefix}${k}: written with the person`])) as Record<
    SectionKey,
    string
  >;

async function stored(w: World, url: string) {
  const id = url.split('/').pop()!;
  const row = await w.db.selectFrom('assessments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const versions = await w.db.selectFrom('record_versions').select('version').where('subject_id', '=', id).execute();
  const events = await w.db
    .selectFrom('record_events')
    .select('type')
    .where('subject_id', '=', id)
    .orderBy('id')
    .execute();
  return { row, versions: versions.length, events: events.map((e) => e.type) };
}

test('an assessment over two sittings: a draft is kept on the server, then finalised with author, time and the 48-hour follow-up due', async () => {
  const w = await world();
  const url = await start(w);
  // Starting again from the same presentation goes back to the same assessment.
  const again = await w.client.post(`/patients/${w.patient.id}/assessments`, { presentationId: w.presentation });
  assert.equal(again.headers.location, url);

  // First sitting: part written, saved as a draft. The browser is closed.
  await w.client.get(url);
  const draft = await w.client.post(url, {
    version: '1',
    action: 'save',
    whatHappened: 'Took 20 paracetamol after an argument.\r\nCalled her sister.',
  });
  assert.equal(draft.status, 303);

  // Second sitting, a new session: the draft is there.
  const later = new Client(w.app);
  await later.signIn(w.practitioner.username, PASSWORD);
  const form = await later.get(url);
  assert.equal(form.status, 200);
  assert.match(
    form.html.querySelector('main')!.text,
    /For the attendance at Test Trust \w+ on 24 November 2026 at 22:10: Paracetamol/,
  );
  assert.equal(
    form.html.querySelector('#whatHappened')?.text,
    'Took 20 paracetamol after an argument.\nCalled her sister.',
  );
  assert.equal(form.html.querySelector('input[name="version"]')?.getAttribute('value'), '2');

  const final = await later.post(url, { version: '2', action: 'finalise', ...written(), ...assessedAt() });
  assert.equal(final.status, 303);
  const s = await stored(w, url);
  assert.equal(s.row.status, 'final');
  assert.equal(s.row.finalised_by, w.practitioner.id);
  assert.equal(s.row.finalised_at?.toISOString(), '2026-11-25T10:00:00.000Z');
  assert.equal(s.row.follow_up_due_at?.toISOString(), '2026-11-27T10:00:00.000Z');
  assert.equal(s.versions, 3);
  assert.deepEqual(s.events, ['assessment.started', 'assessment.draft-saved', 'assessment.finalised']);

  const read = await later.get(url);
  assert.match(read.html.querySelector('main')!.text, /Follow-up is due by\s+27 November 2026 at 10:00/);
  assert.equal(
    read.html.querySelector('textarea:not([name="addendum"])'),
    null,
    'a finalised assessment is read, not edited',
  );
  const summary = await later.get(`/patients/${w.patient.id}`);
  assert.match(
    summary.html.querySelector('.onward-timeline')!.text,
    /Psychosocial assessment[\s\S]*Follow-up due by 27 November 2026 at 10:00/,
  );

  // Finalised means signed off: a later save is refused and nothing changes, but the text typed is shown back.
  const refused = await later.post(url, { version: '3', action: 'save', ...written('changed ') });
  assert.equal(refused.status, 409);
  assert.match(errorSummary(refused), /finalised this assessment while you were working on it/);
  assert.match(refused.html.querySelector('#unsaved')!.text, /changed formulation: written with the person/);
  assert.equal((await stored(w, url)).versions, 3);
});

test('an empty or partly written assessment cannot be finalised: each empty section is named, the text kept, nothing written', async () => {
  const w = await world();
  const url = await start(w);
  const page = await w.client.post(url, {
    version: '1',
    action: 'finalise',
    whatHappened: 'Only this',
    ...assessedAt(),
  });
  assert.equal(page.status, 400);
  const summary = errorSummary(page);
  assert.match(summary, /Write something under “Risk formulation”, even if only that it was not discussed/);
  assert.match(summary, /In the person’s own words/);
  assert.doesNotMatch(summary, /What happened and why/);
  assert.equal(page.html.querySelector('#whatHappened')?.text, 'Only this');
  const s = await stored(w, url);
  assert.equal(s.row.status, 'draft');
  assert.equal(s.versions, 1);
  const audit = await w.db
    .selectFrom('audit_log')
    .select(['outcome', 'detail'])
    .where('patient_id', '=', w.patient.id)
    .where('action', '=', 'assessment.save')
    .execute();
  assert.deepEqual(
    audit.map((a) => a.outcome),
    ['refused'],
  );
});

test('markup in every section is kept as typed and shown as text, never run', async () => {
  const w = await world();
  const url = await start(w);
  const markup = '<script>alert("x")</script><img src=x onerror=alert(1)>';
  const saved = await w.client.post(url, { version: '1', action: 'finalise', ...written(markup), ...assessedAt() });
  assert.equal(saved.status, 303);
  const page = await w.client.get(url);
  assert.ok(page.html.querySelectorAll('script').every((el) => !el.text.includes('alert')));
  assert.equal(page.html.querySelectorAll('img').length, 0);
  assert.ok(page.body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  const row = (await stored(w, url)).row;
  assert.ok((row.sections as Record<string, string>).formulation!.startsWith(markup));
});

test('oversize text, a missing version and a malformed action are refused with a clear message and nothing written', async () => {
  const w = await world();
  const url = await start(w);
  const long = await w.client.post(url, { version: '1', action: 'save', formulation: 'x'.repeat(10_001) });
  assert.equal(long.status, 400);
  assert.match(errorSummary(long), /Risk formulation must be 10,000 characters or fewer/);
  assert.equal(long.html.querySelector('#formulation')?.text.length, 10_001, 'the text is kept to be shortened');
  const noVersion = await w.client.post(url, { action: 'save', whatHappened: 'text' });
  assert.equal(noVersion.status, 400);
  assert.match(errorSummary(noVersion), /Reload the page/);
  const huge = await w.client.post(url, { version: '1', action: 'save', whatHappened: 'y'.repeat(1_200_000) });
  assert.equal(huge.status, 413);
  assert.equal((await stored(w, url)).versions, 1);
});

test('two clinicians at once: the second save is refused, shows what changed and keeps their text to merge', async () => {
  const w = await world();
  const url = await start(w);
  const colleague = await makeUser(w.db, { role: 'senior-clinician', teamIds: [w.team] });
  const other = new Client(w.app);
  await other.signIn(colleague.username, PASSWORD);
  await other.get(url);
  // Both opened version 1. The colleague saves first.
  assert.equal(
    (await other.post(url, { version: '1', action: 'save', formulation: 'Theirs: things are worse at night.' })).status,
    303,
  );
  const mine = await w.client.post(url, {
    version: '1',
    action: 'save',
    formulation: 'Mine: her sister is a protective factor.',
    wants: 'Talking therapy',
  });
  assert.equal(mine.status, 409);
  const summary = errorSummary(mine);
  assert.match(summary, /saved this assessment while you were working on it/);
  assert.match(summary, /also changed Risk formulation\. Their version is shown above yours/);
  assert.equal(mine.html.querySelector('#formulation')?.text, 'Mine: her sister is a protective factor.');
  assert.equal(mine.html.querySelector('#wants')?.text, 'Talking therapy');
  assert.match(mine.html.querySelector('main')!.text, /Theirs: things are worse at night\./);
  assert.equal(mine.html.querySelector('input[name="version"]')?.getAttribute('value'), '2');
  let s = await stored(w, url);
  assert.equal(s.versions, 2);
  assert.equal((s.row.sections as Record<string, string>).formulation, 'Theirs: things are worse at night.');

  // Merged, saved on top of the version they have now seen.
  const merged = await w.client.post(url, {
    version: '2',
    action: 'save',
    formulation: 'Worse at night; her sister is a protective factor.',
    wants: 'Talking therapy',
  });
  assert.equal(merged.status, 303);
  s = await stored(w, url);
  assert.equal(s.versions, 3);
  assert.equal(
    (s.row.sections as Record<string, string>).formulation,
    'Worse at night; her sister is a protective factor.',
  );
});

test('another team, a contributor without write access and unknown ids are refused, and nothing is written', async () => {
  const w = await world();
  const url = await start(w);
  const elsewhere = await makeTeam(w.db);
  const stranger = await makeUser(w.db, { role: 'liaison-practitioner', teamIds: [elsewhere] });
  const s = new Client(w.app);
  await s.signIn(stranger.username, PASSWORD);
  assert.equal((await s.get(url)).status, 404);
  await s.get('/');
  assert.equal((await s.post(url, { version: '1', action: 'save', whatHappened: 'x' })).status, 404);
  assert.equal((await s.post(`/patients/${w.patient.id}/assessments`, { presentationId: w.presentation })).status, 404);

  const pharmacist = await makeUser(w.db, { role: 'mdt-contributor', discipline: 'pharmacist', teamIds: [w.team] });
  const p = new Client(w.app);
  await p.signIn(pharmacist.username, PASSWORD);
  const readOnly = await p.get(url);
  assert.equal(readOnly.status, 200);
  assert.equal(readOnly.html.querySelector('textarea'), null);
  assert.equal((await p.post(url, { version: '1', action: 'save', whatHappened: 'x' })).status, 403);

  assert.equal((await w.client.get(`/patients/${w.patient.id}/assessments/not-a-uuid`)).status, 404);
  await w.client.get(`/patients/${w.patient.id}`);
  const otherPresentation = await w.client.post(`/patients/${w.patient.id}/assessments`, {
    presentationId: '00000000-0000-4000-8000-000000000000',
  });
  assert.equal(otherPresentation.status, 404);
  assert.equal((await stored(w, url)).versions, 1);
});

test('no risk score, risk level or risk category anywhere: not in the schema, not on the form', async () => {
  const w = await world();
  const columns = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`.execute(w.db);
  assert.ok(columns.rows.length > 50);
  const offending = columns.rows.filter(
    (c) =>
      /risk|score|scale|stratif|tier|rag_/i.test(c.column_name) ||
      (/categor|level/i.test(c.column_name) && c.column_name !== 'ethnic_category'),
  );
  assert.deepEqual(offending, []);
  const url = await start(w);
  const form = await w.client.get(url);
  const controls = form.html.querySelectorAll('input, select, textarea');
  for (const c of controls) {
    assert.doesNotMatch(`${c.getAttribute('name')} ${c.getAttribute('type')}`, /risk|score|level|category/i);
    assert.notEqual(c.getAttribute('type'), 'radio', 'no low/medium/high choice');
  }
  assert.doesNotMatch(form.html.querySelector('form')!.text, /\b(low|medium|high) risk\b/i);
});

test('after a refused save, a colleague’s change to a section this person did not touch is brought in, so saving again keeps both', async () => {
  const w = await world();
  const url = await start(w);
  const colleague = await makeUser(w.db, { role: 'senior-clinician', teamIds: [w.team] });
  const other = new Client(w.app);
  await other.signIn(colleague.username, PASSWORD);
  await other.get(url);
  assert.equal(
    (await other.post(url, { version: '1', action: 'save', social: 'Rent arrears of two months.' })).status,
    303,
  );
  const mine = await w.client.post(url, { version: '1', action: 'save', wants: 'Help with debts' });
  assert.equal(mine.status, 409);
  assert.match(errorSummary(mine), /Their changes to Social circumstances have been brought into the form/);
  assert.doesNotMatch(errorSummary(mine), /also changed/);
  assert.equal(mine.html.querySelector('#social')?.text, 'Rent arrears of two months.');
  assert.equal(mine.html.querySelector('#wants')?.text, 'Help with debts');
  // Saving the form as it now stands loses nobody's work.
  const form = Object.fromEntries(sectionKeys.map((k) => [k, mine.html.querySelector(`#${k}`)?.text ?? '']));
  assert.equal((await w.client.post(url, { version: '2', action: 'save', ...form })).status, 303);
  const s = (await stored(w, url)).row.sections as Record<string, string>;
  assert.equal(s.social, 'Rent arrears of two months.');
  assert.equal(s.wants, 'Help with debts');
});
