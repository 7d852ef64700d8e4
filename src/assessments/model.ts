import { defineMachine } from '#platform/state.ts';
import type { InError } from '#platform/withdrawal.ts';
// The needs-led psychosocial assessment (docs/clinical-rules.md step 2; NICE NG225 section 1.5). It is a set of
// prose sections written with the person. There is deliberately no risk score, risk level or
// scale here (NG225 section 1.6): the risk formulation is a narrative like every other section.

import { blankProse, proseFrom } from '#platform/prose.ts';

export const sectionKeys = [
  'whatHappened',
  'ownWords',
  'wants',
  'mentalHealth',
  'physicalHealth',
  'alcoholDrugs',
  'social',
  'relationships',
  'safeguarding',
  'strengths',
  'previousSelfHarm',
  'formulation',
] as const;
export type SectionKey = (typeof sectionKeys)[number];
export type Sections = Record<SectionKey, string>;

export const sections: Record<SectionKey, { heading: string; hint: string }> = {
  whatHappened: {
    heading: 'What happened and why',
    hint: 'The events leading up to coming to hospital, and what the person understands of why.',
  },
  ownWords: {
    heading: 'In the person’s own words',
    hint: 'What they said about what happened, in their words. Use quotation marks for direct quotes.',
  },
  wants: {
    heading: 'What the person wants',
    hint: 'What they would like to happen now, and from any help after they leave hospital.',
  },
  mentalHealth: { heading: 'Mental health', hint: 'Current mental state, history, and any care they already have.' },
  physicalHealth: {
    heading: 'Physical health',
    hint: 'Conditions, pain, medicines, and the effects of this attendance.',
  },
  alcoholDrugs: { heading: 'Alcohol and drug use', hint: 'Use now and before, and how it relates to what happened.' },
  social: {
    heading: 'Social circumstances',
    hint: 'Housing, money and debt, work or study, isolation, and any recent losses.',
  },
  relationships: {
    heading: 'Relationships, family and carers',
    hint: 'Who is important to them, who they would like involved, and any caring responsibilities.',
  },
  safeguarding: {
    heading: 'Safeguarding',
    hint: 'Children or adults at risk connected to the person, abuse or exploitation, and any action taken.',
  },
  strengths: {
    heading: 'Strengths and reasons for living',
    hint: 'What keeps them going, what they are good at, and who or what they value.',
  },
  previousSelfHarm: {
    heading: 'Previous self-harm and what helped',
    hint: 'Earlier episodes, and what helped or did not help before.',
  },
  formulation: {
    heading: 'Risk formulation',
    hint: 'In words, not a score: what makes things worse or better for this person, now and in the weeks ahead, and what will help keep them safe.',
  },
};

/** Long enough for a thorough section; short enough that a form stays within the body limit. */
export const SECTION_MAX = 10_000;

export function emptySections(): Sections {
  return blankProse(sectionKeys);
}

/** Sections as stored: only known keys survive, each a string. */
export function toSections(value: unknown): Sections {
  return proseFrom(sectionKeys, value);
}

export type AssessmentStatus = 'draft' | 'final';

/** A draft is saved as often as needed and finalised once; a finalised assessment is read, not edited. */
export const assessmentStates = defineMachine({
  subject: 'This assessment',
  states: { draft: 'is a draft', final: 'has been finalised' } satisfies Record<AssessmentStatus, string>,
  events: {
    'assessment.draft-saved': {
      from: ['draft'],
      to: 'draft',
      code: 'assessment-finalised',
      refused: 'This assessment can no longer be changed',
    },
    'assessment.finalised': {
      from: ['draft'],
      to: 'final',
      code: 'assessment-finalised',
      refused: 'This assessment can no longer be changed',
    },
    // What was signed is never edited: anything learned later is added beside it, attributed and dated.
    'assessment.addendum-added': {
      from: ['final'],
      to: 'final',
      code: 'assessment-not-final',
      refused: 'A draft is changed by editing it: addenda are for a finalised assessment',
    },
  },
});

/** An addendum is prose like a section, and as long at most. */
export const ADDENDUM_MAX = 10_000;

export type Assessment = {
  id: string;
  patientId: string;
  presentationId: string;
  teamId: string;
  status: AssessmentStatus;
  sections: Sections;
  version: number;
  startedBy: string;
  startedByName: string;
  startedAt: Date;
  updatedByName: string;
  updatedAt: Date;
  finalisedByName: string | null;
  finalisedAt: Date | null;
  followUpDueAt: Date | null;
  finalisedBy: string | null;
  /** Withdrawn as entered in error: who, when and why. Still readable, out of the default views. */
  enteredInError: InError;
};

export type SectionProblem = { field: SectionKey; message: string };

/** Any save: no section longer than the limit. A draft may be partly written or empty. */
export function checkDraft(s: Sections): SectionProblem[] {
  return sectionKeys
    .filter((k) => s[k].length > SECTION_MAX)
    .map((k) => ({
      field: k,
      message: `${sections[k].heading} must be ${SECTION_MAX.toLocaleString('en-GB')} characters or fewer`,
    }));
}

/**
 * Finalising signs the assessment off. Every section must say something, even "not discussed —
 * the person did not want to talk about this", so a blank is never mistaken for "nothing found".
 */
export function checkFinal(s: Sections): SectionProblem[] {
  const problems = checkDraft(s);
  for (const k of sectionKeys) {
    if (s[k].trim() === '' && !problems.some((p) => p.field === k)) {
      problems.push({
        field: k,
        message: `Write something under “${sections[k].heading}”, even if only that it was not discussed`,
      });
    }
  }
  return problems;
}
