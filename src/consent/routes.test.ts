import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makeService, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';

// Consent to share through the pages: recorded per service with what, how and when; refused when
// it names nothing or not the letter; one in force per service; withdrawn with a reason, never deleted.

after(closeTestDatabase);

async function world() {
  const t = await testApp();
  const team = await makeTeam(t.db);
  const nurse = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(t.db, { teamId: team });
  const service = {
    id: await makeService(t.db, { by: nurse.id, name: `Debt advice ${Math.random().toString(36).slice(2, 7)}` }),
  };
  const client = new Client(t.app);
  await client.signIn(nurse.username, PASSWORD);
  const p = `/patients/${patient.id}`;
  await client.get(`${p}/consents/new?service=${service.id}`);
  return { ...t, nurse, patient, service: service.id, client, p };
}

const consent = (serviceId: string, over: Record<string, string | string[]> = {}) => {
  const fields = new URLSearchParams();
  const all = {
    serviceId,
    shares: ['letter', 'assessment'],
    way: 'in-person',
    'givenOn[day]': '25',
    'givenOn[month]': '11',
    'givenOn[year]': '2026',
    ...over,
  };
  for (const [k, v] of Object.entries(all)) for (const one of Array.isArray(v) ? v : [v]) fields.append(k, one);
  return fields;
};

async function post(w: Awaited<ReturnType<typeof world>>, url: string, fields: URLSearchParams) {
  fields.set('_csrf', w.client.csrfToken);
  const response = await w.app.inject({
    method: 'POST',
    url,
    headers: {
      cookie: [...w.client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: fields.toString(),
  });
  return response;
}

test('consent is recorded for a service with what, how and when; bad answers are refused and nothing is written', async () => {
  const w = await world();
  const cases: [Record<string, string | string[]>, RegExp][] = [
    [{ shares: [] }, /Select what the person agreed to share/],
    [{ shares: ['assessment'] }, /the letter being shared/],
    [{ shares: ['letter', 'diary'] }, /Choose what may be shared from the list/],
    [{ way: 'telepathy' }, /Select how the person gave consent/],
    [{ 'givenOn[year]': '2027' }, /must be today or in the past/],
  ];
  for (const [over, message] of cases) {
    const refused = await post(w, `${w.p}/consents`, consent(w.service, over));
    assert.equal(refused.statusCode, 400, JSON.stringify(over));
    assert.match(refused.body.replace(/\s+/g, ' '), message, JSON.stringify(over));
  }
  const unknown = await post(w, `${w.p}/consents`, consent(crypto.randomUUID()));
  assert.equal(unknown.statusCode, 404);
  assert.equal(
    (await w.db.selectFrom('consents').selectAll().where('patient_id', '=', w.patient.id).execute()).length,
    0,
  );
  const made = await post(w, `${w.p}/consents`, consent(w.service));
  assert.equal(made.statusCode, 303);
  const again = await post(w, `${w.p}/consents`, consent(w.service));
  assert.equal(again.statusCode, 409, 'one consent in force per service');
  const page = await w.client.get(`${w.p}/consents`);
  assert.match(
    page.html.querySelector('.nhsuk-list--border li')!.text,
    /In force[\s\S]*May share: The referral letter, The psychosocial assessment/,
  );
  const events = await w.db
    .selectFrom('record_events')
    .select('type')
    .where('patient_id', '=', w.patient.id)
    .where('subject_type', '=', 'consent')
    .execute();
  assert.deepEqual(
    events.map((e) => e.type),
    ['consent.given'],
  );
});

test('consent is withdrawn with a reason, once, and stays on the record', async () => {
  const w = await world();
  await post(w, `${w.p}/consents`, consent(w.service));
  const row = await w.db
    .selectFrom('consents')
    .selectAll()
    .where('patient_id', '=', w.patient.id)
    .executeTakeFirstOrThrow();
  await w.client.get(`${w.p}/consents`);
  const bare = await w.client.post(`${w.p}/consents/${row.id}/withdraw`, { reason: '' });
  assert.equal(bare.status, 400);
  assert.match(errorSummary(bare), /Say why consent is withdrawn/);
  const ok = await w.client.post(`${w.p}/consents/${row.id}/withdraw`, { reason: 'Changed her mind <i>today</i>' });
  assert.equal(ok.status, 303);
  const page = await w.client.get(`${w.p}/consents`);
  assert.match(page.body, /Withdrawn by[\s\S]*Changed her mind &lt;i&gt;today&lt;\/i&gt;/);
  const twice = await w.client.post(`${w.p}/consents/${row.id}/withdraw`, { reason: 'Again' });
  assert.equal(twice.status, 409);
  // Once withdrawn, consent can be given again.
  await w.client.get(`${w.p}/consents/new?service=${w.service}`);
  assert.equal((await post(w, `${w.p}/consents`, consent(w.service))).statusCode, 303);
});

test('another team’s patient: no consent pages', async () => {
  const w = await world();
  const outsider = await makeUser(w.db, { role: 'liaison-practitioner', teamIds: [await makeTeam(w.db)] });
  const c = new Client(w.app);
  await c.signIn(outsider.username, PASSWORD);
  assert.equal((await c.get(`${w.p}/consents`)).status, 404);
  assert.equal((await c.get(`${w.p}/consents/new?service=${w.service}`)).status, 404);
});
