import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CriterionCode, checkService, criteria, inCatchment, niceConflicts, type Service } from './model.ts';

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
