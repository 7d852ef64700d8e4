import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dropDatabase, seedOnce } from './seed.ts';
import { benchStart } from './start.ts';
import { benchBare, benchSummary, type Load } from './summary.ts';

// npm run bench [-- --patients N --seconds S --runs R]: start-up, seeding and the patient summary
// page against a bare route, all in one run so the figures can be compared on a noisy machine.

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '5' },
  },
});
const patients = Number(values.patients);
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const lines: string[] = [];
const say = (line = '') => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};
const ms = (n: number) => `${Math.round(n)} ms`;
const row = (name: string, l: Load, bare: Load) =>
  `| ${name} | ${Math.round(l.rps).toLocaleString('en-GB')} | ${(l.rps / bare.rps).toFixed(3)} | ${l.p50} | ${l.p975} | ${l.p99} | ${l.non2xx} |`;

say('# Onward benchmark results');
say();
say(
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version},`,
);
say(
  `PostgreSQL ${execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qAtc', 'SHOW server_version'], { encoding: 'utf8' }).trim()}.`,
);
say(
  `Command: \`npm run bench -- --patients ${patients} --seconds ${seconds} --runs ${runs}\`. The machine is shared: compare ratios.`,
);
say();

say('## Start-up (embedded database)');
const start = await benchStart(runs);
say();
say(`From spawning \`onward serve\` to \`/readyz\` answering 200, ${start.runs} runs each (min / median / max):`);
say();
say('| start | min | median | max |');
say('|---|---|---|---|');
say(
  `| cold: empty DATA_DIR, initdb, migrations, 500-patient demo seeded | ${ms(start.cold.min)} | ${ms(start.cold.median)} | ${ms(start.cold.max)} |`,
);
say(
  `| warm: same DATA_DIR, already seeded | ${ms(start.warm.min)} | ${ms(start.warm.median)} | ${ms(start.warm.max)} |`,
);
say();

say(`## Seeding ${patients.toLocaleString('en-GB')} patients`);
say();
const pglite = seedOnce('pglite', patients);
const postgres = seedOnce('postgres', patients);
say('`onward seed --seed 1 --patients N` as a whole process (generation, COPY in one transaction, ANALYZE):');
say();
say('| engine | wall time |');
say('|---|---|');
say(`| PGlite (embedded) | ${pglite.seconds.toFixed(1)} s |`);
say(`| PostgreSQL | ${postgres.seconds.toFixed(1)} s |`);
say();

say(`## Patient summary page against a bare Fastify route (${patients.toLocaleString('en-GB')} patients)`);
say();
try {
  const bare = await benchBare(seconds);
  const onPglite = await benchSummary('pglite', pglite.dataDir, seconds);
  const onPostgres = await benchSummary('postgres', postgres.databaseUrl!, seconds);
  say(
    `autocannon, 32 connections, ${seconds} s after a warm-up; the summary is signed in as a practitioner and cycles over 1,000 of their team's patients. Latency in ms.`,
  );
  say();
  say('| route | req/s | ratio to bare | p50 | p97.5 | p99 | non-2xx |');
  say('|---|---|---|---|---|---|---|');
  say(row('bare Fastify route', bare, bare));
  say(row('patient summary, PGlite', onPglite, bare));
  say(row('patient summary, PostgreSQL', onPostgres, bare));
  say();
  say('Each summary request resumes the session, checks the care relationship, reads the patient, its teams and its');
  say('timeline, and appends a hash-chained audit row (serialised across processes by an advisory lock), then renders');
  say('the page with the NHS.UK design-system macros.');
} finally {
  rmSync(pglite.dataDir, { recursive: true, force: true });
  dropDatabase(postgres.databaseUrl);
}
writeFileSync(join(import.meta.dirname, 'RESULTS.md'), `${lines.join('\n')}\n`);
