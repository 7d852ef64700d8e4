import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';

// Completing and correcting a presentation: a new version each time, the earlier ones kept.

after(closeTestDatabase);

async function world() {
  const t = await testApp({ clock: fixedClock('2026-07-10T12:00:00Z') });
  const team = await makeTeam(t.db);
  const practitioner = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(t.db, { teamId: team });
  const client = new Client(t.app);
  await client.signIn(practitioner.username, PASSWORD);
  await client.get(`/patients/${patient.id}/presentations/new`);
  // Recorded while the person is still in the department: no leaving time, no outcome.
  const recorded = await client.post(`/patients/${patient.id}/presentations`, {
    teamId: team,
    'arrivedDate[day]': '10',
    'arrivedDate[month]': '7',
    'arrivedDate[year]': '2026',
    arrivedTime: '02:15',
    methods: 'X60',
  });
  assert.equal(recorded.status, 303);
  const id = (
    await t.db.selectFrom('presentations').select('id').where('patient_id', '=', patient.id).executeTakeFirstOrThrow()
  ).id;
  const url = `/patients/${patient.id}/presentations/${id}`;
  const stored = async () => ({
    row: await t.db.selectFrom('presentations').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    versions: (
      await t.db
        .selectFrom('record_versions')
        .select(['version', 'content'])
        .where('subject_id', '=', id)
        .orderBy('version')
        .execute()
    ).map((v) => [
      v.version,
      (v.content as { leftAt: string | null; arrivedAt: string }).arrivedAt,
      (v.content as { leftAt: string | null }).leftAt,
    ]),
    events: (
      await t.db
        .selectFrom('record_events')
        .select(['type', 'data'])
        .where('subject_id', '=', id)
        .orderBy('id')
        .execute()
    ).map((e) => [e.type, (e.data as { reason?: string }).reason ?? null]),
  });
  return { ...t, team, practitioner, patient, client, id, url, stored };
}

const form = (team: string, over: Record<string, string> = {}) => ({
  teamId: team,
  'arrivedDate[day]': '10',
  'arrivedDate[month]': '7',
  'arrivedDate[year]': '2026',
  arrivedTime: '02:15',
  methods: 'X60',
  'leftDate[day]': '10',
  'leftDate[month]': '7',
  'leftDate[year]': '2026',
  leftTime: '09:40',
  outcome: 'discharged',
  reason: '',
  ...over,
});

test('a presentation recorded while the person was still in the department is completed without a reason, as version 2', async () => {
  const w = await world();
  const summary = await w.client.get(`/patients/${w.patient.id}`);
  assert.ok(summary.html.querySelector(`a[href="${w.url}/edit"]`), 'the timeline offers to add when they left');
  const edit = await w.client.get(`${w.url}/edit`);
  assert.equal(edit.status, 200);
  assert.equal(edit.html.querySelector('input[name="version"]')?.getAttribute('value'), '1');
  assert.equal(edit.html.querySelector('#arrivedTime')?.getAttribute('value'), '02:15');
  const done = await w.client.post(w.url, { ...form(w.team), version: '1' });
  assert.equal(done.status, 303, errorSummary(done));
  const s = await w.stored();
  assert.equal(s.row.version, 2);
  assert.equal(s.row.outcome, 'discharged');
  assert.deepEqual(s.versions, [
    [1, '2026-07-10T01:15:00.000Z', null],
    [2, '2026-07-10T01:15:00.000Z', '2026-07-10T08:40:00.000Z'],
  ]);
  assert.deepEqual(s.events, [
    ['presentation.recorded', null],
    ['presentation.completed', null],
  ]);
  const page = await w.client.get(w.url);
  assert.match(page.html.querySelector('main')!.text, /Completed: when they left and how/);
});

