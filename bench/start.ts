import { readConfig } from '../src/platform/config.ts';
import { onwardBin } from './lib/env.ts';
import { milliseconds, table } from './lib/format.ts';
import { READY_POLL_MS, startServer } from './lib/processes.ts';
import { type Spread, spread } from './lib/stats.ts';
import { newStore } from './lib/stores.ts';

// Start-up on the embedded database, as someone trying Onward would see it: `onward serve` on a new,
// empty DATA_DIR (initdb, migrations, the default demo, one scrypt hash), then again on the same folder.

// The product's own default demo size: the environment leaves DEMO_PATIENTS unset, as a first try would.
const demoPatients = (() => {
  const read = readConfig({});
  if (!read.ok) throw new Error(read.problems.join('; '));
  return read.config.demoPatients;
})();

export type StartResult = { runs: number; cold: Spread; warm: Spread };

export async function benchStart(runs: number, say: (line: string) => void): Promise<StartResult> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const store = newStore('pglite');
    try {
      const settings = store.settings;
      const first = await startServer([onwardBin, 'serve'], settings);
      await first.stop();
      const second = await startServer([onwardBin, 'serve'], settings);
      await second.stop();
      cold.push(first.readyMs);
      warm.push(second.readyMs);
      say(`  start ${run}/${runs}: cold ${milliseconds(first.readyMs)}, warm ${milliseconds(second.readyMs)}`);
    } finally {
      await store.drop();
    }
  }
  return { runs, cold: spread(cold), warm: spread(warm) };
}

export function startReport(r: StartResult): string[] {
  const row = (name: string, s: Spread) => [name, milliseconds(s.min), milliseconds(s.median), milliseconds(s.max)];
  return [
    '## Start-up to ready (embedded database)',
    '',
    `Wall time from spawning \`node bin/onward.js serve\` to the first 200 from \`GET /readyz\` (polled every ${READY_POLL_MS} ms),`,
    `${r.runs} runs each, timed in the benchmark process. Each run gets a new empty DATA_DIR and a free port.`,
    '',
    ...table(
      ['start', 'min', 'median', 'max'],
      [
        row(`cold: empty DATA_DIR (initdb, migrations, default ${demoPatients}-patient demo seeded)`, r.cold),
        row('warm: same DATA_DIR, already seeded', r.warm),
      ],
    ),
  ];
}
