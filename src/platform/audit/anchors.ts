import { appendFile, readFile } from 'node:fs/promises';
import type { Db } from '../db/schema.ts';
import { sealedHead } from './store.ts';

// A hash chain shows that nothing inside it changed, but not that its end was not cut off, nor
// that someone with the database's keys did not rewrite and re-chain it all. So the head (its
// sequence and hash) is published at intervals somewhere the database cannot reach: a line in the
// structured log and a line in a file outside the data folder. `onward audit verify --against`
// then proves every published head is still in the chain.

export type Anchor = { seq: number; hash: string; at: string };

export type AnchorProblem = { line: number; message: string };

/** The anchor file: one JSON object a line. Lines that are not anchors are named, not skipped. */
export function parseAnchors(text: string): { anchors: Anchor[]; problems: AnchorProblem[] } {
  const anchors: Anchor[] = [];
  const problems: AnchorProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ line: i + 1, message: `line ${i + 1} is not JSON` });
      return;
    }
    const a = value as Partial<Anchor> | null;
    if (
      !a ||
      typeof a !== 'object' ||
      !Number.isSafeInteger(a.seq) ||
      (a.seq as number) < 1 ||
      typeof a.hash !== 'string' ||
      !/^[0-9a-f]{64}$/.test(a.hash) ||
      typeof a.at !== 'string'
    ) {
      problems.push({ line: i + 1, message: `line ${i + 1} is not an audit head (seq, hash, at)` });
      return;
    }
    anchors.push({ seq: a.seq as number, hash: a.hash, at: a.at });
  });
  return { anchors, problems };
}

export async function readAnchorFile(path: string) {
  return parseAnchors(await readFile(path, 'utf8'));
}

/**
 * Publish the head if it moved since the last publication. Returns what was published, if anything.
 * Several servers may publish to one file: the lines are short appends, and repeats are harmless.
 */
export function makeAnchorPublisher(options: {
  db: Db;
  file: string | undefined;
  now: () => Date;
  log: (anchor: Anchor) => void;
}) {
  let last = 0;
  return async function publish(): Promise<Anchor | undefined> {
    const head = await sealedHead(options.db);
    if (!head || head.seq === last) return undefined;
    const anchor = { seq: head.seq, hash: head.hash, at: options.now().toISOString() };
    options.log(anchor);
    if (options.file) await appendFile(options.file, `${JSON.stringify(anchor)}\n`, { mode: 0o640 });
    last = head.seq;
    return anchor;
  };
}

/** Each published head must still be in the chain, with the same hash. */
export async function checkAnchors(db: Db, anchors: readonly Anchor[]): Promise<string[]> {
  const problems: string[] = [];
  const seqs = [...new Set(anchors.map((a) => a.seq))];
  const stored = new Map<number, string>();
  for (let i = 0; i < seqs.length; i += 1000) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('seq', 'in', seqs.slice(i, i + 1000))
      .execute();
    for (const r of rows) if (r.seq !== null && r.hash !== null) stored.set(r.seq, r.hash);
  }
  for (const a of anchors) {
    const hash = stored.get(a.seq);
    if (hash === undefined)
      problems.push(`the head published at ${a.at} (entry ${a.seq}) is missing: entries were removed from the end`);
    else if (hash !== a.hash)
      problems.push(`the head published at ${a.at} (entry ${a.seq}) has a different hash now: the chain was rewritten`);
  }
  return problems;
}
