import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchClinical, clinicalReport } from './clinical.ts';
import { benchClosedLoop, closedLoopReport } from './closed-loop.ts';
import { benchDirectory, directoryReport } from './directory.ts';
import { benchFrontDoor, frontDoorReport } from './front-door.ts';
import { machineLines } from './lib/machine.ts';
import type { Engine, Store } from './lib/stores.ts';
import { benchOutbox, outboxReport } from './outbox.ts';
import { type SeedSeries, seedAndKeep, seedReport, seedSeries } from './seed.ts';
import { benchSignIn, signInReport } from './sign-in.ts';
import { benchStart, startReport } from './start.ts';
import { benchSummary, summaryReport } from './summary.ts';

// npm run bench [-- start|seed|summary|clinical …] [--options]: prints a markdown report; a run of every
// part also writes it to bench/RESULTS.md (or to --out); --merge puts the sections of a partial run into
// that file in place of the same sections. Defaults take about 13 minutes on 2 cores (clinical about 7).
// front-door (about 10 minutes more) runs only when named: it is not one of the default five.

const usage = `node bench/run.ts [start] [seed] [summary] [clinical] [sign-in] [front-door] [directory] [closed-loop] [outbox] [options]
                                        (no part named: the first five; front-door, directory, closed-loop and outbox only when named)

  --start-runs R   cold and warm starts (default 5)
  --sign-in-runs R sign-in: attempts of each kind (default 15)
  --patients N     the big seed, also the data the summary is measured on (default 1000000)
  --small N        the smaller seed, repeated (default 100000)
  --small-runs R   how many times the smaller seed runs on each engine (default 3)
  --seconds S      each measured autocannon run (default 10; front-door 8)
  --warmup S       autocannon warm-up per target (default 3)
  --rounds R       measured rounds per target (default 3)
  --ids N          patients visited round-robin (default 1000); front-door: also the register people sent
                   to each of its routes
  --postgres-patients N   clinical: patients seeded in PostgreSQL (default 833333: about 1,000,000 presentations)
  --pglite-patients N     clinical: patients seeded in PGlite (default 83333: about 100,000 presentations)
  --connections A,B       clinical, front-door: concurrency levels, each measured every round (default 1,32)
  --postgres-register N   front-door: people on the PostgreSQL population register (default 1000000), 1 in 20
                          of them patients in care (onward seed --patients N/20 --population N-N/20)
  --pglite-register N     front-door: the same on PGlite (default 100000)
  --services N     directory: generated services in the directory (default 5000)
  --samples N      directory, closed-loop: requests of each kind, p50 and p95 (default 200)
  --postgres-referrals N  closed-loop: referrals made in PostgreSQL (default 1000000)
  --pglite-referrals N    closed-loop: referrals made in PGlite (default 100000)
  --messages N     outbox: messages through one worker (default 500)
  --out FILE       write the report there (default bench/RESULTS.md when all parts run)
  --merge          put this run's sections into bench/RESULTS.md (or --out) in place of the sections of the
                   same name, each with its own command and machine lines; the other sections stay`;

