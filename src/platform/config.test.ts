import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readConfig } from './config.ts';

test('defaults: port 3000, ./data, embedded database, secure cookies only in production', () => {
  const r = readConfig({}, '/srv/onward');
  assert.ok(r.ok);
  assert.equal(r.config.port, 3000);
  assert.equal(r.config.dataDir, '/srv/onward/data');
  assert.equal(r.config.databaseUrl, undefined);
  assert.equal(r.config.cookieSecure, false);
  const production = readConfig({ NODE_ENV: 'production' });
  assert.ok(production.ok && production.config.cookieSecure);
});

test('every bad value is reported at once, by name, without echoing secrets', () => {
  const r = readConfig({
    PORT: '70000',
    DATABASE_URL: 'mysql://user:secret@host/db',
    SESSION_SECRET: 'short',
    COOKIE_SECURE: 'maybe',
  });
  assert.equal(r.ok, false);
  const text = !r.ok ? r.problems.join('\n') : '';
  assert.match(text, /PORT must be between 0 and 65535/);
  assert.match(text, /DATABASE_URL must be a postgres/);
  assert.match(text, /SESSION_SECRET must be at least 32 characters/);
  assert.match(text, /COOKIE_SECURE must be true or false/);
  assert.ok(!text.includes('secret@host') && !text.includes('"short"'));
});

test('an empty variable counts as unset; trusted proxies are a list', () => {
  const r = readConfig({ PORT: '', TRUSTED_PROXIES: '10.0.0.1, 10.0.0.2' });
  assert.ok(r.ok);
  assert.equal(r.config.port, 3000);
  assert.deepEqual(r.config.trustedProxies, ['10.0.0.1', '10.0.0.2']);
});

test('development listens on localhost only; production on every interface, without the demo and without open metrics', () => {
  const dev = readConfig({}, '/srv/onward');
  assert.ok(dev.ok);
  assert.equal(dev.config.host, '127.0.0.1');
  assert.equal(dev.config.seedDemo, true);
  assert.equal(dev.config.metrics, 'open');
  assert.equal(dev.config.auditAnchorFile, '/srv/onward/audit-anchors.jsonl');
  const production = readConfig({ NODE_ENV: 'production' });
  assert.ok(production.ok);
  assert.equal(production.config.host, '0.0.0.0');
  assert.equal(production.config.seedDemo, false);
  assert.equal(production.config.metrics, 'off');
  const chosen = readConfig({ NODE_ENV: 'production', HOST: '10.1.2.3', METRICS_TOKEN: 'm'.repeat(32) });
  assert.ok(chosen.ok);
  assert.equal(chosen.config.host, '10.1.2.3');
  assert.deepEqual(chosen.config.metrics, { token: 'm'.repeat(32) });
});

test('the demo is refused in production, and a short metrics token is refused without being echoed', () => {
  const demo = readConfig({ NODE_ENV: 'production', SEED_DEMO: 'true' });
  assert.equal(demo.ok, false);
  assert.match(!demo.ok ? demo.problems.join('\n') : '', /SEED_DEMO must not be true when NODE_ENV is production/);
  const short = readConfig({ METRICS_TOKEN: 'tiny-token', AUDIT_ANCHOR_INTERVAL_SECONDS: '-1' });
  assert.equal(short.ok, false);
  const text = !short.ok ? short.problems.join('\n') : '';
  assert.match(text, /METRICS_TOKEN must be at least 32 characters \(got a value that is not shown\)/);
  assert.match(text, /AUDIT_ANCHOR_INTERVAL_SECONDS must be 0 \(off\) or more/);
  assert.ok(!text.includes('tiny-token'));
});

test('GOV.UK Notify: a key of the wrong form is refused without echoing it; a key needs every template id', () => {
  const ids = {
    NOTIFY_TEMPLATE_REFERRAL_ACCEPTED_SMS: '3b2f6c1e-8d1a-4c3e-9a55-0d2e4b7c1f10',
    NOTIFY_TEMPLATE_REFERRAL_ACCEPTED_EMAIL: '3b2f6c1e-8d1a-4c3e-9a55-0d2e4b7c1f11',
    NOTIFY_TEMPLATE_APPOINTMENT_BOOKED_SMS: '3b2f6c1e-8d1a-4c3e-9a55-0d2e4b7c1f12',
    NOTIFY_TEMPLATE_APPOINTMENT_BOOKED_EMAIL: '3b2f6c1e-8d1a-4c3e-9a55-0d2e4b7c1f13',
    NOTIFY_TEMPLATE_APPOINTMENT_REMINDER_SMS: '3b2f6c1e-8d1a-4c3e-9a55-0d2e4b7c1f14',
    NOTIFY_TEMPLATE_APPOINTMENT_REMINDER_EMAIL: '3b2f6c1e-8d1a-4c3e-9a55-0d2e4b7c1f15',
  };
  const key = 'onward_live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0';
  const good = readConfig({ NOTIFY_API_KEY: key, ...ids });
  assert.ok(good.ok);
  assert.equal(good.config.notify?.url, 'https://api.notifications.service.gov.uk');
  assert.equal(
    good.config.notify?.templates['appointment-reminder:email'],
    ids.NOTIFY_TEMPLATE_APPOINTMENT_REMINDER_EMAIL,
  );
  assert.equal(readConfig({}).ok && readConfig({}).ok, true);
  const none = readConfig({});
  assert.equal(none.ok && none.config.notify, undefined, 'unset: messages to the person are kept, not sent');

  const wrongForm = readConfig({ NOTIFY_API_KEY: 'secret-but-not-a-notify-key', ...ids });
  assert.equal(wrongForm.ok, false);
  const problems = wrongForm.ok ? '' : wrongForm.problems.join('\n');
  assert.match(problems, /NOTIFY_API_KEY must be a GOV.UK Notify API key/);
  assert.doesNotMatch(problems, /secret-but-not/, 'the key is never echoed');
  const missing = readConfig({
    NOTIFY_API_KEY: key,
    NOTIFY_TEMPLATE_REFERRAL_ACCEPTED_SMS: ids.NOTIFY_TEMPLATE_REFERRAL_ACCEPTED_SMS,
  });
  assert.equal(missing.ok, false);
  assert.match(
    missing.ok ? '' : missing.problems[0]!,
    /set NOTIFY_TEMPLATE_REFERRAL_ACCEPTED_EMAIL, .*NOTIFY_TEMPLATE_APPOINTMENT_REMINDER_EMAIL/,
  );
  assert.equal(readConfig({ NOTIFY_API_KEY: key, ...ids, NOTIFY_TEMPLATE_APPOINTMENT_BOOKED_SMS: 'booked' }).ok, false);
  assert.equal(readConfig({ NOTIFY_API_KEY: key, ...ids, NOTIFY_CALLBACK_TOKEN: 'short' }).ok, false);
});
