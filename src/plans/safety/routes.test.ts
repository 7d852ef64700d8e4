import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { crisisContacts } from '#platform/crisis-contacts.ts';
import { runTogether } from '#platform/db/together.ts';
import { testApp } from '../../../test/support/app.ts';
import { Client, errorSummary, type Page } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../../../test/support/factories.ts';
import { flatText, pdfText } from '../../../test/support/pdf.ts';
import { SECTION_MAX, type SectionKey, sectionKeys, sections } from './model.ts';
import { safetyPlanTimelineEntries, safetyPlanTimelineList } from './service.ts';
import * as store from './store.ts';

after(closeTestDatabase);

async function world() {
  const clock = fixedClock('2026-11-25T10:00:00Z');
  const t = await testApp({
    clock,
    config: { logLevel: process.env.TEST_LOG ? 'error' : 'silent' } as never,
  });
  const team = await makeTeam(t.db);
  const practitioner = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(t.db, { teamId: team });
  const client = new Client(t.app);
  await client.signIn(practitioner.username, PASSWORD);
  const url = `/patients/${patient.id}/safety-plan`;
  return { ...t, clock, team, practitioner, patient, client, url };
}

type World = Awaited<ReturnType<typeof world>>;

async function signedIn(w: World, role: Parameters<typeof makeUser>[1]['role'], teamIds = [w.team]) {
  const user = await makeUser(w.db, { role, teamIds, discipline: role === 'mdt-contributor' ? 'pharmacist' : null });
  const client = new Client(w.app);
  await client.signIn(user.username, PASSWORD);
  return { user, client };
}

/** What is stored for the person's plan: the row, every version and every event. */
async function stored(w: World) {
  const row = await w.db.selectFrom('safety_plans').selectAll().where('patient_id', '=', w.patient.id).execute();
  const versions = await w.db
    .selectFrom('record_versions')
    .select(['version', 'content', 'subject_type'])
    .where('patient_id', '=', w.patient.id)
    .where('subject_type', '=', 'safety-plan')
    .orderBy('version')
    .execute();
  const events = await w.db
    .selectFrom('record_events')
    .select(['type', 'data'])
    .where('patient_id', '=', w.patient.id)
    .where('subject_type', '=', 'safety-plan')
    .orderBy('id')
    .execute();
  return { rows: row, row: row[0], versions, events };
}

