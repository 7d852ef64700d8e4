import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessPathOf, mayShow, openThroughCare, openThroughReferral } from './record.ts';

const person = { id: 'p1', givenName: 'Alex' };

test('care opens a record only for a member of a team caring for the person now, and says which', () => {
  assert.equal(openThroughCare(person, { teamIds: ['a'] }, []), undefined);
  assert.equal(openThroughCare(person, { teamIds: ['a'] }, ['b']), undefined);
  assert.equal(openThroughCare(person, { teamIds: [] }, ['b']), undefined);
  const opened = openThroughCare(person, { teamIds: ['a', 'b'] }, ['b', 'c'])!;
  assert.equal(opened.givenName, 'Alex');
  assert.deepEqual(accessPathOf(opened), { kind: 'care', teamIds: ['b'] });
  // The brand is not an own enumerable key a page could leak, and the original is untouched.
  assert.deepEqual(Object.keys(opened), ['id', 'givenName']);
  assert.deepEqual(JSON.parse(JSON.stringify(opened)), person);
  assert.equal(Object.getOwnPropertySymbols(person).length, 0);
  assert.ok(mayShow(opened, 'assessment') && mayShow(opened, 'safety-plan'));
});

test('a referral opens a record only for the service it was sent to, only while live, showing only what was consented', () => {
  const referral = { id: 'r1', serviceTeamId: 'svc', live: true, consented: ['safety-plan'] as const };
  assert.equal(openThroughReferral(person, { teamIds: ['liaison'] }, referral), undefined);
  assert.equal(openThroughReferral(person, { teamIds: ['svc'] }, { ...referral, live: false }), undefined);
  const opened = openThroughReferral(person, { teamIds: ['svc'] }, referral)!;
  assert.deepEqual(accessPathOf(opened), {
    kind: 'referral',
    referralId: 'r1',
    serviceTeamId: 'svc',
    shared: ['safety-plan'],
  });
  assert.equal(mayShow(opened, 'safety-plan'), true);
  assert.equal(mayShow(opened, 'assessment'), false);
  assert.equal(mayShow(opened, 'care-plan'), false);
});