// The parts a run with none named does; front-door is named on its own (it adds about 10 minutes).
const defaultParts = ['start', 'seed', 'summary', 'clinical', 'sign-in'] as const;
const parts = [...defaultParts, 'front-door', 'directory', 'closed-loop', 'outbox'] as const;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'start-runs': { type: 'string', default: '5' },
    'sign-in-runs': { type: 'string', default: '15' },
    patients: { type: 'string', default: '1000000' },
    small: { type: 'string', default: '100000' },
    'small-runs': { type: 'string', default: '3' },
    // No default here: it differs by part (secondsOr).
    seconds: { type: 'string' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    ids: { type: 'string', default: '1000' },
    'postgres-patients': { type: 'string', default: '833333' },
    'pglite-patients': { type: 'string', default: '83333' },
    connections: { type: 'string', default: '1,32' },
    'postgres-register': { type: 'string', default: '1000000' },
    'pglite-register': { type: 'string', default: '100000' },
    services: { type: 'string', default: '5000' },
    samples: { type: 'string', default: '200' },
    'postgres-referrals': { type: 'string', default: '1000000' },
    'pglite-referrals': { type: 'string', default: '100000' },
    messages: { type: 'string', default: '500' },
    out: { type: 'string' },
    merge: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || positionals.some((p) => !(parts as readonly string[]).includes(p))) {
  process.stdout.write(`${usage}\n`);
  process.exit(values.help ? 0 : 2);
}
const chosen = new Set<string>(positionals.length > 0 ? positionals : defaultParts);
const count = (name: keyof typeof values, min = 1) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number, ${min} or more`);
  return n;
};
/** --seconds as given, else the part's own default. */
const secondsOr = (byDefault: number) => (values.seconds === undefined ? byDefault : count('seconds'));
const bigPatients = count('patients');
const connectionLevels = values.connections.split(',').map((c) => {
  const n = Number(c);
  if (!Number.isInteger(n) || n < 1) throw new Error('--connections must be whole numbers, 1 or more, comma-separated');
  return n;
});

const progress = (line: string) => process.stderr.write(`${line}\n`);
const began = performance.now();
const args = process.argv.slice(2).join(' ');
const command = `\`node bench/run.ts${args ? ` ${args}` : ''}\` (the same as \`npm run bench${args ? ` -- ${args}` : ''}\`)`;
const machine = machineLines();
// Each part adds its section (a "## " heading and what follows).
const report: string[] = [];

if (chosen.has('start')) {
  progress('start-up…');
  report.push(...startReport(await benchStart(count('start-runs'), progress)), '');
}

if (chosen.has('sign-in')) {
  progress('sign-in timing…');
  const runs = count('sign-in-runs');
  report.push(...signInReport(await benchSignIn(runs, progress), runs), '');
}

let stores: Store[] = [];
try {
  if (chosen.has('seed') || chosen.has('summary')) {
    const series: SeedSeries[] = [];
    if (chosen.has('seed')) {
      progress('seeding, small…');
      series.push(...(await seedSeries(count('small'), count('small-runs'), progress)));
    }
    // The big seed is both a figure and the data the summary is measured on: done once, used twice.
    progress('seeding, big…');
    const big = await seedAndKeep(bigPatients, progress);
    stores = big.stores;
    series.push(...big.series);
    report.push(...seedReport(series), '');
  }
  if (chosen.has('summary')) {
    progress('patient summary against a bare route…');
    const options = {
      seconds: secondsOr(10),
      warmupSeconds: count('warmup'),
      rounds: count('rounds'),
      ids: count('ids'),
    };
    report.push(...summaryReport(await benchSummary(stores, options, progress)), '');
  }
  if (chosen.has('clinical')) {
    progress('patient summary and saving an assessment, server time, against a bare route…');
    const options = {
      sizes: [
        { engine: 'postgres' as Engine, patients: count('postgres-patients') },
        { engine: 'pglite' as Engine, patients: count('pglite-patients') },
      ],
      seconds: secondsOr(10),
      warmupSeconds: count('warmup'),
      rounds: count('rounds'),
      connections: connectionLevels,
      ids: count('ids'),
    };
    report.push(...clinicalReport(await benchClinical(options, progress, (store) => stores.push(store))), '');
  }
  if (chosen.has('front-door')) {
    progress('front door: trace and duplicate check against the population register, server time…');
    // 1 in 20 of the register are patients in a liaison team's care; the rest are in nobody's.
    const register = (engine: Engine, name: 'postgres-register' | 'pglite-register') => {
      const people = count(name, 20);
      const patients = Math.round(people / 20);
      return { engine, patients, population: people - patients };
    };
    const options = {
      sizes: [register('postgres', 'postgres-register'), register('pglite', 'pglite-register')],
      seconds: secondsOr(8),
      warmupSeconds: count('warmup'),
      rounds: count('rounds'),
      connections: connectionLevels,
      people: count('ids'),
    };
    report.push(...frontDoorReport(await benchFrontDoor(options, progress, (store) => stores.push(store))), '');
  }
  if (chosen.has('directory')) {
    progress('directory: import, matching, letters and PDFs against the ceiling page…');
    const options = {
      services: count('services'),
      samples: count('samples'),
      engines: ['postgres', 'pglite'] as Engine[],
    };
    report.push(...directoryReport(await benchDirectory(options, progress), options), '');
  }
  if (chosen.has('closed-loop')) {
    progress('closed-loop: inbox, referrer list, unmet-need figures and a transition against the ceiling page…');
    const options = {
      referrals: { postgres: count('postgres-referrals'), pglite: count('pglite-referrals') },
      samples: count('samples'),
      engines: ['postgres', 'pglite'] as Engine[],
    };
    report.push(...closedLoopReport(await benchClosedLoop(options, progress), options), '');
  }
  if (chosen.has('outbox')) {
    progress('outbox: the job insert, messages a second, commit to hand-over under page load…');
    const options = {
      messages: count('messages'),
      seconds: secondsOr(20),
      samples: count('samples'),
      engines: ['postgres', 'pglite'] as Engine[],
    };
    report.push(...outboxReport(await benchOutbox(options, progress), options), '');
  }
} finally {
  for (const store of stores) await store.drop();
}

