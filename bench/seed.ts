import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin } from './process.ts';

const admin = 'postgres://postgres@127.0.0.1:5432/postgres';

export function psql(sql: string, url = admin): string {
  return execFileSync('psql', [url, '-qAtc', sql], { encoding: 'utf8' });
}

/** Seed N patients through the real CLI; returns wall-clock seconds and where the data now is. */
export function seedOnce(engine: 'pglite' | 'postgres', patients: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'onward-bench-seed-'));
  let databaseUrl: string | undefined;
  if (engine === 'postgres') {
    const name = `onward_bench_${process.pid}_${Date.now()}`;
    psql(`CREATE DATABASE ${name}`);
    databaseUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
  }
  const { DATABASE_URL: _unset, ...env } = process.env;
  const started = performance.now();
  execFileSync(
    process.execPath,
    [bin, 'seed', '--seed', '1', '--patients', String(patients), '--as-of', '2026-11-01'],
    {
      env: { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
      stdio: 'ignore',
    },
  );
  return { seconds: (performance.now() - started) / 1000, dataDir, databaseUrl };
}

export function dropDatabase(url: string | undefined): void {
  if (url) psql(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)}`);
}
