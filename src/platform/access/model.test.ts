import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRole, may, rolePermissions, roles } from './model.ts';

test('an analyst can reach no identifiable record', () => {
  for (const p of ['patient:search', 'patient:read', 'audit:read-patient-access'] as const) {
    assert.equal(may('analyst', p), false, p);
  }
});

test('a receiving-service clinician cannot search or open the hospital’s patients', () => {
  assert.equal(may('receiving-clinician', 'patient:search'), false);
  assert.equal(may('receiving-clinician', 'patient:read'), false);
  assert.equal(may('receiving-clinician', 'referral:inbox'), true);
});

test('nobody signed out reaches anything but public pages', () => {
  assert.equal(may(undefined, 'public'), true);
  assert.equal(may(undefined, 'signed-in'), false);
  assert.equal(may(undefined, 'patient:read'), false);
});

test('every role may reach its own home page and unknown roles are not roles', () => {
  for (const role of roles) assert.ok(rolePermissions[role].includes('signed-in'), role);
  assert.equal(isRole('superuser'), false);
  assert.equal(isRole(''), false);
  assert.equal(isRole(undefined), false);
  assert.equal(may('superuser', 'signed-in'), false);
  assert.equal(may('__proto__', 'patient:read'), false);
});
