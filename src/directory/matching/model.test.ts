import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from '../model.ts';
import { matchServices } from './model.ts';

const service = (over: Partial<Service> = {}): Service => ({
  name: 'Talking Therapies North',
  providerOds: 'RW4',
  kind: 'talking-therapies',
  status: 'active',
  catchment: { districts: ['M8', 'M9'], practices: ['P84001'] },
  ages: { min: 16, max: null },
  criteria: [],
  referralMustContain: [],
  route: 'secure-email',
  phone: null,
  secureEmail: 'talking.north@nhs.net',
  address: null,
  openingTimes: 'Monday to Friday, 9am to 5pm',
  waitWeeks: 6,
  responseDays: 5,
  ...over,
});

test('matching: services that meet the person’s needs first, with reasons; those that would exclude them listed with why, conflicts marked', () => {
  const person = { needs: ['alcohol', 'money'] as const, age: 34, postcode: 'M8 1AA', gpPracticeOds: null };
  const tt = service({
    name: 'Talking Therapies',
    criteria: [
      { code: 'anxiety-depression', kind: 'eligibility', text: '' },
      { code: 'self-harm-current', kind: 'exclusion', text: '' },
    ],
  });
  const drink = service({
    name: 'Drink and drugs',
    kind: 'drug-alcohol',
    criteria: [
      { code: 'alcohol-use', kind: 'eligibility', text: '' },
      { code: 'drug-use', kind: 'eligibility', text: '' },
    ],
    waitWeeks: 2,
  });
  const debt = service({
    name: 'Debt advice',
    kind: 'voluntary-sector',
    catchment: { districts: [], practices: [] },
    criteria: [{ code: 'money-problem', kind: 'eligibility', text: '' }],
    waitWeeks: 3,
  });
  const haven = service({
    name: 'Safe haven',
    kind: 'voluntary-sector',
    criteria: [{ code: 'self-harm-current', kind: 'eligibility', text: '' }],
    waitWeeks: 0,
  });
  const crisis = service({
    name: 'Crisis team',
    kind: 'crisis-home-treatment',
    criteria: [
      { code: 'severe-enduring-illness', kind: 'eligibility', text: '' },
      { code: 'alcohol-use', kind: 'exclusion', text: '' },
    ],
  });
  const far = service({ name: 'Far away', catchment: { districts: ['WN5'], practices: [] } });
  const young = service({ name: 'Young people', kind: 'voluntary-sector', ages: { min: 16, max: 25 } });
  const closed = service({ name: 'Closed', status: 'temporarily-closed' });
  const gone = service({ name: 'Gone', status: 'inactive' });
  const { fits, excluded } = matchServices(person, [tt, drink, debt, haven, crisis, far, young, closed, gone]);
  assert.deepEqual(
    fits.map((f) => f.service.name),
    ['Drink and drugs', 'Debt advice', 'Safe haven'],
  );
  assert.ok(fits[0]!.reasons.includes('Meets a need: alcohol use'));
  assert.ok(fits[2]!.reasons.includes('Takes people after self-harm'));
  const why = Object.fromEntries(excluded.map((e) => [e.service.name, e.reasons]));
  assert.deepEqual(Object.keys(why).sort(), ['Closed', 'Crisis team', 'Far away', 'Talking Therapies', 'Young people']);
  assert.ok(why['Talking Therapies']!.includes('Excludes: self-harm now or recently'));
  assert.deepEqual(why['Crisis team'], ['Excludes: alcohol use', 'Takes only: severe and enduring mental illness']);
  assert.deepEqual(why['Far away'], ['The person lives outside its area']);
  assert.deepEqual(why['Young people'], ['Takes no one over 25']);
  // The conflicts travel with an exclusion, so it can be challenged.
  assert.deepEqual(
    excluded.find((e) => e.service.name === 'Talking Therapies')!.conflicts.map((c) => c.rule),
    ['self-harm'],
  );
});

test('being registered with a GP is known from the record, not asked as a need', () => {
  const gpOnly = service({
    name: 'Needs a GP',
    catchment: { districts: [], practices: [] },
    criteria: [{ code: 'registered-gp-in-area', kind: 'eligibility', text: '' }],
  });
  const person = { needs: ['money'] as const, age: 30, postcode: null };
  assert.equal(matchServices({ ...person, gpPracticeOds: 'Z10001' }, [gpOnly]).fits.length, 1);
  assert.deepEqual(matchServices({ ...person, gpPracticeOds: null }, [gpOnly]).excluded[0]?.reasons, [
    'Takes only: registered with a GP in the area',
  ]);
});
