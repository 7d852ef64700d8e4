import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makeRegisterPerson, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';

after(closeTestDatabase);

// Letters only, so names stay names: on PostgreSQL the test database outlives a run, and a name
// counted by a test must be this run's own.
const tag = () =>
  Array.from({ length: 6 }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)]).join('');

async function world() {
  const clock = fixedClock('2026-11-25T03:10:00Z');
  const t = await testApp({ clock });
  const team = await makeTeam(t.db);
  const nurse = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const colleague = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const manager = await makeUser(t.db, { role: 'team-manager', teamIds: [team] });
  const client = new Client(t.app);
  await client.signIn(nurse.username, PASSWORD);
  // A page with a form, so the client holds this session's form token.
  await client.get('/ed-referrals/new');
  const careOf = (nhsNumber: string) =>
    t.db
      .selectFrom('care_relationships as c')
      .innerJoin('patients as p', 'p.id', 'c.patient_id')
      .select(['c.id', 'c.patient_id', 'c.team_id', 'c.started_by', 'c.start_reason', 'c.found_by', 'p.identity'])
      .where('p.nhs_number', '=', nhsNumber)
      .execute();
  return { ...t, clock, team, nurse, colleague, manager, client, careOf };
}

const details = (p: { familyName: string; givenName: string }, over: Record<string, string> = {}) => ({
  by: 'demographics',
  familyName: p.familyName,
  givenName: p.givenName,
  'dateOfBirth[day]': '9',
  'dateOfBirth[month]': '3',
  'dateOfBirth[year]': '1994',
  sex: 'male',
  postcode: '',
  ...over,
});

test('a person traced by NHS number is taken into care by a recorded decision, then the presentation is asked for', async () => {
  const w = await world();
  const person = await makeRegisterPerson(w.db);
  assert.equal((await w.client.get('/ed-referrals/new')).status, 200);
  const found = await w.client.post('/ed-referrals/trace', { by: 'nhs-number', nhsNumber: person.nhsNumber });
  assert.equal(found.status, 200);
  assert.match(found.html.querySelector('#results')!.text, /1 person found/);
  assert.match(found.html.querySelector('main')!.text, /Exact match/);
  const confirm = await w.client.post('/ed-referrals/confirm', { nhsNumber: person.nhsNumber });
  assert.equal(confirm.status, 200);
  assert.match(confirm.html.querySelector('h1')!.text, new RegExp(person.familyName.toUpperCase()));
  const started = await w.client.post('/ed-referrals/start', {
    nhsNumber: person.nhsNumber,
    teamId: w.team,
    reason: 'ed-referral',
    reasonText: '',
  });
  assert.equal(started.status, 303);
  const [care] = await w.careOf(person.nhsNumber);
  assert.ok(care);
  assert.equal(started.headers.location, `/patients/${care.patient_id}/presentations/new?notice=care-started`);
  assert.deepEqual(
    [care.team_id, care.started_by, care.start_reason, care.found_by, care.identity],
    [w.team, w.nurse.id, 'ed-referral', 'trace', 'traced'],
  );
  const events = await w.db
    .selectFrom('record_events')
    .select(['type', 'from_state', 'to_state', 'subject_id'])
    .where('patient_id', '=', care.patient_id)
    .execute();
  assert.deepEqual(events, [
    { type: 'care.started', from_state: 'not-in-care', to_state: 'in-care', subject_id: care.id },
  ]);
  const audit = await w.db
    .selectFrom('audit_log')
    .select(['action', 'outcome', 'detail'])
    .where('patient_id', '=', care.patient_id)
    .where('action', '=', 'ed-referral.start-care')
    .execute();
  assert.equal(audit.length, 1);
  assert.equal(JSON.parse(audit[0]!.detail).reason, 'ed-referral');
  // Straight after: the presentation form, saying the person is now in the team's care.
  const next = await w.client.get(started.headers.location as string);
  assert.equal(next.status, 200);
  assert.match(next.html.querySelector('main')!.text, /is now in your team’s care/);
  // The record opens, and the care starts list shows the decision to the team manager.
  assert.equal((await w.client.get(`/patients/${care.patient_id}`)).status, 200);
  const manager = new Client(w.app);
  await manager.signIn(w.manager.username, PASSWORD);
  const review = await manager.get('/care-starts');
  assert.equal(review.status, 200);
  const row = review.html.querySelectorAll('tbody tr').find((r) => r.text.includes(person.familyName.toUpperCase()));
  assert.ok(row, 'the care start is listed');
  assert.match(row.text, /Referred by the emergency department/);
  assert.match(row.text, /Test liaison-practitioner/);
  // Practitioners take people on; reviewing who was taken on is the manager's.
  assert.equal((await w.client.get('/care-starts')).status, 403);
});

