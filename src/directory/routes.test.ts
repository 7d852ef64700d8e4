import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makeService, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';
import { assessedFollowUp } from '../../test/support/follow-ups.ts';

// The directory through its pages: an administrator adds and changes services, each change kept
// with who and why; a NICE conflict shows on the service and in the list; practitioners read only.

after(closeTestDatabase);

const form = (over: Record<string, string> = {}) => ({
  name: `Talking Therapies North ${Math.random().toString(36).slice(2, 8)}`,
  providerOds: 'rw4',
  kind: 'talking-therapies',
  status: 'active',
  districts: 'm8, M9',
  practices: '',
  ageMin: '16',
  ageMax: '',
  referralMustContain: 'Reason for referral\nCurrent medication',
  route: 'secure-email',
  phone: '',
  secureEmail: 'Talking.North@nhs.net',
  address: '',
  openingTimes: 'Monday to Friday, 9am to 5pm',
  waitWeeks: '6',
  responseDays: '5',
  'use-anxiety-depression': 'eligibility',
  'words-anxiety-depression': 'Common mental health problems',
  ...over,
});

async function world() {
  const t = await testApp();
  const admin = await makeUser(t.db, { role: 'administrator', teamIds: [await makeTeam(t.db, 'administration')] });
  const nurse = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [await makeTeam(t.db)] });
  const client = new Client(t.app);
  await client.signIn(admin.username, PASSWORD);
  await client.get('/directory/new');
  return { ...t, admin, nurse, client };
}

test('an administrator adds a service; excluding active self-harm is shown as a NICE conflict on its page and in the list', async () => {
  const w = await world();
  const made = await w.client.post(
    '/directory',
    form({ 'use-self-harm-current': 'exclusion', 'words-self-harm-current': '<b>Active self-harm</b>' }),
  );
  assert.equal(made.status, 303, errorSummary(made));
  const url = made.headers.location as string;
  const page = await w.client.get(url);
  assert.equal(page.status, 200);
  assert.match(page.html.querySelector('#nice-conflicts')!.text, /Excludes: self-harm now or recently[\s\S]*NG225/);
  assert.match(page.body, /&lt;b&gt;Active self-harm&lt;\/b&gt;/, 'the service’s words are shown as text');
  assert.match(page.body, /Postcodes M8, M9/);
  const row = await w.db
    .selectFrom('healthcare_services')
    .selectAll()
    .where('id', '=', url.split('/').pop()!)
    .executeTakeFirstOrThrow();
  assert.equal(row.provider_ods, 'RW4');
  assert.equal(row.secure_email, 'talking.north@nhs.net');
  const nurse = new Client(w.app);
  await nurse.signIn(w.nurse.username, PASSWORD);
  const list = await nurse.get('/directory');
  assert.equal(list.status, 200);
  const line = list.html.querySelectorAll('tbody tr').find((r) => r.text.includes(row.name))!;
  assert.match(line.text, /Excludes: self-harm now or recently/);
  assert.equal((await nurse.get(`${url}/edit`)).status, 403, 'a practitioner reads the directory but cannot change it');
});

test('changing a service keeps each version with who and why; two administrators at once: the second is told', async () => {
  const w = await world();
  const made = await w.client.post('/directory', form());
  const url = made.headers.location as string;
  await w.client.get(`${url}/edit`);
  const other = new Client(w.app);
  await other.signIn(w.admin.username, PASSWORD);
  await other.get(`${url}/edit`);
  const noReason = await w.client.post(url, { ...form(), version: '1', reason: '' });
  assert.equal(noReason.status, 400);
  assert.match(errorSummary(noReason), /Say why you are changing this service/);
  const first = await w.client.post(url, { ...form({ ageMax: '65' }), version: '1', reason: 'Their new leaflet' });
  assert.equal(first.status, 303, errorSummary(first));
  const second = await other.post(url, { ...form({ status: 'inactive' }), version: '1', reason: 'Closed' });
  assert.equal(second.status, 409);
  const page = await w.client.get(url);
  assert.match(page.html.querySelector('#nice-conflicts')!.text, /Takes no one over 65/);
  assert.deepEqual(
    page.html.querySelectorAll('#history + ol li').map((li) => li.text.replace(/, \d.*by [^:]+/, '')),
    ['Version 2: Their new leaflet', 'Version 1: Added to the directory'],
  );
  const versions = await w.db
    .selectFrom('healthcare_service_versions')
    .select('version')
    .where('service_id', '=', url.split('/').pop()!)
    .execute();
  assert.equal(versions.length, 2);
});

