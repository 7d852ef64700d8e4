import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashCost, hashPassword, verifyPassword } from './password.ts';

test('a password verifies against its own hash and no other', async () => {
  const stored = await hashPassword('correct horse battery staple', 10);
  assert.match(stored, /^scrypt\$10\$8\$1\$/);
  assert.equal(await verifyPassword('correct horse battery staple', stored), true);
  assert.equal(await verifyPassword('correct horse battery stapler', stored), false);
  assert.equal(await verifyPassword('', stored), false);
  assert.equal(hashCost(stored), 10);
});

test('the same password hashes differently each time (salted)', async () => {
  assert.notEqual(await hashPassword('same', 10), await hashPassword('same', 10));
});

test('a malformed stored hash never verifies', async () => {
  assert.equal(await verifyPassword('x', 'plain-text-password'), false);
  assert.equal(await verifyPassword('x', 'bcrypt$1$2$3$4$5'), false);
});
