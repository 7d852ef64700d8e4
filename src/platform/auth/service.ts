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
  | { ok: true; token: string; userId: string }
  | { ok: false; reason: 'unknown-or-wrong' | 'locked' | 'disabled' };

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
  const refuse = async (reason: 'unknown-or-wrong' | 'locked' | 'disabled'): Promise<SignInResult> => {
    await appendAudit(deps.db, {
      at: now,
      userId: account?.id ?? null,
      role: account?.role ?? null,
      action: 'session.sign-in',
      patientId: null,
      outcome: 'refused',
      detail: { reason },
    });
    return { ok: false, reason };
  };
  if (!account?.passwordHash) {
    // Spend the same time as a real check so response times do not reveal which usernames exist.
    await verifyPassword(input.password, await decoyHash(deps.passwordHashCost));
    return refuse('unknown-or-wrong');
  }
  const state = mayTrySignIn(account, now);
  if (state !== 'ok') return refuse(state);
  if (!(await verifyPassword(input.password, account.passwordHash))) {
    const next = afterFailedSignIn(account, now);
    await store.recordSignInFailure(deps.db, account.id, next.failedSignIns, next.lockedUntil);
    return refuse('unknown-or-wrong');
  }
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
  return { ok: true, token, userId: account.id };
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
  return { ok: true, user: { ...user, teamIds: await store.teamIdsOfUser(deps.db, user.id), sessionId: id } };
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
