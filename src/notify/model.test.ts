import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  afterReceipt,
  attemptFrom,
  emailProblem,
  idempotencyKey,
  type MessageState,
  mayResend,
  messageStates,
  needsAction,
  payloadHash,
  smtpFailure,
  stateAfter,
} from './model.ts';
import { notifyFailure } from './transports/notify.ts';

test('a message is what it is to whom: the same letter version to the same address is one key', () => {
  const a = idempotencyKey({ kind: 'referral-letter', subjectId: 'r1', version: 2, recipient: 'TT@nhs.net ' });
  assert.equal(a, idempotencyKey({ kind: 'referral-letter', subjectId: 'r1', version: 2, recipient: 'tt@nhs.net' }));
  assert.notEqual(a, idempotencyKey({ kind: 'referral-letter', subjectId: 'r1', version: 3, recipient: 'tt@nhs.net' }));
  assert.notEqual(a, idempotencyKey({ kind: 'referral-letter', subjectId: 'r1', version: 2, recipient: 'gp@nhs.net' }));
});

test('property: a payload hashes the same whatever the order of its keys, and differently when a value changes', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (o, extra) => {
      const reversed = Object.fromEntries(Object.entries(o).reverse());
      assert.equal(payloadHash(o), payloadHash(reversed));
      assert.equal(payloadHash(o).length, 64);
      const changed = { ...o, [`${extra}∆`]: 'x' };
      assert.notEqual(payloadHash(o), payloadHash(changed));
    }),
  );
});

test('an email address a mail server will take; anything else is named', () => {
  assert.equal(emailProblem('tt.referrals@nhs.net'), null);
  assert.equal(emailProblem('first.last+liaison@trust.nhs.uk'), null);
  for (const bad of [
    '',
    'no-at-sign',
    'two@@nhs.net',
    'a@b',
    'x<script>@nhs.net',
    'a b@nhs.net',
    `${'a'.repeat(250)}@nhs.net`,
  ])
    assert.ok(emailProblem(bad), `${bad} should be refused`);
});

test('an attempt sends a queued or retrying message, leaves a settled one, and never guesses about a half-sent one', () => {
  assert.equal(attemptFrom('queued'), 'send');
  assert.equal(attemptFrom('retrying'), 'send');
  assert.equal(attemptFrom('sending'), 'uncertain');
  for (const s of ['sent', 'delivered', 'kept', 'failed', 'dead', 'withheld', 'uncertain', 'refused'] as MessageState[])
    assert.equal(attemptFrom(s), 'settled');
});

test('after a hand-over: sent; refused for good; tried again until the last try, then dead; uncertain stays so', () => {
  assert.equal(stateAfter({ ok: true, transportId: 'x' }, false), 'sent');
  assert.equal(stateAfter({ ok: false, kind: 'permanent', reason: '' }, false), 'failed');
  assert.equal(stateAfter({ ok: false, kind: 'temporary', reason: '' }, false), 'retrying');
  assert.equal(stateAfter({ ok: false, kind: 'temporary', reason: '' }, true), 'dead');
  assert.equal(stateAfter({ ok: false, kind: 'uncertain', reason: '' }, true), 'uncertain');
  // Only what could not go, or may not have arrived, is sent again by a person.
  const again = (Object.keys(messageStates) as MessageState[]).filter(mayResend);
  assert.deepEqual(again.sort(), ['dead', 'failed', 'uncertain', 'undelivered']);
});

test('what an SMTP error means: a reply code is certain, no connection is certain, a lost conversation is not', () => {
  assert.equal(smtpFailure({ responseCode: 550, message: 'No such user' }).kind, 'permanent');
  assert.equal(smtpFailure({ responseCode: 552, message: 'Too big' }).kind, 'permanent');
  assert.equal(smtpFailure({ responseCode: 451, message: 'Greylisted' }).kind, 'temporary');
  assert.equal(smtpFailure({ code: 'ESOCKET', errno: 'ECONNREFUSED' }).kind, 'temporary');
  // As nodemailer reports a refused connection: its own code, the system call kept.
  assert.equal(smtpFailure({ code: 'ESOCKET', errno: -111, syscall: 'connect' }).kind, 'temporary');
  assert.equal(smtpFailure({ code: 'EDNS' }).kind, 'temporary');
  assert.equal(smtpFailure({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' }).kind, 'temporary');
  assert.equal(smtpFailure({ code: 'EENVELOPE' }).kind, 'permanent');
  assert.equal(smtpFailure({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' }).kind, 'uncertain');
  assert.equal(smtpFailure({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }).kind, 'uncertain');
});

test('a delivery receipt: delivered, or not delivered with what to do; anything else is not final', () => {
  assert.deepEqual(afterReceipt('delivered'), { to: 'delivered', why: null });
  for (const failure of ['permanent-failure', 'temporary-failure', 'technical-failure']) {
    const after = afterReceipt(failure);
    assert.equal(after?.to, 'undelivered');
    assert.ok(after?.why && after.why.length > 20);
    assert.ok(needsAction.includes('undelivered') && mayResend('undelivered'), 'a task a person can act on');
  }
  for (const passing of ['created', 'sending', 'pending', 'sent', 'nonsense'])
    assert.equal(afterReceipt(passing), null);
});

test('what a GOV.UK Notify error means: 400 refuses this message, 403 is the key (retried, then given up), the rest try later', () => {
  const error = (status: number | undefined, error = 'BadRequestError', message = 'Template not found') => ({
    message: 'Request failed',
    response: status ? { status, data: { errors: [{ error, message }] } } : undefined,
  });
  assert.equal(notifyFailure(error(400)).kind, 'permanent');
  assert.match(notifyFailure(error(400)).reason, /400 \(BadRequestError: Template not found\)/);
  assert.equal(notifyFailure(error(403, 'AuthError', 'Invalid token')).kind, 'temporary');
  assert.match(notifyFailure(error(403, 'AuthError', 'Invalid token')).reason, /Check NOTIFY_API_KEY/);
  assert.equal(notifyFailure(error(429, 'RateLimitError')).kind, 'temporary');
  assert.equal(notifyFailure(error(500, 'Exception')).kind, 'temporary');
  assert.equal(notifyFailure({ code: 'ECONNABORTED', message: 'timeout of 400ms exceeded' }).kind, 'temporary');
  assert.match(notifyFailure({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }).reason, /did not answer/);
});
