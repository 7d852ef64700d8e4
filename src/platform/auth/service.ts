import { createHash, randomBytes } from 'node:crypto';
import { appendAudit } from '../audit/store.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/schema.ts';
import { afterFailedSignIn, mayTrySignIn, newSessionTimes, type SignedInUser, sessionState } from './model.ts';
import { decoyHash, hashCost, hashPassword, verifyPassword } from './password.ts';
import * as store from './store.ts';

// Sessions are independent of how a person proved who they are: local passwords today, an
// OpenID Connect provider (NHS CIS2) later. A provider's only job is to name a user id; then
// startSession does the rest, so the parts never see which provider was used.

export type AuthDeps = { db: Db; clock: Clock; passwordHashCost: number };

export type SignInResult =
  | { ok: true; token: string; userId: string; wasLocked: boolean }
  | { ok: false; reason: 'unknown-or-wrong' | 'disabled' };

/** The cookie carries the token; the database keeps only its hash. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function startSession(deps: AuthDeps, userId: string, replacing?: string): Promise<string> {
  const now = deps.clock.now();
  const token = randomBytes(32).toString('base64url');
  await deps.db.transaction().execute(async (tx) => {
    // A new id at every sign-in, and the old one ended, so a fixed session id cannot be reused.
    if (replacing) await store.endSession(tx, sessionIdOf(replacing), now, 'replaced');
    await store.insertSession(tx, { id: sessionIdOf(token), userId, ...newSessionTimes(now) });
  });
  return token;
}

/** Local accounts: check a username and password. */
export async function signInWithPassword(
  deps: AuthDeps,
  input: { username: string; password: string; previousToken?: string },
): Promise<SignInResult> {
  const now = deps.clock.now();
  const account = await store.findAccount(deps.db, input.username);
  // What the audit trail records is the real reason; what the person at the keyboard is told
  // never says whether the username exists or is locked (only "disabled", and only to someone
  // who has just given that account's right password).
  const refuse = async (
    reason: 'unknown' | 'wrong-password' | 'locked' | 'disabled',
    shown: 'unknown-or-wrong' | 'disabled' = 'unknown-or-wrong',
  ): Promise<SignInResult> => {
    await appendAudit(deps.db, {
      at: now,
      userId: account?.id ?? null,
      role: account?.role ?? null,
      action: 'session.sign-in',
      patientId: null,
      outcome: 'refused',
      detail: { reason },
    });
    return { ok: false, reason: shown };
  };
  // Every path spends one password check, so response times do not tell unknown, locked and
  // wrong apart either.
  if (!account?.passwordHash) {
    await verifyPassword(input.password, await decoyHash(deps.passwordHashCost));
    return refuse('unknown');
  }
  const rightPassword = await verifyPassword(input.password, account.passwordHash);
  const state = mayTrySignIn(account, now);
  if (state === 'locked') return refuse('locked');
  if (!rightPassword) {
    const next = afterFailedSignIn(account, now);
    await store.recordSignInFailure(deps.db, account.id, next.failedSignIns, next.lockedUntil);
    if (next.lockedUntil && next.lockedUntil !== account.lockedUntil) {
      // The owner is told at their next sign-in, and administrators see it on the accounts page.
      await appendAudit(deps.db, {
        at: now,
        userId: account.id,
        role: account.role,
        action: 'account.locked',
        patientId: null,
        outcome: 'ok',
        detail: { failedSignIns: next.failedSignIns, lockedUntil: next.lockedUntil.toISOString() },
      });
    }
    return refuse('wrong-password');
  }
  if (state === 'disabled') return refuse('disabled', 'disabled');
  const rehash =
    (hashCost(account.passwordHash) ?? 0) < deps.passwordHashCost
      ? await hashPassword(input.password, deps.passwordHashCost)
      : undefined;
  await store.recordSignInSuccess(deps.db, account.id, rehash);
  const token = await startSession(deps, account.id, input.previousToken);
  await appendAudit(deps.db, {
    at: now,
    userId: account.id,
    role: account.role,
    action: 'session.sign-in',
    patientId: null,
    outcome: 'ok',
  });
  // A lock still recorded at a successful sign-in is one that ran out since the last success.
  return { ok: true, token, userId: account.id, wasLocked: account.lockedUntil !== null };
}

export type ResumeResult =
  | { ok: true; user: SignedInUser }
  | { ok: false; reason: 'no-session' | 'idle' | 'expired' | 'ended' | 'account-disabled' };

// Writing last_seen_at on every request would double the writes of every page; a minute's
// granularity is plenty for a 30-minute idle limit.
const TOUCH_EVERY_MS = 60 * 1000;

export async function resumeSession(deps: AuthDeps, token: string): Promise<ResumeResult> {
  const now = deps.clock.now();
  const id = sessionIdOf(token);
  const session = await store.findSession(deps.db, id);
  if (!session) return { ok: false, reason: 'no-session' };
  if (session.user.disabledAt) {
    await store.endSession(deps.db, id, now, 'account-disabled');
    return { ok: false, reason: 'account-disabled' };
  }
  const state = sessionState(session, now);
  if (state !== 'active') {
    if (state !== 'ended') await store.endSession(deps.db, id, now, state);
    return { ok: false, reason: state };
  }
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await store.touchSession(deps.db, id, now);
  const { disabledAt: _disabled, ...user } = session.user;
  return { ok: true, user: { ...user, teamIds: session.teamIds, sessionId: id } };
}

export async function signOut(deps: AuthDeps, user: SignedInUser): Promise<void> {
  const now = deps.clock.now();
  await store.endSession(deps.db, user.sessionId, now, 'signed-out');
  await appendAudit(deps.db, {
    at: now,
    userId: user.id,
    role: user.role,
    action: 'session.sign-out',
    patientId: null,
    outcome: 'ok',
  });
}

/** Disabling an account ends every session it has, at once, in the database. */
export async function disableAccount(deps: AuthDeps, userId: string): Promise<number> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    await store.disableAccount(tx, userId, now);
    return store.endSessionsOfUser(tx, userId, now, 'account-disabled');
  });
}
