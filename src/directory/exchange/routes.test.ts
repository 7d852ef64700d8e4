import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../../test/support/app.ts';
import { Client } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { makeTeam, makeUser, PASSWORD } from '../../../test/support/factories.ts';
import { demoServices } from '../../demo/directory.ts';
import { serviceToFhir } from '../../fhir/healthcare-service.ts';
import { openReferralList, partId, serviceToOpenReferral } from '../open-referral.ts';

// The import page: a file posted as a browser posts one (multipart/form-data), FHIR or Open Referral
// UK, all or nothing with every problem named; only administrators; no file elsewhere.

after(closeTestDatabase);

async function world() {
  const t = await testApp();
  const admin = await makeUser(t.db, { role: 'administrator', teamIds: [await makeTeam(t.db, 'administration')] });
  const client = new Client(t.app);
  await client.signIn(admin.username, PASSWORD);
  await client.get('/directory/import');
  return { ...t, client };
}

/** A multipart body with the CSRF token and one file, as a browser's form sends it. */
function upload(w: Awaited<ReturnType<typeof world>>, url: string, file: string | null, name = 'directory.json') {
  const boundary = '----onward-test-boundary';
  const parts = [
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${w.client.csrfToken}\r\n`,
    ...(file === null
      ? []
      : [
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/json\r\n\r\n${file}\r\n`,
        ]),
    `--${boundary}--\r\n`,
  ];
  return w.app.inject({
    method: 'POST',
    url,
    headers: {
      cookie: [...w.client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload: parts.join(''),
  });
}

const mark = () => Math.random().toString(36).slice(2, 8);

test('an administrator imports an Open Referral UK file and a FHIR Bundle through the page', async () => {
  const w = await world();
  const m = mark();
  const oruk = openReferralList(
    demoServices
      .slice(0, 2)
      .map((s, i) => serviceToOpenReferral({ ...s, name: `${s.name} ${m}`, id: partId(m, String(i)) }, null)),
  );
  const done = await upload(w, '/directory/import', JSON.stringify(oruk));
  assert.equal(done.statusCode, 303, done.body.slice(0, 500));
  assert.equal(done.headers.location, '/directory/import?imported=2');
  const page = await w.client.get('/directory/import?imported=2');
  assert.match(page.html.text, /2 services were added to the directory/);
  const fhir = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [{ resource: serviceToFhir({ ...demoServices[3]!, name: `FHIR ${m}` }, 'x') }],
  };
  assert.equal(
    (await upload(w, '/directory/import', JSON.stringify(fhir))).headers.location,
    '/directory/import?imported=1',
  );
  const names = await w.db.selectFrom('healthcare_services').select('name').where('name', 'like', `%${m}`).execute();
  assert.equal(names.length, 3);
});

test('a bad file imports nothing: not JSON, no file, an unknown shape, a service with problems — each named', async () => {
  const w = await world();
  const m = mark();
  const count = async () =>
    (await w.db.selectFrom('healthcare_services').select('id').where('name', 'like', `%${m}%`).execute()).length;
  const good = serviceToOpenReferral({ ...demoServices[0]!, name: `Good ${m}`, id: partId(m, 'g') }, null);
  const bad = {
    ...serviceToOpenReferral(
      { ...demoServices[1]!, name: `Bad <script>alert(1)</script> ${m}`, id: partId(m, 'b') },
      null,
    ),
    minimum_age: 'old',
    colour: 'red',
  };
  const cases: [string | null, RegExp][] = [
    [null, /Choose a file to import/],
    ['', /Choose a file to import/],
    ['{ not json', /The file is not JSON/],
    ['"a string"', /not an Open Referral UK service list/],
    [
      JSON.stringify({ resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient' } }] }),
      /Entry 1: is not a HealthcareService/,
    ],
    [JSON.stringify([good, bad]), /Nothing was imported: 2 problems in the file/],
  ];
  for (const [file, message] of cases) {
    const refused = await upload(w, '/directory/import', file);
    assert.equal(refused.statusCode, 400, String(file).slice(0, 60));
    assert.match(refused.body.replace(/\s+/g, ' '), message, String(file).slice(0, 60));
  }
  const last = await upload(w, '/directory/import', JSON.stringify([good, bad]));
  assert.match(last.body, /Service 2 \(Bad &lt;script&gt;/);
  assert.match(last.body, /minimum_age/);
  assert.match(last.body, /a field the profile does not: colour/);
  assert.doesNotMatch(last.body, /<script>alert/);
  assert.equal(await count(), 0, 'nothing half-imported');
});

test('only administrators import; no other form takes a file', async () => {
  const w = await world();
  const nurse = await makeUser(w.db, { role: 'liaison-practitioner', teamIds: [await makeTeam(w.db)] });
  const other = new Client(w.app);
  await other.signIn(nurse.username, PASSWORD);
  assert.equal((await other.get('/directory/import')).status, 403);
  // A file sent to a form that takes none is refused, not read.
  const sneaky = await upload(w, '/directory', '{}');
  assert.ok(sneaky.statusCode >= 400 && sneaky.statusCode < 500, String(sneaky.statusCode));
});

test('a file over 50 MB is refused with a clear message, and nothing is imported', async () => {
  const w = await world();
  const m = mark();
  const service = serviceToOpenReferral({ ...demoServices[0]!, name: `Huge ${m}`, id: partId(m, 'h') }, null);
  // A valid service padded past the limit: the size alone refuses it.
  const huge = JSON.stringify({ ...openReferralList([service]), padding: 'x'.repeat(50 * 1024 * 1024) });
  const refused = await upload(w, '/directory/import', huge);
  assert.equal(refused.statusCode, 413);
  assert.match(refused.body, /too large|at most/i);
  assert.doesNotMatch(refused.body, /at .*node_modules/);
  assert.equal(
    (await w.db.selectFrom('healthcare_services').select('id').where('name', '=', `Huge ${m}`).execute()).length,
    0,
  );
});
