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
