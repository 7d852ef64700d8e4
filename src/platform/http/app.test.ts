import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../../test/support/app.ts';
import { Client } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { makeTeam, makeUser, PASSWORD } from '../../../test/support/factories.ts';
import { definePage } from './pages.ts';

after(closeTestDatabase);

const failing = definePage({
  method: 'GET',
  url: '/test/failure',
  permission: 'signed-in',
  audit: 'test.failure',
  handler: async () => {
    throw new Error('connection to 10.1.2.3 refused at /srv/onward/src/secret.ts:42');
  },
});

test('health, readiness and metrics answer without signing in', async () => {
  const { app } = await testApp();
  assert.deepEqual((await app.inject('/healthz')).json(), { status: 'ok' });
  assert.deepEqual((await app.inject('/readyz')).json(), { status: 'ready' });
  await app.inject('/sign-in');
  const metrics = await app.inject('/metrics');
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /onward_http_requests_total\{method="GET",route="\/sign-in",status="200"\} 1/);
});

test('metrics: behind a bearer token when one is configured, not served when off', async () => {
  const token = 't'.repeat(40);
  const guarded = (await testApp({ config: { metrics: { token } } })).app;
  assert.equal((await guarded.inject('/metrics')).statusCode, 401);
  assert.equal(
    (await guarded.inject({ url: '/metrics', headers: { authorization: `Bearer ${'x'.repeat(40)}` } })).statusCode,
    401,
  );
  assert.equal(
    (await guarded.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}x` } })).statusCode,
    401,
  );
  const allowed = await guarded.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  assert.equal(allowed.statusCode, 200);
  assert.match(allowed.body, /onward_http_requests_total/);
  const off = (await testApp({ config: { metrics: 'off' } })).app;
  assert.equal((await off.inject('/metrics')).statusCode, 404);
  assert.equal((await off.inject('/healthz')).statusCode, 200, 'health stays open for the load balancer');
});

test('the sign-in rate limit is the configured one', async () => {
  const { app } = await testApp({ config: { signInRateLimit: 3 } });
  const client = new Client(app, '10.9.8.7');
  await client.get('/sign-in');
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await client.post('/sign-in', { username: 'x.y', password: 'z' })).status);
  assert.deepEqual(statuses, [401, 401, 401, 429]);
});

test('a failure inside a page shows a 500 page with no internals', async () => {
  const { app, db } = await testApp({ extraPages: [failing] });
  const client = new Client(app);
  await client.signIn((await makeUser(db, { role: 'analyst', teamIds: [await makeTeam(db)] })).username, PASSWORD);
  const page = await client.get('/test/failure');
  assert.equal(page.status, 500);
  assert.match(page.html.querySelector('h1')!.text, /problem with the service/);
  assert.ok(!page.body.includes('10.1.2.3') && !page.body.includes('secret.ts'));
});

test('an unknown address is a 404 page in the design system', async () => {
  const { app } = await testApp();
  const page = await new Client(app).get('/no/such/page');
  assert.equal(page.status, 404);
  assert.equal(page.html.querySelector('h1')!.text.trim(), 'Page not found');
  assert.ok(page.html.querySelector('header.nhsuk-header'));
});

test('a page asked for without signing in goes to sign-in; a form posted without signing in is a 401', async () => {
  const { app } = await testApp();
  const client = new Client(app);
  const page = await client.get('/patients');
  assert.equal(page.status, 303);
  assert.equal(page.headers.location, '/sign-in');
  await client.get('/sign-in');
  assert.equal((await client.post('/patients/search', { by: 'nhs-number', nhsNumber: '9434765919' })).status, 401);
});

test('wrong content types and malformed bodies are a 4xx, never a 5xx', async () => {
  const { app } = await testApp();
  for (const [type, payload] of [
    ['application/json', '{"username": '],
    ['application/x-www-form-urlencoded', '%%%&&&=='],
    ['text/plain', 'hello'],
    ['application/xml', '<a/>'],
  ] as const) {
    const response = await app.inject({ method: 'POST', url: '/sign-in', headers: { 'content-type': type }, payload });
    assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${type}: ${response.statusCode}`);
  }
});
