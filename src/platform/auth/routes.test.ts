import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../../test/support/app.ts';
import { Client, errorSummary } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { makeTeam, makeUser, PASSWORD } from '../../../test/support/factories.ts';
import { fixedClock } from '../clock.ts';
import { disableAccount, sessionIdOf } from './service.ts';

after(closeTestDatabase);

async function practitioner(db: Parameters<typeof makeTeam>[0]) {
  return makeUser(db, { role: 'liaison-practitioner', teamIds: [await makeTeam(db)] });
}

const auditRows = (db: Awaited<ReturnType<typeof testApp>>['db'], userId: string) =>
  db.selectFrom('audit_log').selectAll().where('user_id', '=', userId).orderBy('id').execute();

test('signing in with the right password starts a server-side session and lands on home', async () => {
  const { app, db } = await testApp();
  const user = await practitioner(db);
  const client = new Client(app);
  const signedIn = await client.signIn(user.username.toUpperCase(), PASSWORD);
  assert.equal(signedIn.status, 303);
  assert.equal(signedIn.headers.location, '/');
  const token = client.cookies.get('onward-session');
  assert.ok(token);
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', sessionIdOf(token))
    .executeTakeFirstOrThrow();
  assert.equal(row.user_id, user.id);
  assert.equal(row.ended_at, null);
  const home = await client.get('/');
  assert.equal(home.status, 200);
  assert.match(home.html.querySelector('h1')!.text, /Test liaison-practitioner/);
  const audit = await auditRows(db, user.id);
  assert.deepEqual(
    audit.filter((r) => r.action.startsWith('session.')).map((r) => [r.action, r.outcome]),
    [['session.sign-in', 'ok']],
  );
});

test('a wrong password is refused with one message that does not say which part was wrong, and audited', async () => {
  const { app, db } = await testApp();
  const user = await practitioner(db);
  const client = new Client(app);
  const page = await client.signIn(user.username, 'not the password');
  assert.equal(page.status, 401);
  assert.match(errorSummary(page), /username or password is not right/);
  assert.equal(client.cookies.get('onward-session'), undefined);
  const unknown = await new Client(app).signIn('nobody.here', 'whatever');
  assert.equal(unknown.status, 401);
  assert.equal(errorSummary(unknown), errorSummary(page));
  const audit = await auditRows(db, user.id);
  assert.deepEqual(
    audit.map((r) => [r.action, r.outcome, JSON.parse(r.detail).reason]),
    [['session.sign-in', 'refused', 'wrong-password']],
  );
});

test('markup and SQL typed as a username come back as text and sign nobody in', async () => {
  const { app } = await testApp();
  const client = new Client(app);
  await client.get('/sign-in');
  for (const username of ['<script>alert(1)</script>', "admin' OR '1'='1' --", '"><img src=x onerror=alert(1)>']) {
    const page = await client.post('/sign-in', { username, password: "' OR 1=1 --" });
    assert.equal(page.status, 401, username);
    assert.ok(!page.body.includes('<script>alert(1)') && !page.body.includes('<img src=x'), username);
    // Kept in the field, as typed (the parser decodes the escaped attribute back).
    assert.equal(page.html.querySelector('#username')?.getAttribute('value'), username);
  }
});

test('an empty sign-in form is answered with field errors and status 400', async () => {
  const { app } = await testApp();
  const client = new Client(app);
  await client.get('/sign-in');
  const page = await client.post('/sign-in', { username: '', password: '' });
  assert.equal(page.status, 400);
  assert.match(errorSummary(page), /Enter your username/);
  assert.match(errorSummary(page), /Enter your password/);
  assert.equal(page.html.querySelector('.nhsuk-error-summary a')?.getAttribute('href'), '#username');
});

