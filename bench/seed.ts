import { onwardBin } from './lib/env.ts';
import { seconds, table, whole } from './lib/format.ts';
import { runCommand } from './lib/processes.ts';
import { type Spread, spread } from './lib/stats.ts';
import { type Engine, engineName, newStore, type Store } from './lib/stores.ts';

// Seeding the demo ICS through the real CLI into a new, empty store. Two figures per run: the wall time
// of the whole command (Node start-up, migrations, generation, COPY, ANALYZE, close) and the time the CLI
// prints itself ("Seeded N patients … in X s", generation to ANALYZE only). A population, when given, is
// that many more people on the population register, in nobody's care (`--population`; without it the
// CLI's own default).

export const AS_OF = '2026-11-01';
export const seedArgs = (patients: number | string, population?: number | string) => [
  'seed',
  '--seed',
  '1',
  '--patients',
  String(patients),
  ...(population === undefined ? [] : ['--population', String(population)]),
  '--as-of',
  AS_OF,
];

export type Seeded = {
  engine: Engine;
  patients: number;
  /** Presentations the CLI says it seeded with the patients (undefined if it does not say). */
  presentations: number | undefined;
  /** People the CLI says the population register holds, patients included (undefined if it does not say). */
  register?: number | undefined;
  wallS: number;
  cliS: number;
};

/** Seed a new store; the store is returned so the caller can reuse it, and must drop it. */
export async function seedInto(
  engine: Engine,
  patients: number,
  population?: number,
): Promise<Seeded & { store: Store }> {
  const store = newStore(engine);
  try {
    const done = await runCommand([onwardBin, ...seedArgs(patients, population)], store.settings);
    // "Seeded 1,000 patients in 1.0 s", or "… patients and 1,200 presentations in 1.0 s" since the demo has them.
    const said = /Seeded ([\d,]+) patients(?: and ([\d,]+) presentations)? in ([\d.]+) s/.exec(done.output);
    if (!said || Number(said[1]!.replaceAll(',', '')) !== patients) {
      throw new Error(`the seed did not report ${patients} patients:\n${done.output}`);
    }
    const presentations = said[2] === undefined ? undefined : Number(said[2].replaceAll(',', ''));
    // "The population register holds 1,000,000 people, patients included."
    const held = /population register holds ([\d,]+) people/.exec(done.output)?.[1];
    const register = held === undefined ? undefined : Number(held.replaceAll(',', ''));
    return { engine, patients, presentations, register, wallS: done.wallMs / 1000, cliS: Number(said[3]), store };
  } catch (error) {
    await store.drop();
    throw error;
  }
}

export type SeedSeries = {
  engine: Engine;
  patients: number;
  presentations: number | undefined;
  runs: number;
  wall: Spread;
  cli: Spread;
};

/** `runs` seeds of each engine, alternated so a slow spell of the machine does not land on one engine. */
export async function seedSeries(patients: number, runs: number, say: (line: string) => void): Promise<SeedSeries[]> {
  const engines: Engine[] = ['pglite', 'postgres'];
  const seen = new Map<Engine, Seeded[]>(engines.map((e) => [e, []]));
  for (let run = 1; run <= runs; run++) {
    for (const engine of engines) {
      const seeded = await seedInto(engine, patients);
      await seeded.store.drop();
      seen.get(engine)!.push(seeded);
      say(`  seed ${whole(patients)} on ${engine} ${run}/${runs}: ${seconds(seeded.wallS)}`);
    }
  }
  return engines.map((engine) => {
    const all = seen.get(engine)!;
    return {
      engine,
      patients,
      presentations: all[0]?.presentations,
      runs,
      wall: spread(all.map((s) => s.wallS)),
      cli: spread(all.map((s) => s.cliS)),
    };
  });
}

/** One seed of each engine, kept for the summary benchmark: the caller drops the stores. */
export async function seedAndKeep(
  patients: number,
  say: (line: string) => void,
): Promise<{ series: SeedSeries[]; stores: Store[] }> {
  const series: SeedSeries[] = [];
  const stores: Store[] = [];
  try {
    for (const engine of ['pglite', 'postgres'] as const) {
      const seeded = await seedInto(engine, patients);
      stores.push(seeded.store);
      const one = (n: number) => spread([n]);
      const { presentations, wallS, cliS } = seeded;
      series.push({ engine, patients, presentations, runs: 1, wall: one(wallS), cli: one(cliS) });
      say(`  seed ${whole(patients)} on ${engine}: ${seconds(seeded.wallS)}`);
    }
    return { series, stores };
  } catch (error) {
    for (const store of stores) await store.drop();
    throw error;
  }
}

export function seedReport(series: readonly SeedSeries[]): string[] {
  const range = (s: Spread, runs: number) =>
    runs === 1 ? seconds(s.median) : `${seconds(s.median)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
  return [
    '## Seeding the demo',
    '',
    `\`node bin/onward.js ${seedArgs('N').join(' ')}\` into a new empty DATA_DIR (PGlite) or a new`,
    'PostgreSQL database. "Whole command" is spawn to exit, timed in the benchmark process; "CLI figure" is what the',
    'command prints ("Seeded N patients and M presentations in X s": generation, COPY of patients, care relationships',
    'and presentations in one transaction, ANALYZE). Median (min–max).',
    '',
    ...table(
      ['patients', 'presentations', 'engine', 'runs', 'whole command', 'CLI figure'],
      series.map((s) => [
        whole(s.patients),
        s.presentations === undefined ? '–' : whole(s.presentations),
        engineName[s.engine],
        String(s.runs),
        range(s.wall, s.runs),
        range(s.cli, s.runs),
      ]),
    ),
  ];
}
