// The psychosocial assessment as a FHIR R4 ClinicalImpression: a pure mapping from the model, no I/O.
//
// Choices, and why:
// - ClinicalImpression, not RiskAssessment or Observation: the assessment is a clinician's narrative
//   appraisal of the person's situation, and Onward keeps no risk score, level or prediction
//   (docs/clinical-rules.md, "No risk scores", NICE NG225 1.6). RiskAssessment exists to carry predictions, so it is never used.
// - Each of the 12 sections is a `note` (Annotation), in the form's order, headed by the section's
//   heading. `finding` needs a coded item (itemCodeableConcept / itemReference), and coding a free-text
//   section would invent meaning the clinician did not record. An outside client shows notes as-is,
//   so the record reads the way it was written; each note also carries its section key in an extension
//   so a machine can tell the sections apart without parsing the heading.
// - `summary` holds the risk formulation: the assessment's synthesis, in words.
// - `code` is text only. No SNOMED CT concept for a (needs-led) psychosocial assessment could be checked
//   against a published terminology source. 710841007, once suggested, appears as "Assessment of anxiety
//   (procedure)" in Synthea-generated data in several public repositories, enough to rule it out;
//   225337009 is a suicide *risk* assessment, which this is not (NG225 1.6). 90407005 "Evaluation of
//   psychiatric state of patient (procedure)" is confirmed active on tx.fhir.org's SNOMED browser, but it
//   is a mental state evaluation, not this assessment, and a coding must mean the same as the text. Add a
//   coding only once checked in a terminology server (e.g. NHS England's, UK Clinical Edition).
// - The 48-hour follow-up due time has no home in ClinicalImpression, so it rides in an extension. The
//   follow-up itself is the followup part's business (a Task there); this is the deadline recorded when
//   the assessment was signed off, so a reader of the assessment alone still sees it.
// - Blank sections of a draft are left out: FHIR forbids empty strings and Annotation.text is required.
//   A final assessment has something under every heading (model.checkFinal).

import type { Annotation, ClinicalImpression, Extension, Patient, Reference } from '@medplum/fhirtypes';
import { type Assessment, sectionKeys, sections } from '../assessments/model.ts';

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/** Placeholder base for Onward's own extensions until they are published as StructureDefinitions. */
export const ONWARD_EXTENSION_BASE = 'https://onward.example/fhir/StructureDefinition';
export const FOLLOW_UP_DUE_URL = `${ONWARD_EXTENSION_BASE}/follow-up-due`;
export const ASSESSMENT_SECTION_URL = `${ONWARD_EXTENSION_BASE}/assessment-section`;

export const ASSESSMENT_CODE_TEXT = 'Psychosocial assessment after self-harm (NICE NG225)';

export type AssessmentFhirContext = {
  patient: { id: string; nhsNumber: string | null };
  assessorName: string;
  /**
   * This server's FHIR base (e.g. https://onward.nhs.example/fhir), given as meta.source. References
   * stay relative to it: R4 allows absolute ones, but clients (and @medplum/core's validator, which
   * warns "Invalid reference") read the first path segment as the resource type.
   */
  baseUrl?: string;
};

export function assessmentToFhir(a: Assessment, ctx: AssessmentFhirContext): ClinicalImpression {
  const final = a.status === 'final';
  const subject: Reference<Patient> = { reference: `Patient/${ctx.patient.id}` };
  if (ctx.patient.nhsNumber) subject.identifier = { system: NHS_NUMBER_SYSTEM, value: ctx.patient.nhsNumber };

  const note: Annotation[] = [];
  for (const key of sectionKeys) {
    const text = a.sections[key];
    if (text.trim() === '') continue;
    note.push({
      extension: [{ url: ASSESSMENT_SECTION_URL, valueCode: key }],
      text: `${sections[key].heading}\n\n${text}`,
    });
  }

  const extension: Extension[] = [];
  if (a.followUpDueAt) extension.push({ url: FOLLOW_UP_DUE_URL, valueDateTime: a.followUpDueAt.toISOString() });

  const recordedAt = final && a.finalisedAt ? a.finalisedAt : a.updatedAt;
  const resource: ClinicalImpression = {
    resourceType: 'ClinicalImpression',
    id: a.id,
    meta: {
      versionId: String(a.version),
      lastUpdated: a.updatedAt.toISOString(),
      ...(ctx.baseUrl ? { source: ctx.baseUrl.replace(/\/+$/, '') } : {}),
    },
    text: { status: 'generated', div: narrative(a, ctx.assessorName) },
    ...(extension.length ? { extension } : {}),
    status: final ? 'completed' : 'in-progress',
    code: { text: ASSESSMENT_CODE_TEXT },
    subject,
    // A presentation is the hospital episode after self-harm: an Encounter.
    encounter: { reference: `Encounter/${a.presentationId}` },
    effectivePeriod: {
      start: a.startedAt.toISOString(),
      ...(final && a.finalisedAt ? { end: a.finalisedAt.toISOString() } : {}),
    },
    date: recordedAt.toISOString(),
    assessor: { display: ctx.assessorName },
    ...(a.sections.formulation.trim() !== '' ? { summary: a.sections.formulation } : {}),
    ...(note.length ? { note } : {}),
  };
  return resource;
}

// --- Narrative: what a FHIR client without Onward's extensions shows. Everything typed is escaped. ---

const londonTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function escapeXhtml(s: string): string {
  return (
    s
      // Characters XML cannot hold at all (C0 controls other than tab, LF, CR).
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

function paragraphs(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${escapeXhtml(p).replace(/\n/g, '<br/>')}</p>`)
    .join('');
}

function narrative(a: Assessment, assessorName: string): string {
  const final = a.status === 'final';
  const parts = [
    `<h2>Psychosocial assessment${final ? '' : ' (draft)'}</h2>`,
    `<p>Assessor: ${escapeXhtml(assessorName)}. Started ${londonTime.format(a.startedAt)}.`,
    final && a.finalisedAt ? ` Signed off ${londonTime.format(a.finalisedAt)}.` : '',
    a.followUpDueAt ? ` Follow-up due by ${londonTime.format(a.followUpDueAt)}.` : '',
    '</p>',
  ];
  for (const key of sectionKeys) {
    const text = a.sections[key];
    if (text.trim() === '') continue;
    parts.push(`<h3>${escapeXhtml(sections[key].heading)}</h3>`, paragraphs(text));
  }
  return `<div xmlns="http://www.w3.org/1999/xhtml">${parts.join('')}</div>`;
}