test('a trace by details finds names that sound alike, says how sure it is, and tells who is already in care', async () => {
  const w = await world();
  const t = tag();
  const smith = await makeRegisterPerson(w.db, {
    familyName: `Smith${t}`,
    givenName: 'Catherine',
    dateOfBirth: '1961-07-30',
    sex: 'female',
    postcode: 'M8 1AA',
  });
  const inCare = await makeRegisterPerson(w.db, {
    familyName: `Smyth${t}`,
    givenName: 'Kathryn',
    dateOfBirth: '1961-07-30',
    sex: 'female',
  });
  await makePatient(w.db, {
    teamId: w.team,
    nhsNumber: inCare.nhsNumber,
    familyName: `Smyth${t}`,
    givenName: 'Kathryn',
    dateOfBirth: '1961-07-30',
  });
  const page = await w.client.post(
    '/ed-referrals/trace',
    details(
      { familyName: `Smith${t}`, givenName: 'Catherine' },
      {
        'dateOfBirth[day]': '30',
        'dateOfBirth[month]': '7',
        'dateOfBirth[year]': '1961',
        sex: 'female',
        postcode: 'm81aa',
      },
    ),
  );
  assert.equal(page.status, 200);
  const items = page.html.querySelectorAll('#results + ul > li').map((li) => li.text.replace(/\s+/g, ' '));
  const first = items.findIndex((x) => x.includes(`SMITH${t.toUpperCase()}, Catherine`));
  const second = items.findIndex((x) => x.includes(`SMYTH${t.toUpperCase()}, Kathryn`));
  assert.ok(first >= 0 && second > first, `best first: ${items.join(' | ')}`);
  assert.match(items[first]!, /Exact match/);
  assert.doesNotMatch(items[second]!, /Exact match/);
  assert.match(items[second]!, /Already in your team’s care/);
  // The typed details are carried to "register as untraced", in the form, not the address.
  const carried = page.html.querySelector('form[action="/ed-referrals/untraced"] input[name="familyName"]');
  assert.equal(carried?.getAttribute('value'), `Smith${t}`);
  void smith;
  // The audit row says what was found, never what was typed.
  const audit = await w.db
    .selectFrom('audit_log')
    .select('detail')
    .where('user_id', '=', w.nurse.id)
    .where('action', '=', 'ed-referral.trace')
    .execute();
  assert.equal(audit.length, 1);
  assert.doesNotMatch(audit[0]!.detail, /Smith|Catherine|1961/);
});

test('a trace with a wrong NHS number, missing details or markup is refused with a message and writes nothing', async () => {
  const w = await world();
  const cases: [Record<string, string>, RegExp][] = [
    [{ by: 'nhs-number', nhsNumber: '9434765918' }, /wrong digit/],
    [{ by: 'nhs-number', nhsNumber: '12345' }, /10 digits/],
    [{ by: 'nhs-number', nhsNumber: '9'.repeat(5000) }, /10 digits/],
    [details({ familyName: '', givenName: '' }), /Enter the person’s last name/],
    [details({ familyName: '<script>alert(1)</script>', givenName: '' }), /only include letters/],
    [details({ familyName: 'O’Reilly', givenName: 'Seán' }, { 'dateOfBirth[month]': '13' }), /must be a real date/],
    [details({ familyName: 'Smith', givenName: '' }, { 'dateOfBirth[year]': '2099' }), /must be today or in the past/],
    [details({ familyName: 'Smith', givenName: '' }, { sex: 'robot' }), /Select the person’s sex/],
    [details({ familyName: 'Smith', givenName: '' }, { postcode: 'NOT A POSTCODE' }), /real postcode/],
    [{ by: 'telepathy' }, /Select how to trace/],
  ];
  for (const [form, message] of cases) {
    const page = await w.client.post('/ed-referrals/trace', form);
    assert.equal(page.status, 400, JSON.stringify(form).slice(0, 80));
    assert.match(errorSummary(page), message);
  }
  // A forged "take into care" for a number nobody has, or no number at all.
  assert.equal((await w.client.post('/ed-referrals/confirm', { nhsNumber: '12' })).status, 400);
  const nobody = await w.client.post('/ed-referrals/start', {
    nhsNumber: '9990000018',
    teamId: w.team,
    reason: 'ed-referral',
  });
  assert.equal(nobody.status, 404);
});