test('five wrong passwords lock the account, even against the right password', async () => {
  const { app, db, clock } = await testApp({ clock: fixedClock('2026-11-25T10:00:00Z') });
  const user = await practitioner(db);
  for (let i = 0; i < 5; i++) {
    const c = new Client(app, `10.0.0.${i + 1}`);
    assert.equal((await c.signIn(user.username, 'wrong')).status, 401);
  }
  const locked = await new Client(app, '10.0.1.1').signIn(user.username, PASSWORD);
  assert.equal(locked.status, 401);
  (clock as ReturnType<typeof fixedClock>).advance(15 * 60 * 1000);
  const owner = new Client(app, '10.0.1.2');
  const back = await owner.signIn(user.username, PASSWORD);
  assert.equal(back.status, 303);
  // The owner is told about the lock; whoever tripped it was not.
  assert.equal(back.headers.location, '/?notice=account-was-locked');
  const home = await owner.get(back.headers.location as string);
  assert.match(home.html.querySelector('.nhsuk-card--warning')!.text, /Your account was locked/);
  const lockRows = await db
    .selectFrom('audit_log')
    .select('action')
    .where('user_id', '=', user.id)
    .where('action', '=', 'account.locked')
    .execute();
  assert.equal(lockRows.length, 1, 'the lock itself is in the audit trail');
  // The next sign-in has nothing to report.
  assert.equal((await new Client(app, '10.0.1.3').signIn(user.username, PASSWORD)).headers.location, '/');
});

test('unknown, locked and wrong-password sign-ins give the same answer, so usernames cannot be found out', async () => {
  const { app, db } = await testApp();
  const lockedUser = await practitioner(db);
  const wrongUser = await practitioner(db);
  for (let i = 0; i < 5; i++) await new Client(app, `10.0.2.${i + 1}`).signIn(lockedUser.username, 'wrong');
  const answers = [];
  for (const [i, [username, password]] of [
    [`nobody.${lockedUser.username}`, PASSWORD],
    [lockedUser.username, PASSWORD],
    [lockedUser.username, 'wrong'],
    [wrongUser.username, 'wrong'],
  ].entries()) {
    const page = await new Client(app, `10.0.3.${i + 1}`).signIn(username!, password!);
    answers.push({ status: page.status, summary: errorSummary(page) });
  }
  assert.equal(new Set(answers.map((a) => JSON.stringify(a))).size, 1, JSON.stringify(answers));
  assert.equal(answers[0]!.status, 401);
  const reasons = await db
    .selectFrom('audit_log')
    .select('detail')
    .where('action', '=', 'session.sign-in')
    .where('user_id', 'in', [lockedUser.id, wrongUser.id])
    .orderBy('id')
    .execute();
  // The trail keeps the real reasons that the page does not say.
  assert.deepEqual(
    reasons.slice(-3).map((r) => JSON.parse(r.detail).reason),
    ['locked', 'locked', 'wrong-password'],
  );
});

test('sign-in is rate limited per client address', async () => {
  const { app } = await testApp();
  const client = new Client(app, '10.9.9.9');
  await client.get('/sign-in');
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++)
    statuses.push((await client.post('/sign-in', { username: 'x.y', password: 'z' })).status);
  assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
  assert.equal(statuses[10], 429);
});

test('a missing or forged CSRF token is refused, changes nothing and is audited', async () => {
  const { app, db } = await testApp();
  const user = await practitioner(db);
  const client = new Client(app);
  await client.signIn(user.username, PASSWORD);
  await client.get('/');
  const token = client.cookies.get('onward-session')!;
  for (const csrf of [null, 'forged-token', `${client.csrfToken.slice(0, -2)}xx`]) {
    const page = await client.post('/sign-out', {}, { csrf });
    assert.equal(page.status, 403, `csrf ${csrf}`);
    assert.match(page.html.querySelector('h1')!.text, /This form has expired/);
  }
  const session = await db
    .selectFrom('sessions')
    .select('ended_at')
    .where('id', '=', sessionIdOf(token))
    .executeTakeFirstOrThrow();
  assert.equal(session.ended_at, null, 'the session was not ended by a forged sign-out');
  const refusals = (await auditRows(db, user.id)).filter((r) => r.outcome === 'refused');
  assert.equal(refusals.length, 3);
  assert.ok(
    refusals.every((r) => r.action === 'session.sign-out' && JSON.parse(r.detail).reason === 'csrf-token-invalid'),
  );
});

test('a CSRF token from another person’s session does not work in mine', async () => {
  const { app, db } = await testApp();
  const a = new Client(app);
  const b = new Client(app);
  await a.signIn((await practitioner(db)).username, PASSWORD);
  await b.signIn((await practitioner(db)).username, PASSWORD);
  await a.get('/');
  await b.get('/');
  assert.equal((await a.post('/sign-out', {}, { csrf: b.csrfToken })).status, 403);
});

