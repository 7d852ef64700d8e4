// A run interrupted with Ctrl-C (or SIGTERM) must not leave servers running, temp folders on disk or
// databases in PostgreSQL. Whatever creates one registers how to undo it until it is undone normally.

type Undo = () => unknown;
const pending = new Set<Undo>();

/** Remember undo until the returned function is called (when the thing is cleaned up normally). */
export function untilDone(undo: Undo): () => void {
  pending.add(undo);
  return () => pending.delete(undo);
}

async function interrupted(signal: NodeJS.Signals): Promise<void> {
  process.stderr.write(`\n${signal}: cleaning up…\n`);
  // Newest first: servers stop before the stores they use are dropped.
  for (const undo of [...pending].reverse()) {
    try {
      await undo();
    } catch (error) {
      process.stderr.write(`  cleanup: ${(error as Error).message}\n`);
    }
  }
  process.exit(130);
}

process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);
