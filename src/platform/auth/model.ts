import type { Discipline, Role } from '../access/model.ts';

// Who is signed in, and the rules that end a session. Idle 30 minutes, absolute 12 hours: a
// shared ward computer left signed in must not stay open to the next person for long.

export const IDLE_LIMIT_MS = 30 * 60 * 1000;
export const ABSOLUTE_LIMIT_MS = 12 * 60 * 60 * 1000;
/** After this many failed attempts in a row an account is locked for LOCK_MS. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MS = 15 * 60 * 1000;

export type SignedInUser = {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  discipline: Discipline | null;
  teamIds: string[];
  sessionId: string;
};

export type SessionTimes = { lastSeenAt: Date; expiresAt: Date; endedAt: Date | null };

export type SessionState = 'active' | 'idle' | 'expired' | 'ended';

export function sessionState(s: SessionTimes, now: Date): SessionState {
  if (s.endedAt) return 'ended';
  if (now.getTime() >= s.expiresAt.getTime()) return 'expired';
  if (now.getTime() - s.lastSeenAt.getTime() >= IDLE_LIMIT_MS) return 'idle';
  return 'active';
}

export function newSessionTimes(now: Date): { createdAt: Date; lastSeenAt: Date; expiresAt: Date } {
  return { createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + ABSOLUTE_LIMIT_MS) };
}

export type AccountState = { disabledAt: Date | null; lockedUntil: Date | null; failedSignIns: number };

export function mayTrySignIn(a: AccountState, now: Date): 'ok' | 'disabled' | 'locked' {
  if (a.disabledAt) return 'disabled';
  if (a.lockedUntil && a.lockedUntil.getTime() > now.getTime()) return 'locked';
  return 'ok';
}

/** After a wrong password: how many failures now, and whether the account locks. */
export function afterFailedSignIn(a: AccountState, now: Date): { failedSignIns: number; lockedUntil: Date | null } {
  // A lock that has run out starts the count again.
  const previous = a.lockedUntil && a.lockedUntil.getTime() <= now.getTime() ? 0 : a.failedSignIns;
  const failedSignIns = previous + 1;
  return {
    failedSignIns,
    lockedUntil: failedSignIns >= MAX_FAILED_SIGN_INS ? new Date(now.getTime() + LOCK_MS) : a.lockedUntil,
  };
}
