import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testApp } from '../../../test/support/app.ts';
import { Client } from '../../../test/support/client.ts';
import { closeTestDatabase, testDatabase } from '../../../test/support/database.ts';
import { makeRegisterPerson, makeTeam, makeUser, PASSWORD } from '../../../test/support/factories.ts';
import { pdsClient } from './pds.ts';
import { populationRegister } from './register.ts';
import { trace } from './service.ts';
import { pdsStandIn } from './standin.ts';

// The PDS client over real HTTP, against the local stand-in of PDS's API serving the population
// register: the same answers as the register itself, and "unavailable" when PDS cannot be used.

const TOKEN = 'a-test-bearer-token';
let standIn: FastifyInstance;
let url = '';

before(async () => {
  const { db } = await testDatabase();
  standIn = pdsStandIn(populationRegister(db), { token: TOKEN });
  url = await standIn.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await standIn.close();
  await closeTestDatabase();
});

test('through PDS, a trace finds what the register holds: by NHS number, and by details with a score', async () => {
  const { db } = await testDatabase();
  const person = await makeRegisterPerson(db, {
    familyName: 'Pdsperson',
    givenName: 'Ada',
    dateOfBirth: '1977-01-15',
    sex: 'female',
  });
  const pds = pdsClient({ url, token: TOKEN });
  const direct = populationRegister(db);
  const byNumber = await trace(pds, { by: 'nhs-number', nhsNumber: person.nhsNumber });
  assert.deepEqual(byNumber, {
    ...(await trace(direct, { by: 'nhs-number', nhsNumber: person.nhsNumber })),
    source: pds.name,
  });
  assert.ok(byNumber.ok && byNumber.matches[0]?.person.familyName === 'Pdsperson');
  const query = {
    by: 'demographics',
    familyName: 'Pdspersen',
    givenName: 'Ada',
    dateOfBirth: '1977-01-15',
    sex: 'female',
    postcode: null,
  } as const;
  const byDetails = await trace(pds, query);
  assert.ok(byDetails.ok);
  const found = byDetails.matches.find((m) => m.person.nhsNumber === person.nhsNumber);
  assert.ok(
    found && found.score < 1 && found.score >= 0.5,
    'a name that sounds alike is a close match, not an exact one',
  );
  // Nobody with a number PDS does not know.
  assert.deepEqual(await trace(pds, { by: 'nhs-number', nhsNumber: '9434765919' }), {
    ok: true,
    matches: [],
    source: pds.name,
  });
});

test('PDS refusing the credentials, not answering in time, or not being there is "unavailable", never an empty answer', async () => {
  const wrongToken = pdsClient({ url, token: 'not-the-token' });
  assert.deepEqual(await trace(wrongToken, { by: 'nhs-number', nhsNumber: '9434765919' }), {
    ok: false,
    problem: 'unavailable',
    source: wrongToken.name,
  });
  const gone = pdsClient({ url: 'http://127.0.0.1:9', token: TOKEN, timeoutMs: 2000 });
  assert.equal((await trace(gone, { by: 'nhs-number', nhsNumber: '9434765919' })).ok, false);
});

test('with PDS_URL set, the front door traces through PDS and says so; when PDS is down the page says what to do', async () => {
  const t = await testApp({ config: { pds: { url, token: TOKEN } } });
  const team = await makeTeam(t.db);
  const nurse = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const person = await makeRegisterPerson(t.db);
  const client = new Client(t.app);
  await client.signIn(nurse.username, PASSWORD);
  const form = await client.get('/ed-referrals/new');
  assert.match(form.html.querySelector('main')!.text, /Personal Demographics Service \(127\.0\.0\.1:/);
  const found = await client.post('/ed-referrals/trace', { by: 'nhs-number', nhsNumber: person.nhsNumber });
  assert.equal(found.status, 200);
  assert.match(found.html.querySelector('#results')!.text, /1 person found/);
  await t.app.close();
  const down = await testApp({ config: { pds: { url: 'http://127.0.0.1:9', token: TOKEN } } });
  const other = new Client(down.app);
  await other.signIn(nurse.username, PASSWORD);
  await other.get('/ed-referrals/new');
  const page = await other.post('/ed-referrals/trace', { by: 'nhs-number', nhsNumber: person.nhsNumber });
  assert.equal(page.status, 503);
  assert.match(page.html.querySelector('main')!.text, /register them as untraced/);
  await down.app.close();
});
