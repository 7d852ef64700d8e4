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
