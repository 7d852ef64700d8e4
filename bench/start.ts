import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, startProcess, stats } from './process.ts';

/** Cold start (empty DATA_DIR: initdb, migrations, 500-patient demo) and warm restart to /readyz. */
export async function benchStart(runs = 5) {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'onward-bench-start-'));
    try {
      const first = await startProcess([bin, 'serve'], { DATA_DIR: dataDir, DATABASE_URL: undefined });
      cold.push(first.readyMs);
      await first.stop();
      const second = await startProcess([bin, 'serve'], { DATA_DIR: dataDir, DATABASE_URL: undefined });
      warm.push(second.readyMs);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { cold: stats(cold), warm: stats(warm), runs };
}