test('taking someone on needs a reason from the list, words for another reason, and one of your own teams', async () => {
  const w = await world();
  const person = await makeRegisterPerson(w.db);
  const otherTeam = await makeTeam(w.db);
  const cases: [Record<string, string>, RegExp][] = [
    [{ teamId: w.team, reason: '' }, /Select why your team is taking this person on/],
    [{ teamId: w.team, reason: 'curiosity' }, /Select why your team is taking this person on/],
    [{ teamId: w.team, reason: 'other', reasonText: '   ' }, /Say why your team is taking this person on/],
    [{ teamId: w.team, reason: 'other', reasonText: 'x'.repeat(2001) }, /2,000 characters or fewer/],
    [{ teamId: otherTeam, reason: 'ed-referral' }, /Select one of your teams/],
  ];
  for (const [form, message] of cases) {
    const page = await w.client.post('/ed-referrals/start', { nhsNumber: person.nhsNumber, ...form });
    assert.equal(page.status, 400, JSON.stringify(form).slice(0, 80));
    assert.match(errorSummary(page), message);
  }
  assert.deepEqual(await w.careOf(person.nhsNumber), []);
  const made = await w.db.selectFrom('patients').select('id').where('nhs_number', '=', person.nhsNumber).execute();
  assert.deepEqual(made, [], 'no record is made for a refused decision');
});

test('two practitioners taking the same person on at once make one record and one care relationship; the second is told', async () => {
  const w = await world();
  const person = await makeRegisterPerson(w.db);
  const other = new Client(w.app);
  await other.signIn(w.colleague.username, PASSWORD);
  await w.client.get('/ed-referrals/new');
  await other.get('/ed-referrals/new');
  const form = { nhsNumber: person.nhsNumber, teamId: w.team, reason: 'ed-referral' };
  const [a, b] = await Promise.all([
    w.client.post('/ed-referrals/start', form),
    other.post('/ed-referrals/start', form),
  ]);
  assert.deepEqual([a.status, b.status], [303, 303]);
  const care = await w.careOf(person.nhsNumber);
  assert.equal(care.length, 1);
  const locations = [a.headers.location, b.headers.location].sort();
  assert.deepEqual(
    locations,
    [
      `/patients/${care[0]!.patient_id}/presentations/new?notice=care-started`,
      `/patients/${care[0]!.patient_id}?notice=already-in-care`,
    ].sort(),
  );
  const told = await (a.headers.location === locations[1] ? w.client : other).get(
    `/patients/${care[0]!.patient_id}?notice=already-in-care`,
  );
  assert.match(told.html.querySelector('main')!.text, /already in your team’s care/);
});

test('an untraced person is registered as unverified after a duplicate check whose candidates the practitioner chooses from', async () => {
  const w = await world();
  // A record Onward already has, born the same day with a name that sounds alike.
  const t = tag();
  const known = await makePatient(w.db, {
    nhsNumber: null,
    familyName: `Mcdonald${t}`,
    givenName: 'Shaun',
    dateOfBirth: '1988-12-01',
    sex: 'male',
    postcode: 'LS1 4AP',
  });
  const form = {
    step: 'check',
    familyName: `MacDonald${t}`,
    givenName: 'Sean',
    'dateOfBirth[day]': '1',
    'dateOfBirth[month]': '12',
    'dateOfBirth[year]': '1988',
    sex: 'male',
    postcode: '',
    teamId: w.team,
    reason: 'ed-referral',
    reasonText: '',
  };
  const checked = await w.client.post('/ed-referrals/untraced', form);
  assert.equal(checked.status, 200);
  const choices = checked.html.querySelectorAll('input[name="choice"]').map((i) => i.getAttribute('value'));
  assert.ok(choices.includes(`local:${known.id}`), `candidates: ${choices.join(', ')}`);
  assert.ok(choices.includes('new'));
  assert.match(checked.html.querySelector('main')!.text, /Same date of birth, similar name/);
  assert.match(checked.html.querySelector('main')!.text, new RegExp(`${choices.length - 1} records? match`));
  // Shown the candidates, the practitioner must choose: going on without a choice is refused.
  const unchosen = await w.client.post('/ed-referrals/untraced', { ...form, step: 'choose' });
  assert.equal(unchosen.status, 400);
  assert.match(errorSummary(unchosen), /Choose one of the records below/);
  // The check showed people's details: it is audited, with how many and not what was typed.
  const checks = await w.db
    .selectFrom('audit_log')
    .select('detail')
    .where('user_id', '=', w.nurse.id)
    .where('action', '=', 'ed-referral.register-untraced')
    .where('outcome', '=', 'ok')
    .execute();
  assert.ok(checks.some((c) => JSON.parse(c.detail).duplicateCheck >= 1));
  assert.ok(checks.every((c) => !/MacDonald|Sean|1988/.test(c.detail)));
  const before = await w.db.selectFrom('patients').select('id').where('family_name', '=', `MacDonald${t}`).execute();
  assert.deepEqual(before, [], 'nothing is made until the practitioner chooses');
  // A choice the check did not offer (another record's id) is refused, and nothing is written.
  const stranger = await makePatient(w.db, { nhsNumber: null, dateOfBirth: '1950-01-01' });
  const forged = await w.client.post('/ed-referrals/untraced', { ...form, choice: `local:${stranger.id}` });
  assert.equal(forged.status, 400);
  assert.match(errorSummary(forged), /Choose one of the records below/);
  assert.equal(
    (await w.db.selectFrom('care_relationships').select('id').where('patient_id', '=', stranger.id).execute()).length,
    0,
  );
  // "None of these": a new, unverified record, taken into care.
  const made = await w.client.post('/ed-referrals/untraced', { ...form, choice: 'new' });
  assert.equal(made.status, 303);
  const created = await w.db
    .selectFrom('patients')
    .innerJoin('care_relationships as c', 'c.patient_id', 'patients.id')
    .select(['patients.id', 'patients.identity', 'patients.nhs_number', 'patients.registered_by', 'c.found_by'])
    .where('family_name', '=', `MacDonald${t}`)
    .execute();
  assert.deepEqual(
    created.map((c) => [c.identity, c.nhs_number, c.registered_by, c.found_by]),
    [['unverified', null, w.nurse.id, 'registered-untraced']],
  );
  const summary = await w.client.get(`/patients/${created[0]!.id}`);
  assert.match(summary.html.querySelector('.onward-banner')!.text, /Unverified identity/);
  const audit = await w.db
    .selectFrom('audit_log')
    .select('detail')
    .where('patient_id', '=', created[0]!.id)
    .where('action', '=', 'ed-referral.register-untraced')
    .executeTakeFirstOrThrow();
  assert.deepEqual(JSON.parse(audit.detail).choice, 'new');
  assert.ok(JSON.parse(audit.detail).candidates >= 1);
});

