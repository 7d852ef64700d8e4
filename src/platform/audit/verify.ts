import type { Db } from '../db/schema.ts';
import { type ChainBreak, startVerify, verifyPage } from './model.ts';
import { auditPage, unsealedEntries } from './store.ts';

export type VerifyReport = {
  checked: number;
  headSeq: number;
  headHash: string;
  /** Entries written but not yet chained by the sealer (normal for a second or so). */
  unsealed: number;
  breaks: ChainBreak[];
};

/** Walk the whole sealed chain in pages, then look for entries that were put in outside it. */
export async function verifyAuditChain(db: Db, pageSize = 10_000): Promise<VerifyReport> {
  let state = startVerify();
  for (;;) {
    const page = await auditPage(db, state.seq, pageSize);
    if (page.length === 0) break;
    state = verifyPage(state, page);
  }
  const { unsealed, stray } = await unsealedEntries(db);
  const breaks = [
    ...state.breaks,
    ...stray.map((id) => ({
      seq: state.seq,
      problem: 'outside-chain' as const,
      message: `entry id ${id} is older than the chain's head but not in the chain: it was added outside Onward`,
    })),
  ];
  return { checked: state.checked, headSeq: state.seq, headHash: state.hash, unsealed, breaks };
}