test('correcting what was recorded needs a reason; the earlier version stays readable, the reason shown as text', async () => {
  const w = await world();
  await w.client.get(`${w.url}/edit`);
  assert.equal((await w.client.post(w.url, { ...form(w.team), version: '1' })).status, 303);
  await w.client.get(`${w.url}/edit`);
  const noReason = await w.client.post(w.url, { ...form(w.team, { arrivedTime: '08:15' }), version: '2' });
  assert.equal(noReason.status, 400);
  assert.match(errorSummary(noReason), /Say why the presentation is being changed/);
  assert.equal((await w.stored()).row.version, 2);
  const reason = '<script>alert(1)</script> Arrival was typed as 02:15; the notes say 08:15.';
  const fixed = await w.client.post(w.url, { ...form(w.team, { arrivedTime: '08:15', reason }), version: '2' });
  assert.equal(fixed.status, 303, errorSummary(fixed));
  const s = await w.stored();
  assert.equal(s.row.arrived_at.toISOString(), '2026-07-10T07:15:00.000Z');
  assert.deepEqual(s.events.at(-1), ['presentation.amended', reason]);
  const page = await w.client.get(w.url);
  const history = page.html.querySelectorAll('tbody tr').map((tr) => tr.text.replace(/\s+/g, ' '));
  assert.equal(history.length, 3);
  assert.match(history[0]!, /Recorded.*Arrived 10 July 2026 at 02:15/);
  assert.match(history[2]!, /Corrected\. Reason: <script>alert\(1\)<\/script> Arrival was typed/);
  assert.ok(!page.body.includes('<script>alert(1)</script>'), 'the reason is escaped');
  // Saving the same again changes nothing and writes no version.
  await w.client.get(`${w.url}/edit`);
  assert.equal((await w.client.post(w.url, { ...form(w.team, { arrivedTime: '08:15' }), version: '3' })).status, 303);
  assert.equal((await w.stored()).versions.length, 3);
});

test('bad changes are refused with the answers kept; a stale change shows the colleague’s version and writes nothing', async () => {
  const w = await world();
  await w.client.get(`${w.url}/edit`);
  const cases: [Record<string, string>, RegExp][] = [
    [form(w.team, { leftTime: '01:00' }), /Time of leaving must be after arrival/],
    [form(w.team, { 'leftDate[day]': '11' }), /must be today or in the past|now or in the past/],
    [form(w.team, { outcome: 'vanished' }), /Select how the attendance ended/],
    [Object.fromEntries(Object.entries(form(w.team)).filter(([k]) => k !== 'methods')), /Select at least one method/],
    [form(w.team, { reason: 'x'.repeat(2001) }), /2,000 characters or fewer/],
  ];
  for (const [body, message] of cases) {
    const refused = await w.client.post(w.url, { ...body, version: '1' });
    assert.equal(refused.status, 400, JSON.stringify(body).slice(0, 100));
    assert.match(errorSummary(refused), message);
  }
  assert.equal((await w.client.post(w.url, { ...form(w.team) })).status, 400, 'no version');
  assert.equal((await w.stored()).row.version, 1);

  const colleague = new Client(w.app);
  await colleague.signIn((await makeUser(w.db, { role: 'senior-clinician', teamIds: [w.team] })).username, PASSWORD);
  await colleague.get(`${w.url}/edit`);
  assert.equal((await colleague.post(w.url, { ...form(w.team, { outcome: 'admitted' }), version: '1' })).status, 303);
  const late = await w.client.post(w.url, { ...form(w.team), version: '1' });
  assert.equal(late.status, 409);
  assert.match(errorSummary(late), /changed this presentation while you were working on it/);
  assert.match(late.html.querySelector('#theirs')!.text, /admitted to a ward/i);
  assert.equal(late.html.querySelector('input[name="version"]')?.getAttribute('value'), '2');
  const s = await w.stored();
  assert.equal(s.row.version, 2);
  assert.equal(s.row.outcome, 'admitted');
});

test('another team cannot open or change the presentation, and a contributor cannot change it', async () => {
  const w = await world();
  const stranger = new Client(w.app);
  await stranger.signIn(
    (await makeUser(w.db, { role: 'liaison-practitioner', teamIds: [await makeTeam(w.db)] })).username,
    PASSWORD,
  );
  assert.equal((await stranger.get(w.url)).status, 404);
  assert.equal((await stranger.get(`${w.url}/edit`)).status, 404);
  const contributor = new Client(w.app);
  await contributor.signIn(
    (await makeUser(w.db, { role: 'mdt-contributor', teamIds: [w.team], discipline: 'pharmacist' })).username,
    PASSWORD,
  );
  assert.equal((await contributor.get(w.url)).status, 200);
  assert.equal((await contributor.get(`${w.url}/edit`)).status, 403);
  assert.equal((await w.stored()).row.version, 1);
});
