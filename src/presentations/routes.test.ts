import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';

after(closeTestDatabase);

async function world() {
  const t = await testApp({ clock: fixedClock('2026-07-10T12:00:00Z') });
  const team = await makeTeam(t.db);
  const practitioner = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(t.db, { teamId: team });
  const client = new Client(t.app);
  await client.signIn(practitioner.username, PASSWORD);
  await client.get(`/patients/${patient.id}/presentations/new`);
  return { ...t, team, practitioner, patient, client };
}

const good = (team: string) => ({
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
});

async function counts(db: Awaited<ReturnType<typeof world>>['db'], patientId: string) {
  const presentations = await db.selectFrom('presentations').select('id').where('patient_id', '=', patientId).execute();
  const events = await db.selectFrom('record_events').select('type').where('patient_id', '=', patientId).execute();
  return { presentations: presentations.length, events: events.length };
}

test('a practitioner records a presentation: the row, its event and its audit entry land, and the timeline shows it', async () => {
  const w = await world();
  const saved = await w.client.post(`/patients/${w.patient.id}/presentations`, good(w.team));
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.location, `/patients/${w.patient.id}#timeline`);
  const row = await w.db
    .selectFrom('presentations')
    .selectAll()
    .where('patient_id', '=', w.patient.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.arrived_at.toISOString(), '2026-07-10T01:15:00.000Z');
  assert.deepEqual(row.methods, ['X60']);
  assert.equal(row.recorded_by, w.practitioner.id);
  assert.deepEqual(await counts(w.db, w.patient.id), { presentations: 1, events: 1 });
  const audit = await w.db
    .selectFrom('audit_log')
    .selectAll()
    .where('patient_id', '=', w.patient.id)
    .where('action', '=', 'presentation.record')
    .execute();
  assert.deepEqual(
    audit.map((a) => a.outcome),
    ['ok'],
  );
  const summary = await w.client.get(`/patients/${w.patient.id}`);
  const timeline = summary.html.querySelector('.onward-timeline')!.text.replace(/\s+/g, ' ');
  assert.match(timeline, /10 July 2026 at 02:15/);
  assert.match(timeline, /non-opioid painkillers \(X60\)/);
  assert.match(timeline, /Discharged home, 10 July 2026 at 09:40/);
});

test('several methods at once; the newest presentation comes first', async () => {
  const w = await world();
  const payload = new URLSearchParams({ ...good(w.team), arrivedTime: '01:00', _csrf: w.client.csrfToken });
  payload.append('methods', 'X78');
  const r = await w.app.inject({
    method: 'POST',
    url: `/patients/${w.patient.id}/presentations`,
    headers: {
      cookie: [...w.client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: payload.toString(),
  });
  assert.equal(r.statusCode, 303);
  await w.client.get(`/patients/${w.patient.id}/presentations/new`);
  assert.equal(
    (
      await w.client.post(`/patients/${w.patient.id}/presentations`, {
        ...good(w.team),
        arrivedTime: '05:00',
        leftTime: '',
        'leftDate[day]': '',
        'leftDate[month]': '',
        'leftDate[year]': '',
        outcome: '',
      })
    ).status,
    303,
  );
  const summary = await w.client.get(`/patients/${w.patient.id}`);
  const items = summary.html.querySelectorAll('.onward-timeline li').map((li) => li.text.replace(/\s+/g, ' '));
  assert.equal(items.length, 2);
  assert.match(items[0]!, /at 05:00.*Still in the emergency department/);
  assert.match(items[1]!, /\(X60\); Cutting or stabbing with a sharp object \(X78\)/);
});

test('bad input: each gets a clear message, status 400, nothing written, and a refused audit row', async () => {
  const w = await world();
  const cases: [Record<string, string>, RegExp][] = [
    [{ leftTime: '01:00' }, /Time of leaving must be after arrival/],
    [{ 'arrivedDate[day]': '11' }, /Date of arrival must be today or in the past/],
    [{ arrivedTime: '13:30' }, /Arrival must be now or in the past/],
    [{ methods: 'X99' }, /Select methods from the list/],
    [{ methods: '<script>alert(1)</script>' }, /Select methods from the list/],
    [{ outcome: '' }, /Select how the attendance ended/],
    [{ teamId: '00000000-0000-4000-8000-000000000000' }, /Select the hospital/],
    [{ 'arrivedDate[month]': '13' }, /must be a real date/],
    [{ arrivedTime: 'teatime' }, /real time in 24-hour format/],
  ];
  for (const [change, message] of cases) {
    const page = await w.client.post(`/patients/${w.patient.id}/presentations`, { ...good(w.team), ...change });
    assert.equal(page.status, 400, JSON.stringify(change));
    assert.match(errorSummary(page), message, JSON.stringify(change));
    assert.ok(!page.body.includes('<script>alert(1)</script>'));
  }
  assert.deepEqual(await counts(w.db, w.patient.id), { presentations: 0, events: 0 });
  const refused = await w.db
    .selectFrom('audit_log')
    .select('detail')
    .where('patient_id', '=', w.patient.id)
    .where('outcome', '=', 'refused')
    .execute();
  assert.equal(refused.length, cases.length);
  // The answers are kept on the page so nothing typed is lost.
  const kept = await w.client.post(`/patients/${w.patient.id}/presentations`, {
    ...good(w.team),
    leftTime: '01:00',
    methods: 'X78',
  });
  assert.equal(kept.html.querySelector('#leftTime')?.getAttribute('value'), '01:00');
  assert.equal(kept.html.querySelector('#methods-X78')?.hasAttribute('checked'), true);
});

test('another team’s patient cannot be given a presentation, and an MDT contributor cannot record one', async () => {
  const w = await world();
  const theirs = await makePatient(w.db, { teamId: await makeTeam(w.db) });
  assert.equal((await w.client.post(`/patients/${theirs.id}/presentations`, good(w.team))).status, 404);
  assert.deepEqual(await counts(w.db, theirs.id), { presentations: 0, events: 0 });
  const contributor = new Client(w.app);
  await contributor.signIn((await makeUser(w.db, { role: 'mdt-contributor', teamIds: [w.team] })).username, PASSWORD);
  assert.equal((await contributor.get(`/patients/${w.patient.id}/presentations/new`)).status, 403);
  await contributor.get('/');
  assert.equal((await contributor.post(`/patients/${w.patient.id}/presentations`, good(w.team))).status, 403);
  assert.deepEqual(await counts(w.db, w.patient.id), { presentations: 0, events: 0 });
});
