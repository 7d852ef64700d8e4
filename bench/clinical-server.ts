import { systemClock } from '../src/platform/clock.ts';
import { readConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/platform/http/app.ts';
import { pages } from '../src/routes.ts';
import { CONTROL_PORT, recordServerTimes } from './lib/timing.ts';

// `onward serve` with one addition: every response's server time is recorded (bench/lib/timing.ts).
// src/server.ts builds the app and listens in one call, leaving no moment to add a hook, so the few
// lines of serve() are repeated here: the same configuration from the environment, the same
// database opening and migration, the same buildApp with the product's pages, the real clock.
// No demo seeding: the benchmark seeds the store beforehand with `onward seed`.

const read = readConfig(process.env);
if (!read.ok) throw new Error(read.problems.join('; '));
const config = read.config;
const connection = await openDatabase(config);
await migrateToLatest(connection.db);
const app = await buildApp({ db: connection.db, clock: systemClock, config, pages });
await recordServerTimes(app, Number(process.env[CONTROL_PORT]));
await app.listen({ port: config.port, host: config.host });
process.once('SIGTERM', async () => {
  await app.close();
  await connection.close();
  process.exit(0);
});
