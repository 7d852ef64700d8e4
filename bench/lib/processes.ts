import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { untilDone } from './cleanup.ts';
import { childEnv, type Settings } from './env.ts';

// Child processes for the benchmarks: servers are timed from spawn to their first 200, commands
// from spawn to exit. Output is kept (the tail of it) so a failure says why instead of timing out.

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

function keepTail(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

/** How often a starting server is asked GET /readyz: sets the resolution of the start-up figures. */
export const READY_POLL_MS = 20;

export type Server = { base: string; pid: number; readyMs: number; stop(): Promise<void> };

/**
 * Spawn `node <args>` listening on a free port of 127.0.0.1 and wait until GET readyPath answers 200.
 * readyMs runs from just before spawn to that answer: Node start-up, TypeScript stripping, migrations
 * and any first-start seeding are all in it.
 */
export async function startServer(
  args: readonly string[],
  settings: Settings,
  readyPath = '/readyz',
  timeoutMs = 600_000,
): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: childEnv({ HOST: '127.0.0.1', PORT: String(port), ...settings }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = keepTail(child);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exitCode === undefined) child.kill('SIGTERM');
    await exited;
  };
  const done = untilDone(stop);
  exited.then(done);
  try {
    // Poll every 20 ms: finer than the start-up spread we report, coarse enough not to steal the child's CPU.
    while (performance.now() - started < timeoutMs) {
      if (exitCode !== undefined) throw new Error(`exited with code ${exitCode} before it was ready`);
      const status = await fetch(`${base}${readyPath}`).then(
        (r) => r.arrayBuffer().then(() => r.status),
        () => 0,
      );
      if (status === 200) return { base, pid: child.pid!, readyMs: performance.now() - started, stop };
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
    throw new Error(`not ready after ${timeoutMs} ms`);
  } catch (error) {
    await stop();
    throw new Error(`node ${args.join(' ')}: ${(error as Error).message}\n${output()}`);
  }
}

export type Finished = { wallMs: number; output: string };

/** Run `node <args>` to its end; wallMs is spawn to exit. Throws with the output if it fails. */
export function runCommand(args: readonly string[], settings: Settings): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env: childEnv(settings), stdio: ['ignore', 'pipe', 'pipe'] });
    let wallMs = 0;
    const exited = new Promise<void>((ended) =>
      child.once('exit', () => {
        wallMs = performance.now() - started;
        ended();
      }),
    );
    const done = untilDone(() => {
      child.kill('SIGTERM');
      return exited;
    });
    exited.then(done);
    // A seed prints a few lines; keep them whole (the figure we parse is in the last ones).
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.once('error', reject);
    // 'close' comes after the output is all read; the time is taken at 'exit'.
    child.once('close', (code) => {
      if (code === 0) resolve({ wallMs, output });
      else reject(new Error(`node ${args.join(' ')} exited with code ${code}\n${output.slice(-8000)}`));
    });
  });
}