test('bad services are refused with a message each, and nothing is written', async () => {
  const w = await world();
  const before = await w.db
    .selectFrom('healthcare_services')
    .select(w.db.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const cases: [Record<string, string>, RegExp][] = [
    [{ name: '' }, /Enter the service’s name/],
    [{ ageMin: '65', ageMax: '18' }, /The oldest age must be the same as or more than the youngest/],
    [{ ageMin: 'sixteen' }, /The youngest age must be a whole number/],
    [{ districts: 'M8 1AA' }, /“1AA” is not a postcode district/],
    [{ districts: 'M8 M8' }, /Each postcode district is listed once/],
    [{ practices: 'NOPE' }, /is not a GP practice ODS code/],
    [{ providerOds: 'not an ods code' }, /ODS code/],
    [{ kind: 'astrology' }, /Select the kind of service/],
    [{ route: '' }, /Select how referrals are made/],
    [{ secureEmail: '' }, /Enter the secure email address referrals go to/],
    [{ secureEmail: 'not an email' }, /right format/],
    [{ 'use-drug-use': 'sometimes' }, /Drug use: choose not used, takes only, or excludes/],
    [{ 'words-drug-use': 'x'.repeat(501) }, /500 characters or fewer/],
    [{ waitWeeks: '-3' }, /The waiting time must be a whole number/],
  ];
  for (const [over, message] of cases) {
    const refused = await w.client.post('/directory', form(over));
    assert.equal(refused.status, 400, JSON.stringify(over));
    assert.match(errorSummary(refused), message, JSON.stringify(over));
  }
  const after = await w.db
    .selectFrom('healthcare_services')
    .select(w.db.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n));
});

test('needs-led matching: needs confirmed from the assessment, services that fit ranked with reasons, exclusions with why and their NICE conflicts', async () => {
  const w = await world();
  // The directory: a drug and alcohol service for the area, and a Talking Therapies service excluding self-harm.
  const fit = await w.client.post(
    '/directory',
    form({
      name: 'Drink and drugs Riverside',
      kind: 'drug-alcohol',
      districts: '',
      'use-anxiety-depression': '',
      'use-alcohol-use': 'eligibility',
    }),
  );
  assert.equal(fit.status, 303, errorSummary(fit));
  await w.client.get('/directory/new');
  const tt = await w.client.post(
    '/directory',
    form({ name: 'TT excluding self-harm', districts: '', 'use-self-harm-current': 'exclusion' }),
  );
  assert.equal(tt.status, 303);
  const team = (
    await w.db
      .selectFrom('team_memberships')
      .select('team_id')
      .where('user_id', '=', w.nurse.id)
      .executeTakeFirstOrThrow()
  ).team_id;
  const patient = await makePatient(w.db, { teamId: team });
  const nurse = new Client(w.app);
  await nurse.signIn(w.nurse.username, PASSWORD);
  const { assessment } = await assessedFollowUp(w.db, nurse, {
    patientId: patient.id,
    teamId: team,
    recordedBy: w.nurse.id,
    day: '2026-11-25',
    time: '02:30',
  });
  const services = `${assessment}/services`;
  const before = await nurse.get(services);
  assert.equal(before.status, 200);
  assert.match(before.body, /Confirm the person’s needs from the assessment first/);
  const needs = `${assessment}/needs`;
  await nurse.get(needs);
  const none = await nurse.post(needs, { version: '0', wants: '' });
  assert.equal(none.status, 400);
  assert.match(errorSummary(none), /Select at least one need/);
  const forged = await nurse.post(needs, { version: '0', needs: 'astrology' });
  assert.equal(forged.status, 400);
  const ok = await nurse.post(needs, { version: '0', needs: 'alcohol', wants: 'To stop drinking <b>before</b> work' });
  assert.equal(ok.status, 303, errorSummary(ok));
  const page = await nurse.get(services);
  const fits = page.html.querySelectorAll('#fits + ol > li').map((li) => li.text);
  assert.ok(fits.some((t) => /Drink and drugs Riverside[\s\S]*Meets a need: alcohol use/.test(t)));
  const excluded = page.html.querySelectorAll('#excluded ~ ul > li').map((li) => li.text);
  assert.ok(
    excluded.some((t) =>
      /TT excluding self-harm[\s\S]*Excludes: self-harm now or recently[\s\S]*NICE conflict/.test(t),
    ),
  );
  assert.match(page.body, /To stop drinking &lt;b&gt;before&lt;\/b&gt; work/);
  // Two practitioners at once: the second, on the version they opened, is told.
  const again = await nurse.post(needs, { version: '0', needs: 'money' });
  assert.equal(again.status, 409);
});

