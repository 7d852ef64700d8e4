import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { psql } from './stores.ts';

// What the figures were measured on: they mean little without it.

export function machineLines(): string[] {
  const cores = availableParallelism();
  const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  // Others edit this tree too: say which commit, and whether the product's sources differed from it.
  const changed = git('status', '--porcelain', '--', 'src', 'bin', 'package.json').split('\n').filter(Boolean).length;
  return [
    `- Onward at commit ${git('rev-parse', '--short', 'HEAD')} (${git('log', '-1', '--format=%s')})${changed ? `, with ${changed} uncommitted change(s) in src/, bin/ or package.json` : ''}`,
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Machine: nproc ${nproc} (Node sees ${cores}), ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM; shared with other work (load average at start ${load})`,
    `- Node ${process.version}; PostgreSQL ${psql('SHOW server_version')} on 127.0.0.1 (fsync ${psql('SHOW fsync')}, shared_buffers ${psql('SHOW shared_buffers')}, autovacuum ${psql('SHOW autovacuum')})`,
  ];
}
