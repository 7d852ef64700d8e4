import { createHash } from 'node:crypto';
import { storableText } from '../http/input.ts';

// The audit trail is a hash chain: each entry's hash covers its own content and the hash of the
// entry before it. Changing, inserting or removing an entry breaks every link after it.

export type AuditOutcome = 'ok' | 'refused' | 'failed';

export type AuditEntry = {
  seq: number;
  at: Date;
  /**
   * Microseconds past `at`'s millisecond (0–999). The column keeps microseconds and a JavaScript
   * Date only milliseconds, so a change below the millisecond would otherwise go unseen.
   */
  atMicros?: number;
  userId: string | null;
  role: string | null;
  action: string;
  patientId: string | null;
  outcome: AuditOutcome;
  /** JSON text, kept as written so the hash can be recomputed byte for byte. */
  detail: string;
  prevHash: string;
  hash: string;
};

/** The hash before the first entry. */
export const GENESIS = '0'.repeat(64);

/**
 * The timestamp as the column keeps it: milliseconds as ISO 8601, and the three further digits
 * only when a row holds any (every row Onward writes has none, so its hash is unchanged by them).
 */
export function canonicalTime(at: Date, micros = 0): string {
  const iso = at.toISOString();
  return micros === 0 ? iso : `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

const canonicalUuid = (id: string | null) => (id === null ? null : id.toLowerCase());
const canonicalText = (t: string | null) => (t === null ? null : storableText(t));

export function hashEntry(e: Omit<AuditEntry, 'hash'>): string {
  const content = JSON.stringify([
    e.seq,
    canonicalTime(e.at, e.atMicros),
    e.userId,
    e.role,
    e.action,
    e.patientId,
    e.outcome,
    e.detail,
    e.prevHash,
  ]);
  return createHash('sha256').update(content).digest('hex');
}

/**
 * An entry in the one form the database keeps and the hash covers: ids in the lower case
 * PostgreSQL stores, text without what it refuses, time to the millisecond a Date holds (the column
 * then keeps zero microseconds). Appending stores this form and verify reads it back, so any entry
 * round-trips intact.
 */
export function canonicalContent(
  e: Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>,
): Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'> {
  return {
    at: new Date(e.at.getTime()),
    atMicros: 0,
    userId: canonicalUuid(e.userId),
    role: canonicalText(e.role),
    action: storableText(e.action),
    patientId: canonicalUuid(e.patientId),
    outcome: e.outcome,
    detail: storableText(e.detail),
  };
}

export function chainEntry(
  previous: { seq: number; hash: string } | undefined,
  e: Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>,
): AuditEntry {
  const seq = (previous?.seq ?? 0) + 1;
  const prevHash = previous?.hash ?? GENESIS;
  const unhashed = { ...canonicalContent(e), seq, prevHash };
  return { ...unhashed, hash: hashEntry(unhashed) };
}

export type ChainBreak = {
  seq: number;
  problem: 'content-changed' | 'link-broken' | 'sequence-gap' | 'out-of-order' | 'outside-chain';
  message: string;
};

/**
 * Walk entries in order, carrying the state from the previous page so a chain of millions of
 * entries can be verified page by page in constant memory.
 */
export type VerifyState = {
  seq: number;
  hash: string;
  checked: number;
  breaks: ChainBreak[];
  /** The writing transaction and id of the last entry, where the store gives them: the chain's order. */
  order?: { txid: number; id: number };
};

export const startVerify = (): VerifyState => ({ seq: 0, hash: GENESIS, checked: 0, breaks: [] });

export function verifyPage(
  state: VerifyState,
  entries: readonly (AuditEntry & { txid?: number; id?: number })[],
): VerifyState {
  let { seq, hash, checked, order } = state;
  const breaks = [...state.breaks];
  for (const e of entries) {
    if (e.seq !== seq + 1) {
      breaks.push({
        seq: e.seq,
        problem: 'sequence-gap',
        message: `entry ${e.seq} follows entry ${seq}: ${e.seq - seq - 1 > 0 ? `${e.seq - seq - 1} missing` : 'out of order'}`,
      });
    }
    if (e.prevHash !== hash) {
      breaks.push({
        seq: e.seq,
        problem: 'link-broken',
        message: `entry ${e.seq} does not link to the entry before it`,
      });
    }
    if (hashEntry(e) !== e.hash) {
      breaks.push({
        seq: e.seq,
        problem: 'content-changed',
        message: `entry ${e.seq} was changed after it was written`,
      });
    }
    // The sealer chains in order of writing transaction, then id; entries from before sealing
    // existed (transaction 0) come first. A sealed entry out of that order was moved or forged.
    if (e.txid !== undefined && e.id !== undefined) {
      if (order && (e.txid < order.txid || (e.txid === order.txid && e.txid > 0 && e.id < order.id))) {
        breaks.push({
          seq: e.seq,
          problem: 'out-of-order',
          message: `entry ${e.seq} was written before entry ${e.seq - 1} but chained after it`,
        });
      }
      order = { txid: e.txid, id: e.id };
    }
    seq = e.seq;
    hash = e.hash;
    checked++;
  }
  return { seq, hash, checked, breaks, order };
}