test('signing out ends the session in the database: the old cookie no longer works', async () => {
  const { app, db } = await testApp();
  const user = await practitioner(db);
  const client = new Client(app);
  await client.signIn(user.username, PASSWORD);
  await client.get('/');
  const token = client.cookies.get('onward-session')!;
  const out = await client.post('/sign-out', {});
  assert.equal(out.status, 303);
  assert.equal(out.headers.location, '/sign-in?ended=signed-out');
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', sessionIdOf(token))
    .executeTakeFirstOrThrow();
  assert.equal(row.end_reason, 'signed-out');
  const replay = new Client(app);
  replay.cookies.set('onward-session', token);
  const again = await replay.get('/');
  assert.equal(again.status, 303);
  assert.equal(again.headers.location, '/sign-in');
});

test('signing in again issues a new session id and ends the old one', async () => {
  const { app, db } = await testApp();
  const user = await practitioner(db);
  const client = new Client(app);
  await client.signIn(user.username, PASSWORD);
  const first = client.cookies.get('onward-session')!;
  await client.get('/');
  assert.equal((await client.post('/sign-in', { username: user.username, password: PASSWORD })).status, 303);
  const second = client.cookies.get('onward-session')!;
  assert.notEqual(first, second);
  const old = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', sessionIdOf(first))
    .executeTakeFirstOrThrow();
  assert.equal(old.end_reason, 'replaced');
});

test('a session ends after 30 idle minutes and after 12 hours, with a message saying why', async () => {
  const clock = fixedClock('2026-11-25T08:00:00Z');
  const { app, db } = await testApp({ clock });
  const user = await practitioner(db);
  const client = new Client(app);
  await client.signIn(user.username, PASSWORD);
  clock.advance(29 * 60 * 1000);
  assert.equal((await client.get('/')).status, 200);
  clock.advance(31 * 60 * 1000);
  const idle = await client.get('/');
  assert.equal(idle.status, 303);
  assert.equal(idle.headers.location, '/sign-in?ended=idle');
  const notice = await client.get('/sign-in?ended=idle');
  assert.match(notice.body, /had not used Onward for 30 minutes/);

  await client.signIn(user.username, PASSWORD);
  for (let h = 0; h < 12; h++) {
    clock.advance(25 * 60 * 1000);
    assert.equal((await client.get('/')).status, 200);
  }
  clock.advance(7 * 60 * 60 * 1000 - 1000);
  // 12 × 25 min + 7 h ≈ 12 h: the absolute limit, however busy the session has been.
  for (let i = 0; i < 4; i++) {
    clock.advance(20 * 60 * 1000);
    const page = await client.get('/');
    if (page.status !== 200) {
      assert.equal(page.headers.location, '/sign-in?ended=expired');
      return;
    }
  }
  assert.fail('the session outlived its 12 hours');
});

test('disabling an account ends its sessions at once', async () => {
  const { app, db, clock, config } = await testApp();
  const user = await practitioner(db);
  const client = new Client(app);
  await client.signIn(user.username, PASSWORD);
  assert.equal((await client.get('/')).status, 200);
  assert.equal(await disableAccount({ db, clock, passwordHashCost: config.passwordHashCost }, user.id), 1);
  assert.equal((await client.get('/')).status, 303);
  assert.equal((await new Client(app).signIn(user.username, PASSWORD)).status, 401);
});

test('cookies are HttpOnly and SameSite=Lax, and __Host- and Secure when served over HTTPS', async () => {
  for (const secure of [false, true]) {
    const { app, db } = await testApp({ config: { cookieSecure: secure } });
    const user = await practitioner(db);
    await app.inject({ method: 'GET', url: '/sign-in' });
    const client = new Client(app);
    await client.get('/sign-in');
    const response = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: {
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({ username: user.username, password: PASSWORD, _csrf: client.csrfToken }).toString(),
    });
    assert.equal(response.statusCode, 303);
    const setCookie = String(response.headers['set-cookie']);
    const name = secure ? '__Host-onward-session' : 'onward-session';
    assert.match(setCookie, new RegExp(`${name}=[^;]+;[^,]*HttpOnly`));
    assert.match(setCookie, /SameSite=Lax/);
    assert.equal(/Secure/.test(setCookie), secure);
  }
});

test('pages carry security headers and are never cached', async () => {
  const { app } = await testApp();
  const response = await app.inject({ method: 'GET', url: '/sign-in' });
  const csp = String(response.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'nonce-[0-9a-f]+'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.equal(response.headers['referrer-policy'], 'no-referrer');
});
