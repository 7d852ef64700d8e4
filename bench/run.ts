import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineLines } from './lib/machine.ts';
import type { Store } from './lib/stores.ts';
import { type SeedSeries, seedAndKeep, seedReport, seedSeries } from './seed.ts';
import { benchStart, startReport } from './start.ts';
import { benchSummary, summaryReport } from './summary.ts';

// npm run bench [-- start|seed|summary …] [--options]: prints a markdown report; a run of every part
// also writes it to bench/RESULTS.md (or to --out). Defaults take about 5 minutes on 2 cores.

const usage = `node bench/run.ts [start] [seed] [summary] [options]     (no part named: all three)

  --start-runs R   cold and warm starts (default 5)
  --patients N     the big seed, also the data the summary is measured on (default 1000000)
  --small N        the smaller seed, repeated (default 100000)
  --small-runs R   how many times the smaller seed runs on each engine (default 3)
  --seconds S      each measured autocannon run (default 10)
  --warmup S       autocannon warm-up per target (default 3)
  --rounds R       measured rounds per target (default 3)
  --ids N          patients visited round-robin (default 1000)
  --out FILE       write the report there (default bench/RESULTS.md when all parts run)`;

const parts = ['start', 'seed', 'summary'] as const;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'start-runs': { type: 'string', default: '5' },
    patients: { type: 'string', default: '1000000' },
    small: { type: 'string', default: '100000' },
    'small-runs': { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    ids: { type: 'string', default: '1000' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || positionals.some((p) => !(parts as readonly string[]).includes(p))) {
  process.stdout.write(`${usage}\n`);
  process.exit(values.help ? 0 : 2);
}
const chosen = new Set(positionals.length > 0 ? positionals : parts);
const count = (name: keyof typeof values, min = 1) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number, ${min} or more`);
  return n;
};
const bigPatients = count('patients');

const progress = (line: string) => process.stderr.write(`${line}\n`);
const began = performance.now();
const report: string[] = [
  '# Onward benchmark results',
  '',
  `Command: \`node bench/run.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}\` (the same as \`npm run bench\`${process.argv.length > 2 ? ' with these arguments' : ''}),`,
  'with Node 24 first on PATH. Medians are the figures to quote: the machine is shared and noisy.',
  'Other ways in: `node bench/run.ts start` (or `seed`, `summary`: one part; `summary` seeds its own data),',
  '`node bench/run.ts --help` for the options. Everything is timed inside the benchmark process.',
  '',
  ...machineLines(),
  '',
];

if (chosen.has('start')) {
  progress('start-up…');
  report.push(...startReport(await benchStart(count('start-runs'), progress)), '');
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
      seconds: count('seconds'),
      warmupSeconds: count('warmup'),
      rounds: count('rounds'),
      ids: count('ids'),
    };
    report.push(...summaryReport(await benchSummary(stores, options, progress)), '');
  }
} finally {
  for (const store of stores) await store.drop();
}

const load = loadavg()
  .map((n) => n.toFixed(2))
  .join(', ');
report.push(`Whole run: ${((performance.now() - began) / 60_000).toFixed(1)} min; load average at the end ${load}.`);
const text = `${report.join('\n')}\n`;
process.stdout.write(text);
const out = values.out ?? (chosen.size === parts.length ? join(import.meta.dirname, 'RESULTS.md') : undefined);
if (out) {
  writeFileSync(out, text);
  progress(`written to ${out}`);
}
