import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { may } from '#platform/access/model.ts';
import { type Anchor, checkAnchors, readAnchorFile } from '#platform/audit/anchors.ts';
import { sealAudit } from '#platform/audit/store.ts';
import { verifyAuditChain } from '#platform/audit/verify.ts';
import { systemClock } from '#platform/clock.ts';
import { type Config, readConfig } from '#platform/config.ts';
import { openDatabase } from '#platform/db/connect.ts';
import { DataDirInUse } from '#platform/db/lock.ts';
import { migrateToLatest } from '#platform/db/migrate.ts';
import { AlreadySeeded, seedDemo } from './demo/service.ts';
import { IMPORT_MAX_BYTES } from './directory/model.ts';
import { exportOpenReferral } from './directory/service.ts';
import { exportDirectory, importDirectoryFile } from './fhir/directory.ts';
import { unsettledIn } from './notify/service.ts';
import { loadHazardLog, repositoryRoot } from './safety/log.ts';
import { readResults, safetyCaseReport } from './safety/report.ts';
import { serve, startOutbox } from './server.ts';

const usage = `Usage: onward <command>

  serve                          run the web service (migrates, seeds the demo on first start)
  worker [--until-idle]          run only the outbox's workers (sending letters and messages), without
                                 the web service: for a server started with WORKER=false; --until-idle
                                 stops once nothing in the queue is left to settle
  migrate                        apply database migrations (Onward's tables and the job queue's)
  seed [--seed S] [--patients N] [--population N] [--as-of YYYY-MM-DD]
                                 build the demo ICS with N synthetic patients into an empty database
  safety-case [--results FILE]   check the hazard log and write docs/safety/safety-case-report.md from it
                                 and the last test run's results (default test-results/results.jsonl)
  audit verify [--against FILE]  check the audit trail's hash chain, and that every head published
                                 to FILE (default: AUDIT_ANCHOR_FILE) is still in it; exits 1 if not
  directory export [--format fhir|open-referral]
                                 print the directory of aftercare services as a FHIR R4 Bundle of
                                 HealthcareService (the default), or as an Open Referral UK (HSDS 3.0 UK
                                 profile) service list
  directory import FILE --as USERNAME
                                 add the services in a FHIR Bundle or an Open Referral UK file (told
                                 apart by their shape; at most 50 MB) as that administrator: all or
                                 nothing, every problem reported; exits 1 if any

Configuration comes from the environment: see README.md.`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    say(usage);
    return command ? 0 : 2;
  }
  // The safety case reads files in the repository, not the product's configuration or database.
  if (command === 'safety-case') return runSafetyCase(rest);
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
      case 'worker':
        return await runWorker(read.config, rest);
      case 'migrate':
        return await runMigrate(read.config);
      case 'seed':
        return await runSeed(read.config, rest);
      case 'directory':
        return await runDirectory(read.config, rest);
      case 'audit':
        if (rest[0] === 'verify') return await runAuditVerify(read.config, rest.slice(1));
        complain('Usage: onward audit verify [--against FILE]');
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

async function runDirectory(config: Config, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'export' && action !== 'import') {
    complain(
      'Usage: onward directory export [--format fhir|open-referral] | onward directory import FILE --as USERNAME',
    );
    return 2;
  }
  const format = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: false,
    options: { format: { type: 'string' } },
  }).values.format;
  if (action === 'export' && format !== undefined && format !== 'fhir' && format !== 'open-referral')
    return usageError('--format is fhir or open-referral');
  const connection = await openDatabase(config);
  try {
    if (action === 'export') {
      const exported =
        format === 'open-referral' ? await exportOpenReferral(connection.db) : await exportDirectory(connection.db);
      process.stdout.write(`${JSON.stringify(exported, null, 2)}\n`);
      return 0;
    }
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { as: { type: 'string' } },
    });
    const file = positionals[0];
    if (!file || !values.as) return usageError('onward directory import FILE --as USERNAME');
    if (!existsSync(file)) return usageError(`There is no file ${file}`);
    if (statSync(file).size > IMPORT_MAX_BYTES)
      return usageError('The file is over 50 MB: split it, or check it is the right file');
    const user = await connection.db
      .selectFrom('users')
      .select(['id', 'role'])
      .where('username', '=', values.as)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (!user || !may(user.role, 'directory:edit'))
      return usageError(`${values.as} is not an administrator who may change the directory`);
    let bundle: unknown;
    try {
      bundle = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return usageError(`${file} is not JSON`);
    }
    const result = await importDirectoryFile({ db: connection.db, clock: systemClock }, user, bundle);
    if (!result.ok) {
      complain(`Nothing was imported. ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}:`);
      for (const p of result.problems) complain(`  ${p}`);
      return 1;
    }
    say(`Imported ${result.imported} service${result.imported === 1 ? '' : 's'}.`);
    return 0;
  } finally {
    await connection.close();
  }
}