async function audits(w: World, action: string) {
  const rows = await w.db
    .selectFrom('audit_log')
    .select(['outcome', 'detail', 'user_id'])
    .where('patient_id', '=', w.patient.id)
    .where('action', '=', action)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

const main = (page: Page) => page.html.querySelector('main')!.text.replace(/\s+/g, ' ');

test('a plan written with the person, changed twice: every version is kept and each earlier one can be read', async () => {
  const w = await world();
  const empty = await w.client.get(w.url);
  assert.equal(empty.status, 200);
  assert.match(main(empty), /There is no safety plan for .* yet/);
  assert.equal(
    empty.html.querySelector(`a[href="${w.url}/edit"]`)?.text.trim(),
    'Write a safety plan',
    'a button to write one',
  );

  const form = await w.client.get(`${w.url}/edit`);
  assert.equal(form.status, 200);
  assert.equal(form.html.querySelector('input[name="version"]')?.getAttribute('value'), '0');
  const labels = form.html.querySelectorAll('label').map((l) => l.text.trim());
  assert.deepEqual(
    labels,
    sectionKeys.map((k) => sections[k].heading),
    'the seven sections, in order',
  );
  assert.deepEqual(labels, [
    'My reasons for living',
    'My warning signs',
    'Things I can do on my own',
    'People and places that distract me',
    'People I can ask for help',
    'Professionals and services I can contact',
    'Making my surroundings safer',
  ]);

  const first = await w.client.post(w.url, {
    version: '0',
    reasonsForLiving: 'My daughter, Mia.\r\nSeeing the sea again.',
    warningSigns: 'Not sleeping',
  });
  assert.equal(first.status, 303);
  assert.equal(first.headers.location, w.url);

  w.clock.advance(20 * 60 * 1000);
  await w.client.get(`${w.url}/edit`);
  const second = await w.client.post(w.url, {
    version: '1',
    reasonsForLiving: 'My daughter, Mia.\nSeeing the sea again.',
    warningSigns: 'Not sleeping; drinking more',
    askForHelp: 'My sister Jo, 07700 900123',
  });
  assert.equal(second.status, 303);

  const colleague = await signedIn(w, 'senior-clinician');
  w.clock.advance(20 * 60 * 1000);
  await colleague.client.get(`${w.url}/edit`);
  const third = await colleague.client.post(w.url, {
    version: '2',
    reasonsForLiving: 'My daughter, Mia.\nSeeing the sea again.',
    warningSigns: 'Not sleeping; drinking more',
    askForHelp: 'My sister Jo, 07700 900123',
    saferSurroundings: 'Jo keeps my tablets and gives me a week at a time.',
  });
  assert.equal(third.status, 303);

  const s = await stored(w);
  assert.equal(s.rows.length, 1, 'one plan per person');
  assert.equal(s.row?.version, 3);
  assert.deepEqual(
    s.versions.map((v) => v.version),
    [1, 2, 3],
  );
  assert.equal(
    (s.versions[0]!.content as Record<string, string>).reasonsForLiving,
    'My daughter, Mia.\nSeeing the sea again.',
  );
  assert.equal((s.versions[0]!.content as Record<string, string>).askForHelp, '');
  assert.deepEqual(
    s.events.map((e) => e.type),
    ['safety-plan.created', 'safety-plan.saved', 'safety-plan.saved'],
  );
  assert.deepEqual((s.events[1]!.data as { changed: string[] }).changed, ['warningSigns', 'askForHelp']);
  assert.ok(!JSON.stringify(s.events).includes('07700'), 'events say which sections changed, never the text');
  assert.deepEqual(
    (await audits(w, 'safety-plan.save')).map((a) => [a.outcome, (a.detail as { version: number }).version]),
    [
      ['ok', 1],
      ['ok', 2],
      ['ok', 3],
    ],
  );

  // The plan page: the current text, who saved each version and when, links to every earlier one.
  const plan = await w.client.get(w.url);
  assert.equal(plan.status, 200);
  assert.match(main(plan), /Jo keeps my tablets and gives me a week at a time\./);
  assert.match(main(plan), /Version 3, saved by Test senior-clinician on 25 November 2026 at 10:40/);
  const rows = plan.html.querySelectorAll('#versions ~ table tbody tr').map((r) => r.text.replace(/\s+/g, ' ').trim());
  assert.deepEqual(rows, [
    'Version 3 (current) Test senior-clinician 25 November 2026 at 10:40',
    'Version 2 Test liaison-practitioner 25 November 2026 at 10:20',
    'Version 1 Test liaison-practitioner 25 November 2026 at 10:00',
  ]);
  const links = plan.html.querySelectorAll('table a').map((a) => a.getAttribute('href'));
  assert.deepEqual(links, [`${w.url}/versions/2`, `${w.url}/versions/1`]);

  const v1 = await w.client.get(`${w.url}/versions/1`);
  assert.equal(v1.status, 200);
  assert.match(
    main(v1),
    /Version 1 of 3, saved by Test liaison-practitioner on 25 November 2026 at 10:00 — this is not the current plan/,
  );
  assert.match(
    main(v1),
    /My warning signs Changed since this version Not sleeping Things I can do on my own Not written in this version/,
    'version 1 as it was, marking what has changed since',
  );
  assert.doesNotMatch(main(v1), /drinking more|Jo keeps/);
  assert.equal(v1.html.querySelector('form textarea'), null, 'read only');
  const v2 = await w.client.get(`${w.url}/versions/2`);
  assert.match(main(v2), /Version 2 of 3, saved by Test liaison-practitioner on 25 November 2026 at 10:20/);
  assert.match(main(v2), /My sister Jo, 07700 900123/);
  const v3 = await w.client.get(`${w.url}/versions/3`);
  assert.match(main(v3), /This is the current plan/);
  assert.doesNotMatch(main(v3), /this is not the current plan/);
  for (const missing of ['4', '0', 'abc', '1.5', '01']) {
    assert.equal((await w.client.get(`${w.url}/versions/${missing}`)).status, 404, missing);
  }
  assert.deepEqual(
    (await audits(w, 'safety-plan.read-version')).filter((a) => a.outcome === 'ok').map((a) => a.detail),
    [
      { safetyPlan: s.row!.id, version: 1 },
      { safetyPlan: s.row!.id, version: 2 },
      { safetyPlan: s.row!.id, version: 3 },
    ],
  );

  // The form opens on the current version.
  const again = await w.client.get(`${w.url}/edit`);
  assert.equal(again.html.querySelector('input[name="version"]')?.getAttribute('value'), '3');
  assert.equal(again.html.querySelector('#reasonsForLiving')?.text, 'My daughter, Mia.\nSeeing the sea again.');

  // Saving exactly what is there writes no new version.
  const same = await w.client.post(w.url, {
    version: '3',
    reasonsForLiving: 'My daughter, Mia.\r\nSeeing the sea again.  ',
    warningSigns: 'Not sleeping; drinking more',
    askForHelp: 'My sister Jo, 07700 900123',
    saferSurroundings: 'Jo keeps my tablets and gives me a week at a time.',
  });
  assert.equal(same.status, 303);
  assert.equal((await stored(w)).versions.length, 3);

  // The timeline: one entry per version, newest first.
  const user = { id: w.practitioner.id, role: 'liaison-practitioner' } as never;
  const opened = { id: w.patient.id } as never;
  const actor = { db: w.db, clock: w.clock, config: w.config, queue: w.queue, user, action: 'patient.read' };
  // Read as the summary reads it: with the other parts' lists, in one statement, times revived.
  const { versions } = await runTogether(w.db, { versions: safetyPlanTimelineList(actor, opened) });
  const entries = safetyPlanTimelineEntries(opened, versions);
  assert.deepEqual(
    entries.map((e) => [e.kind, e.title, e.text, e.href, e.at.toISOString()]),
    [
      ['safety-plan', 'Safety plan, version 3', 'Saved by Test senior-clinician', w.url, '2026-11-25T10:40:00.000Z'],
      [
        'safety-plan',
        'Safety plan, version 2',
        'Saved by Test liaison-practitioner',
        `${w.url}/versions/2`,
        '2026-11-25T10:20:00.000Z',
      ],
      [
        'safety-plan',
        'Safety plan, version 1',
        'Saved by Test liaison-practitioner',
        `${w.url}/versions/1`,
        '2026-11-25T10:00:00.000Z',
      ],
    ],
  );
});

test('two clinicians at once: the second save is refused with what changed, both texts on the page, nothing written', async () => {
  const w = await world();
  await w.client.get(`${w.url}/edit`);
  assert.equal((await w.client.post(w.url, { version: '0', warningSigns: 'Not sleeping' })).status, 303);

  const colleague = await signedIn(w, 'senior-clinician');
  await colleague.client.get(`${w.url}/edit`);
  await w.client.get(`${w.url}/edit`);
  // Both opened version 1. The colleague saves first.
  const theirs = await colleague.client.post(w.url, {
    version: '1',
    warningSigns: 'Theirs: not sleeping, and giving things away',
  });
  assert.equal(theirs.status, 303);

  const mine = await w.client.post(w.url, {
    version: '1',
    warningSigns: 'Mine: not sleeping; stops answering the phone',
    copingAlone: 'Walk the dog round the park',
  });
  assert.equal(mine.status, 409);
  const summary = errorSummary(mine);
  assert.match(summary, /Test senior-clinician saved this safety plan while you were working on it/);
  assert.match(summary, /Nothing you wrote has been saved yet/);
  assert.match(summary, /also changed My warning signs\. Their version is shown above yours/);
  assert.equal(
    mine.html.querySelector('.nhsuk-error-summary a')?.getAttribute('href'),
    '#warningSigns',
    'the summary leads to the section that changed',
  );
  // My text kept in the form, theirs shown beside it to merge.
  assert.equal(mine.html.querySelector('#warningSigns')?.text, 'Mine: not sleeping; stops answering the phone');
  assert.equal(mine.html.querySelector('#copingAlone')?.text, 'Walk the dog round the park');
  assert.match(main(mine), /My warning signs, as Test senior-clinician saved it on 25 November 2026 at 10:00:/);
  assert.match(main(mine), /Theirs: not sleeping, and giving things away/);
  assert.equal(mine.html.querySelector('input[name="version"]')?.getAttribute('value'), '2');
  assert.equal(mine.html.querySelector('#copingAlone-error'), null, 'only the section they changed is marked');

  let s = await stored(w);
  assert.equal(s.versions.length, 2);
  assert.equal((s.row!.content as Record<string, string>).warningSigns, 'Theirs: not sleeping, and giving things away');
  assert.equal((s.row!.content as Record<string, string>).copingAlone, '');
  const refused = (await audits(w, 'safety-plan.save')).filter((a) => a.outcome === 'refused');
  assert.deepEqual(
    refused.map((a) => a.detail),
    [{ reason: 'stale-version', safetyPlan: s.row!.id, baseVersion: 1, currentVersion: 2 }],
  );

  // Merged and saved on top of the version they have now seen.
  const merged = await w.client.post(w.url, {
    version: '2',
    warningSigns: 'Not sleeping, giving things away, stops answering the phone',
    copingAlone: 'Walk the dog round the park',
  });
  assert.equal(merged.status, 303);
  s = await stored(w);
  assert.equal(s.versions.length, 3);
  assert.equal(
    (s.row!.content as Record<string, string>).warningSigns,
    'Not sleeping, giving things away, stops answering the phone',
  );
});

test('two people writing the first plan at the same moment: one is saved, the other refused cleanly, never a 500', async () => {
  const w = await world();
  const colleague = await signedIn(w, 'liaison-practitioner');
  await w.client.get(`${w.url}/edit`);
  await colleague.client.get(`${w.url}/edit`);
  const [a, b] = await Promise.all([
    w.client.post(w.url, { version: '0', reasonsForLiving: 'From A' }),
    colleague.client.post(w.url, { version: '0', reasonsForLiving: 'From B' }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [303, 409]);
  const loser = a.status === 409 ? a : b;
  const winnerText = a.status === 409 ? 'From B' : 'From A';
  assert.match(main(loser), new RegExp(`My reasons for living, as .* saved it on .*: ${winnerText}`));
  assert.equal(loser.html.querySelector('input[name="version"]')?.getAttribute('value'), '1');
  const s = await stored(w);
  assert.equal(s.rows.length, 1);
  assert.equal(s.versions.length, 1);

  // After the first is saved, a second "first" plan from an old form is refused the same way.
  const late = await makeUser(w.db, { role: 'liaison-practitioner', teamIds: [w.team] });
  const c = new Client(w.app);
  await c.signIn(late.username, PASSWORD);
  await c.get(`${w.url}/edit`);
  const stale = await c.post(w.url, { version: '0', warningSigns: 'From C' });
  assert.equal(stale.status, 409);
  assert.equal(stale.html.querySelector('#warningSigns')?.text, 'From C');
  assert.equal((await stored(w)).versions.length, 1);

  // The store's first insert yields to one already there, inside a transaction that goes on working.
  const other = await makePatient(w.db, { teamId: w.team });
  const ids = await w.db.transaction().execute(async (tx) => {
    const args = {
      patientId: other.id,
      teamId: w.team,
      sections: { ...emptyPlan(), warningSigns: 'x' },
      userId: w.practitioner.id,
      at: new Date(),
    };
    const one = await store.insertPlan(tx, args);
    const two = await store.insertPlan(tx, args);
    const found = await store.findPlanOfPatient(tx, other.id);
    return { one, two, found: found?.id };
  });
  assert.ok(ids.one);
  assert.equal(ids.two, undefined);
  assert.equal(ids.found, ids.one);
});

function emptyPlan(): Record<SectionKey, string> {
  return Object.fromEntries(sectionKeys.map((k) => [k, ''])) as Record<SectionKey, string>;
}

test('empty, oversize, version-less and malformed saves get a 400 with the text kept and escaped, and nothing written', async () => {
  const w = await world();
  await w.client.get(`${w.url}/edit`);
  const blank = await w.client.post(w.url, { version: '0', reasonsForLiving: '   \r\n  ', warningSigns: '' });
  assert.equal(blank.status, 400);
  assert.match(errorSummary(blank), /Write at least one section of the safety plan with the person/);
  assert.equal(blank.html.querySelector('.nhsuk-error-summary a')?.getAttribute('href'), '#reasonsForLiving');
  assert.match(blank.html.querySelector('title')!.text, /^Error: /);

  const markup = '<script>alert("x")</script><img src=x onerror=alert(1)>';
  const long = await w.client.post(w.url, {
    version: '0',
    warningSigns: `${markup}${'w'.repeat(SECTION_MAX)}`,
    askForHelp: markup,
  });
  assert.equal(long.status, 400);
  assert.match(errorSummary(long), /My warning signs must be 4,000 characters or fewer/);
  assert.equal(long.html.querySelector('#warningSigns')?.text.length, SECTION_MAX + markup.length, 'kept to shorten');
  assert.equal(long.html.querySelector('#askForHelp')?.text, markup);
  assert.equal(long.html.querySelectorAll('img').length, 0);
  assert.ok(long.html.querySelectorAll('script').every((el) => !el.text.includes('alert')));

  // Exactly 4,000 characters is allowed; a Windows line ending counts as one.
  const lines = `${'a'.repeat(1999)}\r\n${'b'.repeat(2000)}`;
  assert.equal(lines.replace(/\r\n/g, '\n').length, SECTION_MAX);

  for (const version of ['', 'abc', '-1', '1.5', ' 1']) {
    const bad = await w.client.post(w.url, { version, reasonsForLiving: 'My dog' });
    assert.equal(bad.status, 400, `version ${JSON.stringify(version)}`);
    assert.match(errorSummary(bad), /missing which version you started from/);
    assert.equal(bad.html.querySelector('#reasonsForLiving')?.text, 'My dog');
  }
  const noVersion = await w.client.post(w.url, { reasonsForLiving: 'My dog' });
  assert.equal(noVersion.status, 400);

  const huge = await w.client.post(w.url, { version: '0', warningSigns: 'y'.repeat(600_000) });
  assert.equal(huge.status, 413);

  const s = await stored(w);
  assert.equal(s.rows.length, 0, 'nothing written');
  assert.equal(s.versions.length, 0);
  assert.equal(s.events.length, 0);
  const refused = await audits(w, 'safety-plan.save');
  assert.ok(refused.length >= 8);
  assert.ok(refused.every((a) => a.outcome === 'refused'));
  assert.equal((refused[0]!.detail as { reason: string }).reason, 'invalid');

  // The longest allowed section, and control characters that cannot be stored, are fine.
  const ok = await w.client.post(w.url, {
    version: '0',
    warningSigns: lines,
    copingAlone: 'tea\u0000 and\u0007 toast',
  });
  assert.equal(ok.status, 303);
  const row = (await stored(w)).row!;
  assert.equal((row.content as Record<string, string>).warningSigns?.length, SECTION_MAX);
  assert.equal((row.content as Record<string, string>).copingAlone, 'tea and toast');
});

test('markup is kept as typed and shown as text on every page and in the PDF, never run', async () => {
  const w = await world();
  const markup = '<script>alert("x")</script><img src=x onerror=alert(1)> <b>bold</b> {{ 7*7 }} {% raw %}';
  await w.client.get(`${w.url}/edit`);
  const written = Object.fromEntries(sectionKeys.map((k) => [k, `${k} ${markup}`]));
  assert.equal((await w.client.post(w.url, { version: '0', ...written })).status, 303);
  assert.equal((await w.client.post(w.url, { version: '1', ...written, warningSigns: 'changed' })).status, 303);
  const row = (await stored(w)).row!;
  assert.equal((row.content as Record<string, string>).reasonsForLiving, `reasonsForLiving ${markup}`);

  for (const path of ['', '/edit', '/versions/1', '/copy']) {
    const page = await w.client.get(`${w.url}${path}`);
    assert.equal(page.status, 200, path);
    assert.equal(page.html.querySelectorAll('img').length, 0, path);
    assert.equal(page.html.querySelectorAll('main b').length, 0, path);
    assert.ok(
      page.html.querySelectorAll('script').every((el) => !el.text.includes('alert')),
      path,
    );
    assert.ok(page.body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'), path);
    assert.ok(main(page).includes('{{ 7*7 }} {% raw %}'), `${path}: template syntax shown, not evaluated`);
  }

  const pdf = await w.client.app.inject({
    method: 'GET',
    url: `${w.url}/copy.pdf`,
    headers: { cookie: [...w.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(pdf.statusCode, 200);
  const read = await pdfText(pdf.rawPayload);
  assert.equal(read.pages, 1);
  assert.ok(flatText(read.text).includes(`reasonsForLiving ${markup}`.replace(/\s+/g, ' ')));
});

test('another team is refused as not found and audited; a contributor reads but cannot write', async () => {
  const w = await world();
  await w.client.get(`${w.url}/edit`);
  assert.equal((await w.client.post(w.url, { version: '0', reasonsForLiving: 'Our text' })).status, 303);

  const elsewhere = await makeTeam(w.db);
  const stranger = await signedIn(w, 'liaison-practitioner', [elsewhere]);
  for (const path of ['', '/edit', '/versions/1', '/copy', '/copy.pdf']) {
    const page = await stranger.client.get(`${w.url}${path}`);
    assert.equal(page.status, 404, path);
    assert.doesNotMatch(page.body, /Our text/);
  }
  await stranger.client.get('/');
  assert.equal((await stranger.client.post(w.url, { version: '1', reasonsForLiving: 'Not ours' })).status, 404);
  const refusals = await w.db
    .selectFrom('audit_log')
    .select(['action', 'outcome', 'detail'])
    .where('patient_id', '=', w.patient.id)
    .where('user_id', '=', stranger.user.id)
    .orderBy('id')
    .execute();
  assert.deepEqual(
    refusals.map((r) => [r.action, r.outcome, JSON.parse(r.detail).reason]),
    [
      ['safety-plan.read', 'refused', 'no-care-relationship'],
      ['safety-plan.edit', 'refused', 'no-care-relationship'],
      ['safety-plan.read-version', 'refused', 'no-care-relationship'],
      ['safety-plan.copy', 'refused', 'no-care-relationship'],
      ['safety-plan.copy-pdf', 'refused', 'no-care-relationship'],
      ['safety-plan.save', 'refused', 'no-care-relationship'],
    ],
  );

  const contributor = await signedIn(w, 'mdt-contributor');
  const read = await contributor.client.get(w.url);
  assert.equal(read.status, 200);
  assert.match(main(read), /Our text/);
  assert.equal(read.html.querySelector(`a[href="${w.url}/edit"]`), null, 'no button to change it');
  assert.equal((await contributor.client.get(`${w.url}/versions/1`)).status, 200);
  assert.equal((await contributor.client.get(`${w.url}/copy`)).status, 200);
  assert.equal((await contributor.client.get(`${w.url}/edit`)).status, 403);
  assert.equal((await contributor.client.post(w.url, { version: '1', reasonsForLiving: 'Changed' })).status, 403);
  const forbidden = await w.db
    .selectFrom('audit_log')
    .select(['action', 'outcome'])
    .where('user_id', '=', contributor.user.id)
    .where('outcome', '=', 'refused')
    .orderBy('id')
    .execute();
  assert.deepEqual(
    forbidden.map((r) => r.action),
    ['safety-plan.edit', 'safety-plan.save'],
  );

  const s = await stored(w);
  assert.equal(s.versions.length, 1);
  assert.equal((s.row!.content as Record<string, string>).reasonsForLiving, 'Our text');

  // A plan that does not exist yet has no copy; an address that is not a patient is not found.
  const other = await makePatient(w.db, { teamId: w.team });
  assert.equal((await w.client.get(`/patients/${other.id}/safety-plan/copy`)).status, 404);
  assert.equal((await w.client.get(`/patients/${other.id}/safety-plan/copy.pdf`)).status, 404);
  assert.equal((await w.client.get(`/patients/${other.id}/safety-plan/versions/1`)).status, 404);
  assert.equal((await w.client.get('/patients/not-a-uuid/safety-plan')).status, 404);
});

test('the person’s copy: plain words, their name, each crisis contact, a print button that needs no script to read', async () => {
  const w = await world();
  await w.client.get(`${w.url}/edit`);
  await w.client.post(w.url, {
    version: '0',
    reasonsForLiving: 'My daughter, Mia.',
    professionals: 'My GP, Dr Patel: 0161 496 0000 (weekdays 8am to 6pm)',
  });
  const copy = await w.client.get(`${w.url}/copy`);
  assert.equal(copy.status, 200);
  assert.equal(copy.headers['cache-control'], 'no-store');
  assert.equal(copy.html.querySelector('h1')?.text.trim(), 'My safety plan');
  const text = main(copy);
  assert.match(text, new RegExp(`This plan belongs to ${w.patient.givenName} ${w.patient.familyName}\\.`));
  assert.doesNotMatch(text, new RegExp(w.patient.nhsNumber), 'no NHS number on the person’s copy');
  assert.doesNotMatch(text, /NHS number|Date of birth/);
  assert.equal(copy.html.querySelector('.onward-banner'), null, 'no staff banner');
  assert.deepEqual(
    copy.html.querySelectorAll('main h2').map((h) => h.text.trim()),
    sectionKeys.map((k, i) => `${i + 1}. ${sections[k].heading}`),
  );
  assert.match(text, /My GP, Dr Patel: 0161 496 0000/);
  assert.match(text, /Nothing written here yet\./);

  // The crisis contacts, all of them, in one box, as plain text that prints as it reads.
  const boxes = copy.html.querySelectorAll('.nhsuk-card--care');
  assert.equal(boxes.length, 1);
  const box = boxes[0]!;
  assert.match(box.text, /Help any time, day or night/);
  for (const c of crisisContacts) {
    assert.ok(box.text.includes(c.name), c.name);
    assert.ok(box.text.includes(c.how), c.how);
    assert.ok(box.text.includes(c.when), c.when);
  }
  assert.match(box.text, /Samaritans[\s\S]*116 123/);
  assert.match(box.text, /SHOUT to 85258/);
  assert.match(box.text, /999/);
  assert.equal(box.querySelectorAll('a').length, 0);

  // Print is an enhancement: hidden until the script shows it; the PDF link always works.
  const print = copy.html.querySelector('button[data-onward-print]');
  assert.ok(print?.hasAttribute('hidden'));
  assert.ok(print?.closest('.onward-no-print'));
  assert.equal(copy.html.querySelector(`a[href="${w.url}/copy.pdf"]`)?.closest('.onward-no-print') !== null, true);
  // The button is shown by the site's one script file (the browser journey presses it), not inline code.
  assert.equal(copy.html.querySelectorAll('script:not([src])').filter((s) => s.text.includes('print')).length, 0);
  assert.equal(copy.html.querySelectorAll('.onward-print-card').length >= sectionKeys.length, true);

  assert.deepEqual(
    (await audits(w, 'safety-plan.copy')).map((a) => [a.outcome, (a.detail as { format: string }).format]),
    [['ok', 'html']],
  );
});

test('the PDF copy is exactly one page even with every section full, and always carries the crisis contacts', async () => {
  const w = await world();
  await w.client.get(`${w.url}/edit`);
  const sentence = 'When it gets bad I can ring my sister Jo on 07700 900123 and we walk to the river. ';
  const full = Object.fromEntries(
    sectionKeys.map((k) => [k, `${k}: ${sentence.repeat(60)}`.slice(0, SECTION_MAX - 3).concat(' ok')]),
  );
  assert.ok(Object.values(full).every((t) => t.length === SECTION_MAX));
  assert.equal((await w.client.post(w.url, { version: '0', ...full })).status, 303);

  const cookie = [...w.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await w.app.inject({ method: 'GET', url: `${w.url}/copy.pdf`, headers: { cookie } });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['content-type'], 'application/pdf');
  assert.equal(response.headers['content-disposition'], 'inline; filename="safety-plan.pdf"');
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.ok(response.rawPayload.subarray(0, 5).toString() === '%PDF-');

  const pdf = await pdfText(response.rawPayload);
  assert.equal(pdf.pages, 1);
  assert.equal(pdf.title, 'My safety plan');
  assert.equal(pdf.language, 'en-GB');
  const text = flatText(pdf.text);
  assert.match(text, new RegExp(`This plan belongs to ${w.patient.givenName} ${w.patient.familyName}`));
  assert.ok(!text.includes(w.patient.nhsNumber), 'no NHS number');
  for (const [i, k] of sectionKeys.entries()) assert.ok(text.includes(`${i + 1}. ${sections[k].heading}`), k);
  assert.match(text, /Help any time, day or night/);
  for (const c of crisisContacts) {
    assert.ok(text.includes(c.name), c.name);
    assert.ok(text.includes(c.how), c.how);
  }
  assert.match(text, /shortened to fit on one page/);

  // A short plan is drawn whole, in larger type, still on one page.
  const other = await makePatient(w.db, { teamId: w.team });
  const url = `/patients/${other.id}/safety-plan`;
  await w.client.get(`${url}/edit`);
  await w.client.post(url, { version: '0', saferSurroundings: 'Jo keeps my tablets.\nNo more than a week at home.' });
  const short = await pdfText(
    (await w.app.inject({ method: 'GET', url: `${url}/copy.pdf`, headers: { cookie } })).rawPayload,
  );
  assert.equal(short.pages, 1);
  const shortText = flatText(short.text);
  assert.match(shortText, /Jo keeps my tablets\. No more than a week at home\./);
  assert.doesNotMatch(shortText, /shortened/);
  for (const c of crisisContacts) assert.ok(shortText.includes(c.how), c.how);
  assert.ok(short.roles.includes('H1') && short.roles.includes('H2'), 'headings are tagged for screen readers');

  assert.deepEqual(
    (await audits(w, 'safety-plan.copy-pdf')).map((a) => [a.outcome, (a.detail as { format: string }).format]),
    [['ok', 'pdf']],
  );
});