test('the directory list filters by kind, status and words in the name; a made-up filter is refused', async () => {
  const w = await world();
  const mark = `Q${Math.random().toString(36).slice(2, 7)}`;
  for (const [name, kind, status] of [
    [`${mark} Debt 100% advice`, 'voluntary-sector', 'active'],
    [`${mark} Crisis`, 'crisis-home-treatment', 'temporarily-closed'],
  ] as const) {
    await w.client.get('/directory/new');
    const made = await w.client.post(
      '/directory',
      form({ name, kind, status, districts: '', 'use-anxiety-depression': '', route: 'phone', phone: '0161 496 0000' }),
    );
    assert.equal(made.status, 303, errorSummary(made));
  }
  const names = async (query: string) =>
    (await w.client.get(`/directory?${query}`)).html
      .querySelectorAll('tbody tr td:first-child')
      .map((td) => td.text.trim());
  assert.deepEqual(await names(`name=${mark}`), [`${mark} Crisis`, `${mark} Debt 100% advice`]);
  assert.deepEqual(await names(`name=${mark}&kind=voluntary-sector`), [`${mark} Debt 100% advice`]);
  assert.deepEqual(await names(`name=${mark}&status=temporarily-closed`), [`${mark} Crisis`]);
  // LIKE's wildcards are words like any other.
  assert.deepEqual(await names(`name=${encodeURIComponent(`${mark} Debt 100%`)}`), [`${mark} Debt 100% advice`]);
  assert.deepEqual(await names(`name=${mark}_`), []);
  assert.equal((await w.client.get('/directory?kind=astrology')).status, 400);
});

test('a change’s reason is tidied and kept to 2,000 characters; a change without the version opened is refused', async () => {
  const w = await world();
  const made = await w.client.post('/directory', form());
  const url = made.headers.location as string;
  await w.client.get(`${url}/edit`);
  const long = await w.client.post(url, { ...form(), version: '1', reason: 'x'.repeat(2001) });
  assert.equal(long.status, 400);
  assert.match(errorSummary(long), /2,000 characters or fewer/);
  const noVersion = await w.client.post(url, { ...form(), reason: 'New leaflet' });
  assert.equal(noVersion.status, 400);
  assert.match(errorSummary(noVersion), /Open the service again/);
  const ok = await w.client.post(url, { ...form(), version: '1', reason: 'New leaflet   \r\n' });
  assert.equal(ok.status, 303);
  const kept = await w.db
    .selectFrom('healthcare_service_versions')
    .select('reason')
    .where('service_id', '=', url.split('/').pop()!)
    .where('version', '=', 2)
    .executeTakeFirstOrThrow();
  assert.equal(kept.reason, 'New leaflet');
});

test('a region’s directory: each list shows its first 25 and opens whole, none hidden; a made-up list is refused', async () => {
  const w = await world();
  const team = (
    await w.db
      .selectFrom('team_memberships')
      .select('team_id')
      .where('user_id', '=', w.nurse.id)
      .executeTakeFirstOrThrow()
  ).team_id;
  for (let i = 0; i < 30; i++) await makeService(w.db, { by: w.admin.id, name: `Open to all ${i}` });
  for (let i = 0; i < 30; i++)
    await makeService(w.db, {
      by: w.admin.id,
      name: `Not for self-harm ${i}`,
      criteria: [{ code: 'self-harm-current', kind: 'exclusion', text: 'Active self-harm' }],
    });
  const patient = await makePatient(w.db, { teamId: team });
  const nurse = new Client(w.app);
  await nurse.signIn(w.nurse.username, PASSWORD);
  const { assessment } = await assessedFollowUp(w.db, nurse, {
    patientId: patient.id,
    teamId: team,
    recordedBy: w.nurse.id,
    day: '2026-11-25',
    time: '02:30',
  });
  await nurse.get(`${assessment}/needs`);
  assert.equal((await nurse.post(`${assessment}/needs`, { version: '0', needs: 'mood', wants: '' })).status, 303);
  const cards = (page: Awaited<ReturnType<Client['get']>>, list: 'fits' | 'excluded') =>
    list === 'fits'
      ? page.html.querySelectorAll('#fits + p + ol > li, #fits + ol > li').length
      : page.html.querySelectorAll('#excluded ~ ul.nhsuk-list--border > li').length;
  const first = await nurse.get(`${assessment}/services`);
  assert.equal(cards(first, 'fits'), 25);
  assert.equal(cards(first, 'excluded'), 25);
  const fitsLink = first.html.querySelectorAll('a').find((a) => /^Show all \d+ services that fit$/.test(a.text));
  const excludedLink = first.html
    .querySelectorAll('a')
    .find((a) => /^Show all \d+ services that would exclude/.test(a.text));
  assert.ok(fitsLink && excludedLink);
  const fitCount = Number(/\d+/.exec(fitsLink.text)![0]);
  const excludedCount = Number(/\d+/.exec(excludedLink.text)![0]);
  assert.ok(fitCount >= 30 && excludedCount >= 30);
  assert.equal(cards(await nurse.get(fitsLink.getAttribute('href')!.replace(/#.*/, '')), 'fits'), fitCount);
  assert.equal(
    cards(await nurse.get(excludedLink.getAttribute('href')!.replace(/#.*/, '')), 'excluded'),
    excludedCount,
  );
  assert.equal((await nurse.get(`${assessment}/services?all=everything`)).status, 400);
});
