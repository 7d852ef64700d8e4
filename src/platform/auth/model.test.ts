import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ABSOLUTE_LIMIT_MS,
  afterFailedSignIn,
  IDLE_LIMIT_MS,
  LOCK_MS,
  MAX_FAILED_SIGN_INS,
  mayTrySignIn,
  newSessionTimes,
  sessionState,
} from './model.ts';

const t0 = new Date('2026-03-01T09:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

test('a session goes idle after 30 minutes without a request', () => {
  const s = { ...newSessionTimes(t0), endedAt: null };
  assert.equal(sessionState(s, at(IDLE_LIMIT_MS - 1)), 'active');
  assert.equal(sessionState(s, at(IDLE_LIMIT_MS)), 'idle');
});

test('a session in constant use still ends after 12 hours', () => {
  const s = { ...newSessionTimes(t0), endedAt: null, lastSeenAt: at(ABSOLUTE_LIMIT_MS - 1000) };
  assert.equal(sessionState(s, at(ABSOLUTE_LIMIT_MS - 1)), 'active');
  assert.equal(sessionState(s, at(ABSOLUTE_LIMIT_MS)), 'expired');
});

test('an ended session stays ended', () => {
  assert.equal(sessionState({ ...newSessionTimes(t0), endedAt: t0 }, t0), 'ended');
});

test('five wrong passwords lock an account for 15 minutes, then the count restarts', () => {
  let account = { disabledAt: null, lockedUntil: null as Date | null, failedSignIns: 0 };
  for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) account = { ...account, ...afterFailedSignIn(account, t0) };
  assert.equal(mayTrySignIn(account, at(1)), 'locked');
  assert.equal(mayTrySignIn(account, at(LOCK_MS)), 'ok');
  assert.equal(afterFailedSignIn(account, at(LOCK_MS)).failedSignIns, 1);
});

test('a disabled account cannot sign in', () => {
  assert.equal(mayTrySignIn({ disabledAt: t0, lockedUntil: null, failedSignIns: 0 }, t0), 'disabled');
});