async function runServe(config: Config): Promise<number> {
  const started = performance.now();
  const running = await serve(config, say);
  const where = running.address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  say(
    `Onward is ready at ${where} (${config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`}) in ${Math.round(performance.now() - started)} ms`,
  );
  await untilSignalled(() => running.stop(), 'requests in progress');
  return 0;
}

/** Stop on SIGTERM or SIGINT, once whatever `stop` finishes has finished. */
function untilSignalled(stop: () => Promise<void>, inHand: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const stopOn = (signal: string) => {
      say(`${signal}: finishing ${inHand} and closing the database…`);
      stop().then(resolve, (error) => {
        complain(`Shutdown problem: ${error instanceof Error ? error.message : String(error)}`);
        resolve();
      });
    };
    process.once('SIGTERM', () => stopOn('SIGTERM'));
    process.once('SIGINT', () => stopOn('SIGINT'));
  });
}

async function runWorker(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'until-idle': { type: 'boolean', default: false } } });
  const connection = await openDatabase(config);
  try {
    await migrateToLatest(connection);
    const { queue, worker } = await startOutbox(connection, { ...config, worker: true }, (error) =>
      complain(`The job queue reported a problem: ${error instanceof Error ? error.message : String(error)}`),
    );
    say(
      `Onward's outbox worker is running (${config.smtpUrl ? `email through ${new URL(config.smtpUrl).host}` : 'no SMTP_URL: messages are kept, not sent'}).`,
    );
    const stop = async () => {
      await worker?.stop();
      await queue.stop();
    };
    if (values['until-idle']) {
      // Drain and stop: when two looks in a row find nothing of this queue left to settle (a message a
      // dead worker left half sent is settled once its job expires and is taken again).
      let quiet = 0;
      while (quiet < 2) {
        await sleep(config.outbox.pollSeconds * 1000);
        quiet = (await unsettledIn(connection.db, queue.names.jobs)) === 0 ? quiet + 1 : 0;
      }
      await stop();
      say('The outbox is settled: every message sent, kept, or waiting for a person.');
      return 0;
    }
    await untilSignalled(stop, 'the message in hand');
    return 0;
  } finally {
    await connection.close();
  }
}

