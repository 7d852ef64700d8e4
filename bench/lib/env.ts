import { join } from 'node:path';

/** The `onward` command, run as an operator would run it. */
export const onwardBin = join(import.meta.dirname, '..', '..', 'bin', 'onward.js');

// Onward's settings (src/platform/config.ts). A value left in the caller's shell (NODE_ENV=production,
// DEMO_PATIENTS, DATABASE_URL…) would silently change what is measured, so every child starts without them.
const onwardSettings = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'NODE_ENV',
  'COOKIE_SECURE',
  'SESSION_SECRET',
  'TRUSTED_PROXIES',
  'SIGN_IN_RATE_LIMIT',
  'SEED_DEMO',
  'DEMO_PATIENTS',
  'LOG_LEVEL',
  'PASSWORD_HASH_COST',
  'AUDIT_ANCHOR_FILE',
];

export type Settings = Record<string, string>;

/** The environment for a child: the caller's minus Onward's settings, then the given ones. */
export function childEnv(settings: Settings): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of onwardSettings) delete env[key];
  return { ...env, LOG_LEVEL: 'silent', ...settings };
}
