import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CriterionCode,
  checkService,
  criteria,
  inCatchment,
  matchServices,
  niceConflicts,
  type Service,
} from './model.ts';

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

const conflictsOf = (code: CriterionCode, kind: 'eligibility' | 'exclusion', over: Partial<Service> = {}) =>
  niceConflicts(service({ ...over, criteria: [{ code, kind, text: '' }] })).map((c) => c.rule);

test('excluding on self-harm, a risk level, a diagnosis, drugs or alcohol, or a co-existing condition conflicts with NG225', () => {
  assert.deepEqual(conflictsOf('self-harm-current', 'exclusion'), ['self-harm']);
  assert.deepEqual(conflictsOf('suicidal-thoughts', 'exclusion'), ['self-harm']);
  assert.deepEqual(conflictsOf('risk-high', 'exclusion'), ['risk-level']);
  assert.deepEqual(conflictsOf('personality-disorder', 'exclusion'), ['diagnosis']);
  assert.deepEqual(conflictsOf('alcohol-use', 'exclusion'), ['drugs-alcohol']);
  assert.deepEqual(conflictsOf('drug-use', 'exclusion'), ['drugs-alcohol']);
  assert.deepEqual(conflictsOf('learning-disability', 'exclusion'), ['co-existing']);
  assert.deepEqual(conflictsOf('autism', 'exclusion'), ['co-existing']);
});

test('taking only people with a diagnosis or a risk level conflicts; taking only those who want the help does not', () => {
  assert.deepEqual(conflictsOf('severe-enduring-illness', 'eligibility'), ['diagnosis']);
  assert.deepEqual(conflictsOf('risk-low-moderate', 'eligibility'), ['risk-level']);
  assert.deepEqual(conflictsOf('wants-talking-therapy', 'eligibility'), []);
  assert.deepEqual(conflictsOf('registered-gp-in-area', 'eligibility'), []);
  // A service for people who self-harm, or who drink, welcomes them: no conflict.
  assert.deepEqual(conflictsOf('self-harm-current', 'eligibility'), []);
  assert.deepEqual(conflictsOf('alcohol-use', 'eligibility'), []);
  assert.deepEqual(conflictsOf('in-current-care', 'exclusion'), []);
});

test('every criterion that names a ground NG225 forbids is checked both ways it could be used', () => {
  for (const [code, c] of Object.entries(criteria)) {
    const out = conflictsOf(code as CriterionCode, 'exclusion');
    assert.deepEqual(out, c.excluding ? [c.excluding] : [], code);
  }
});

test('an upper age limit on a service for every adult conflicts; a young people’s or a voluntary service’s remit does not', () => {
  assert.deepEqual(
    niceConflicts(service({ ages: { min: 18, max: 65 } })).map((c) => c.rule),
    ['age'],
  );
  assert.deepEqual(niceConflicts(service({ ages: { min: 18, max: null } })), []);
  assert.deepEqual(niceConflicts(service({ kind: 'voluntary-sector', ages: { min: 16, max: 25 } })), []);
  const conflict = niceConflicts(service({ ages: { min: 18, max: 64 } }))[0]!;
  assert.equal(conflict.why, 'Takes no one over 64');
  assert.match(conflict.text, /NG225/);
});

test('a service is checked: age range the right way up, real districts and practices, known codes, a way to refer', () => {
  assert.deepEqual(checkService(service()), []);
  const fields = (s: Service) => checkService(s).map((p) => p.field);
  assert.deepEqual(fields(service({ ages: { min: 65, max: 18 } })), ['ageMax']);
  assert.deepEqual(fields(service({ catchment: { districts: ['M8 1AA'], practices: [] } })), ['districts']);
  assert.deepEqual(fields(service({ catchment: { districts: ['M8', 'M8'], practices: [] } })), ['districts']);
  assert.deepEqual(fields(service({ catchment: { districts: [], practices: ['NOPE'] } })), ['practices']);
  assert.deepEqual(fields(service({ secureEmail: null })), ['secureEmail']);
  assert.deepEqual(fields(service({ route: 'phone' })), ['phone']);
  assert.deepEqual(fields(service({ providerOds: 'not an ods' })), ['providerOds']);
  assert.deepEqual(fields(service({ criteria: [{ code: 'made-up' as CriterionCode, kind: 'exclusion', text: '' }] })), [
    'criteria',
  ]);
  assert.deepEqual(
    fields(
      service({
        criteria: [
          { code: 'drug-use', kind: 'exclusion', text: '' },
          { code: 'drug-use', kind: 'exclusion', text: 'again' },
        ],
      }),
    ),
    ['criteria'],
  );
});

test('the catchment: by postcode district or GP practice; none given means anywhere', () => {
  const s = service();
  assert.ok(inCatchment(s, { postcode: 'm8 1aa', gpPracticeOds: null }));
  assert.ok(inCatchment(s, { postcode: 'WN5 0AA', gpPracticeOds: 'P84001' }));
  assert.ok(!inCatchment(s, { postcode: 'WN5 0AA', gpPracticeOds: null }));
  assert.ok(!inCatchment(s, { postcode: null, gpPracticeOds: null }));
  assert.ok(
    inCatchment(service({ catchment: { districts: [], practices: [] } }), { postcode: null, gpPracticeOds: null }),
  );
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
