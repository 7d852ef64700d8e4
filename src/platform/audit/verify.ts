import type { Db } from '../db/schema.ts';
import { type ChainBreak, startVerify, verifyPage } from './model.ts';
import { auditPage } from './store.ts';

export type VerifyReport = { checked: number; headSeq: number; headHash: string; breaks: ChainBreak[] };

/** Walk the whole chain in pages. The head hash is printed so it can be kept outside the database. */
export async function verifyAuditChain(db: Db, pageSize = 10_000): Promise<VerifyReport> {
  let state = startVerify();
  for (;;) {
    const page = await auditPage(db, state.seq, pageSize);
    if (page.length === 0) break;
    state = verifyPage(state, page);
  }
  return { checked: state.checked, headSeq: state.seq, headHash: state.hash, breaks: state.breaks };
}
