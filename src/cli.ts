import { parseArgs } from 'node:util';
import { verifyAuditChain } from '#platform/audit/verify.ts';
import { type Config, readConfig } from '#platform/config.ts';
import { openDatabase } from '#platform/db/connect.ts';
import { DataDirInUse } from '#platform/db/lock.ts';
import { migrateToLatest } from '#platform/db/migrate.ts';
import { AlreadySeeded, seedDemo } from './demo/service.ts';
import { serve } from './server.ts';

const usage = `Usage: onward <command>

  serve                          run the web service (migrates, seeds the demo on first start)
  migrate                        apply database migrations
  seed [--seed S] [--patients N] [--as-of YYYY-MM-DD]
                                 build the demo ICS with N synthetic patients into an empty database
  audit verify                   check the audit trail's hash chain; exits 1 if it is broken

Configuration comes from the environment: see README.md.`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    say(usage);
    return command ? 0 : 2;
  }
  const read = readConfig(process.env);
  if (!read.ok) {
    complain('Onward cannot start: the configuration has a problem.');
    for (const p of read.problems) complain(`  ${p}`);
    return 2;
  }
  try {
    switch (command) {
      case 'serve':
        return await runServe(read.config);
      case 'migrate':
        return await runMigrate(read.config);
      case 'seed':
        return await runSeed(read.config, rest);
      case 'audit':
        if (rest[0] === 'verify') return await runAuditVerify(read.config);
        complain('Usage: onward audit verify');
        return 2;
      default:
        complain(`Unknown command "${command}".\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof DataDirInUse || error instanceof AlreadySeeded) {
      complain(error.message);
      return 1;
    }
    complain(`Onward stopped: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function runServe(config: Config): Promise<number> {
  const started = performance.now();
  const running = await serve(config, say);
  const where = running.address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  say(
    `Onward is ready at ${where} (${config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`}) in ${Math.round(performance.now() - started)} ms`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      say(`${signal}: finishing requests in progress and closing the database…`);
      running.stop().then(resolve, (error) => {
        complain(`Shutdown problem: ${error instanceof Error ? error.message : String(error)}`);
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

async function runMigrate(config: Config): Promise<number> {
  const connection = await openDatabase(config);
  try {
    const { applied } = await migrateToLatest(connection.db);
    say(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    return 0;
  } finally {
    await connection.close();
  }
}

async function runSeed(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string', default: '1' },
      patients: { type: 'string', default: '500' },
      'as-of': { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  const patients = Number(values.patients);
  const asOf = values['as-of'] ? new Date(`${values['as-of']}T12:00:00Z`) : new Date();
  if (!Number.isInteger(seed) || seed < 0) return usageError('--seed must be a whole number, 0 or more');
  if (!Number.isInteger(patients) || patients < 0 || patients > 5_000_000)
    return usageError('--patients must be a whole number from 0 to 5,000,000');
  if (Number.isNaN(asOf.getTime())) return usageError('--as-of must be a date written YYYY-MM-DD');
  const connection = await openDatabase(config);
  try {
    await migrateToLatest(connection.db);
    const started = performance.now();
    const report = await seedDemo(connection, { seed, patients, asOf, passwordHashCost: config.passwordHashCost }, say);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    say(
      `Seeded ${report.patients.toLocaleString('en-GB')} patients and ${report.presentations.toLocaleString('en-GB')} presentations in ${seconds} s (seed ${seed}).`,
    );
    say(
      `With ${report.assessments.toLocaleString('en-GB')} assessments, ${report.carePlans.toLocaleString('en-GB')} care plans and ${report.safetyPlans.toLocaleString('en-GB')} safety plans.`,
    );
    if (report.withoutNhsNumber > 0) {
      say(
        `${report.withoutNhsNumber.toLocaleString('en-GB')} have no NHS number: the 999 test range holds only 909,091 valid numbers.`,
      );
    }
    say(`Demo sign-ins (password ${report.password}): ${report.users.map((u) => u.username).join(', ')}`);
    return 0;
  } finally {
    await connection.close();
  }
}

async function runAuditVerify(config: Config): Promise<number> {
  const connection = await openDatabase(config);
  try {
    const report = await verifyAuditChain(connection.db);
    if (report.breaks.length === 0) {
      say(`Audit trail intact: ${report.checked} entries checked.`);
      say(`Head: entry ${report.headSeq}, hash ${report.headHash}`);
      say(
        'Keep the head hash somewhere outside this database: it is what shows that no entries were removed from the end.',
      );
      return 0;
    }
    complain(`Audit trail BROKEN: ${report.breaks.length} problem(s) in ${report.checked} entries.`);
    for (const b of report.breaks.slice(0, 50)) complain(`  ${b.message}`);
    return 1;
  } finally {
    await connection.close();
  }
}

function usageError(message: string): number {
  complain(message);
  return 2;
}
