import { readFileSync } from 'node:fs';
import pg from 'pg';

// CPU time spent by the PostgreSQL backends serving one database, read from /proc (PostgreSQL runs on
// this machine). The server's pool opens and closes connections as it likes (pg closes a client idle
// for 10 s), so the backends are sampled during the run: each backend counts from when it was first seen
// (from 0 if it started during the run) to when it was last seen. Other people's databases on the same
// PostgreSQL are not counted.

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux
const SAMPLE_MS = 250;

function cpuTicks(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces), from the third: utime is the 14th field, stime the 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

export type CpuSampler = { stop(): Promise<number> };

/** Start sampling the backends of the database at `url`; stop() gives their CPU milliseconds since. */
export async function sampleBackendCpu(url: string): Promise<CpuSampler> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const sample = async (initial: boolean) => {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    for (const { pid } of rows) {
      const ticks = cpuTicks(pid);
      if (ticks === undefined) continue;
      if (!first.has(pid)) first.set(pid, initial ? ticks : 0);
      last.set(pid, ticks);
    }
  };
  await sample(true);
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(() => sample(false)).catch(() => {});
  }, SAMPLE_MS);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      await sample(false);
      await client.end();
      let ticks = 0;
      for (const [pid, end] of last) ticks += end - first.get(pid)!;
      return (ticks * 1000) / TICKS_PER_SECOND;
    },
  };
}