test('choosing an existing record from the duplicate check takes that record into care instead of making a new one', async () => {
  const w = await world();
  const otherTeam = await makeTeam(w.db);
  const okafor = `Okafor${tag()}`;
  const known = await makePatient(w.db, {
    teamId: otherTeam,
    familyName: okafor,
    givenName: 'Chidi',
    dateOfBirth: '1979-04-22',
    sex: 'male',
    postcode: 'M8 9ZZ',
  });
  const form = {
    step: 'check',
    familyName: okafor,
    givenName: 'Chidi',
    'dateOfBirth[day]': '22',
    'dateOfBirth[month]': '4',
    'dateOfBirth[year]': '1979',
    sex: 'male',
    postcode: 'M8 9ZZ',
    teamId: w.team,
    reason: 'ward-referral',
    choice: `local:${known.id}`,
  };
  const done = await w.client.post('/ed-referrals/untraced', form);
  assert.equal(done.status, 303);
  assert.equal(done.headers.location, `/patients/${known.id}/presentations/new?notice=care-started`);
  const care = await w.db
    .selectFrom('care_relationships')
    .select(['team_id', 'found_by'])
    .where('patient_id', '=', known.id)
    .orderBy('team_id')
    .execute();
  assert.deepEqual(care.map((c) => c.found_by).sort(), ['existing-record', null].sort());
  assert.equal((await w.db.selectFrom('patients').select('id').where('family_name', '=', okafor).execute()).length, 1);
});

test('markup and oversize text in an untraced registration are refused with a message, nothing made', async () => {
  const w = await world();
  const lee = `Lee${tag()}`;
  const base = {
    step: 'check',
    familyName: lee,
    givenName: 'Sam',
    'dateOfBirth[day]': '2',
    'dateOfBirth[month]': '2',
    'dateOfBirth[year]': '2002',
    sex: 'other',
    teamId: w.team,
    reason: 'ed-referral',
  };
  for (const [over, message] of [
    [{ givenName: '' }, /Enter the person’s first name/],
    [{ familyName: '<b>Lee</b>' }, /only include letters/],
    [{ familyName: 'L'.repeat(101) }, /100 characters or fewer/],
    [{ reason: 'other', reasonText: '' }, /Say why your team is taking this person on/],
  ] as const) {
    const page = await w.client.post('/ed-referrals/untraced', { ...base, ...over });
    assert.equal(page.status, 400);
    assert.match(errorSummary(page), message);
  }
  assert.equal((await w.db.selectFrom('patients').select('id').where('family_name', '=', lee).execute()).length, 0);
});