const load = loadavg()
  .map((n) => n.toFixed(2))
  .join(', ');
const wholeRun = `Whole run: ${((performance.now() - began) / 60_000).toFixed(1)} min; load average at the end ${load}.`;
const text = [
  '# Onward benchmark results',
  '',
  `Command: ${command},`,
  'with Node 24 first on PATH. Medians are the figures to quote: the machine is shared and noisy.',
  'Other ways in: `node bench/run.ts start` (or `seed`, `summary`, `clinical`, `front-door`: one part; `summary`, `clinical`',
  'and `front-door` seed their own data), `node bench/run.ts --help` for the options. Everything is timed inside the benchmark process.',
  '',
  ...machine,
  '',
  ...report,
  wholeRun,
  '',
].join('\n');
process.stdout.write(text);
const out =
  values.out ??
  (defaultParts.every((p) => chosen.has(p)) || values.merge ? join(import.meta.dirname, 'RESULTS.md') : undefined);
if (out) {
  writeFileSync(out, values.merge && existsSync(out) ? merge(readFileSync(out, 'utf8')) : text);
  progress(`written to ${out}`);
}

/** The file with this run's sections in place of the same-named ones (or added at its end). */
function merge(file: string): string {
  const lines = file.split('\n');
  const sections = splitSections(report);
  for (const section of sections) {
    const [heading, ...rest] = section;
    const own = [
      heading!,
      '',
      `Measured in a run of its own: ${command}; ${wholeRun.charAt(0).toLowerCase()}${wholeRun.slice(1)}`,
      ...machine,
      ...rest,
    ];
    const at = lines.indexOf(heading!);
    if (at >= 0) {
      let end = at + 1;
      while (end < lines.length && !lines[end]!.startsWith('## ') && !lines[end]!.startsWith('Whole run:')) end++;
      lines.splice(at, end - at, ...own);
    } else {
      // After everything, the full run's closing line included: this section was measured apart from it.
      while (lines.at(-1) === '') lines.pop();
      lines.push('', ...own);
    }
  }
  return lines.join('\n');
}

function splitSections(all: readonly string[]): string[][] {
  const out: string[][] = [];
  for (const line of all) {
    if (line.startsWith('## ')) out.push([line]);
    else out.at(-1)?.push(line);
  }
  return out;
}