async function runMigrate(config: Config): Promise<number> {
  const connection = await openDatabase(config);
  try {
    const { applied } = await migrateToLatest(connection);
    say(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    return 0;
  } finally {
    await connection.close();
  }
}

async function runSeed(config: Config, args: string[]): Promise<number> {
  if (config.environment === 'production') {
    complain('onward seed is refused when NODE_ENV is production: the demo accounts share a published password.');
    return 2;
  }
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string', default: '1' },
      patients: { type: 'string', default: '500' },
      population: { type: 'string', default: '5000' },
      'as-of': { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  const patients = Number(values.patients);
  const population = Number(values.population);
  const asOf = values['as-of'] ? new Date(`${values['as-of']}T12:00:00Z`) : new Date();
  if (!Number.isInteger(seed) || seed < 0) return usageError('--seed must be a whole number, 0 or more');
  if (!Number.isInteger(patients) || patients < 0 || patients > 5_000_000)
    return usageError('--patients must be a whole number from 0 to 5,000,000');
  if (!Number.isInteger(population) || population < 0 || population > 5_000_000)
    return usageError('--population must be a whole number from 0 to 5,000,000');
  if (Number.isNaN(asOf.getTime())) return usageError('--as-of must be a date written YYYY-MM-DD');
  const connection = await openDatabase(config);
  try {
    await migrateToLatest(connection);
    const started = performance.now();
    const report = await seedDemo(
      connection,
      { seed, patients, population, asOf, passwordHashCost: config.passwordHashCost },
      say,
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    say(
      `Seeded ${report.patients.toLocaleString('en-GB')} patients and ${report.presentations.toLocaleString('en-GB')} presentations in ${seconds} s (seed ${seed}).`,
    );
    say(
      `With ${report.assessments.toLocaleString('en-GB')} assessments, ${report.carePlans.toLocaleString('en-GB')} care plans and ${report.safetyPlans.toLocaleString('en-GB')} safety plans.`,
    );
    say(`The population register holds ${report.register.toLocaleString('en-GB')} people, patients included.`);
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

async function runAuditVerify(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { against: { type: 'string' } } });
  // An anchor file named on the command line must exist; the configured default may not yet.
  const anchorFile = values.against ?? (existsSync(config.auditAnchorFile) ? config.auditAnchorFile : undefined);
  let anchors: Anchor[] = [];
  if (anchorFile) {
    let read: Awaited<ReturnType<typeof readAnchorFile>>;
    try {
      read = await readAnchorFile(anchorFile);
    } catch (error) {
      complain(`Cannot read the published heads in ${anchorFile}: ${(error as Error).message}`);
      return 2;
    }
    if (read.problems.length > 0) {
      complain(`The published heads in ${anchorFile} cannot all be read:`);
      for (const p of read.problems.slice(0, 20)) complain(`  ${p.message}`);
      return 2;
    }
    anchors = read.anchors;
  }
  const connection = await openDatabase(config);
  try {
    // Entries written but not yet chained (a server stopped before its sealer ran) are sealed
    // first, so verify covers everything that has been written.
    const sealed = await sealAudit(connection.db);
    if (sealed > 0) say(`Sealed ${sealed} entries that were waiting to be chained.`);
    const report = await verifyAuditChain(connection.db);
    const anchorProblems = await checkAnchors(connection.db, anchors);
    if (report.breaks.length === 0 && anchorProblems.length === 0) {
      say(`Audit trail intact: ${report.checked} entries checked.`);
      say(`Head: entry ${report.headSeq}, hash ${report.headHash}`);
      if (report.unsealed > 0) say(`${report.unsealed} entries written in the last moment are not chained yet.`);
      if (anchorFile) say(`All ${anchors.length} heads published to ${anchorFile} are in the chain.`);
      else say(`No published heads to check against (${config.auditAnchorFile} does not exist yet).`);
      return 0;
    }
    complain(
      `Audit trail BROKEN: ${report.breaks.length + anchorProblems.length} problem(s) in ${report.checked} entries.`,
    );
    for (const b of report.breaks.slice(0, 50)) complain(`  ${b.message}`);
    for (const p of anchorProblems.slice(0, 50)) complain(`  ${p}`);
    return 1;
  } finally {
    await connection.close();
  }
}

function runSafetyCase(args: string[]): number {
  const { values } = parseArgs({ args, options: { results: { type: 'string' }, out: { type: 'string' } } });
  const { hazards, problems } = loadHazardLog();
  if (problems.length > 0) {
    complain(`The hazard log has ${problems.length} problem(s):`);
    for (const p of problems) complain(`  ${p.hazard}: ${p.message}`);
    return 1;
  }
  const resultsFile = values.results ?? join(repositoryRoot, 'test-results', 'results.jsonl');
  const results = existsSync(resultsFile) ? readResults(readFileSync(resultsFile, 'utf8')) : undefined;
  let commit = 'uncommitted';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repositoryRoot, encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout (an unpacked release): the report says so.
  }
  const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Europe/London' }).format(new Date());
  const out = values.out ?? join(repositoryRoot, 'docs', 'safety', 'safety-case-report.md');
  writeFileSync(out, safetyCaseReport(hazards, results, { commit, date }));
  say(
    `Safety case report written to ${out} (${hazards.length} hazards${results ? '' : '; no test results found, run npm test first'}).`,
  );
  return 0;
}

function usageError(message: string): number {
  complain(message);
  return 2;
}
