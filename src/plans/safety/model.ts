import { blankProse, proseFrom } from '#platform/prose.ts';
import type { InError } from '#platform/withdrawal.ts';

// The safety plan (docs/clinical-rules.md step 4): written with the person, in their words, in the Stanley–Brown
// structure with "reasons for living" first as in Beyond Now and many NHS templates. The person
// keeps a copy (NICE NG225: share the safety plan with the person). There is no risk score or
// level here, nor anywhere (NG225 section 1.6).

export const sectionKeys = [
  'reasonsForLiving',
  'warningSigns',
  'copingAlone',
  'distractions',
  'askForHelp',
  'professionals',
  'saferSurroundings',
] as const;
export type SectionKey = (typeof sectionKeys)[number];
export type Sections = Record<SectionKey, string>;

/**
 * Each section as the person reads it ("I", "my"), with a hint for whoever writes it down with them.
 * `copyHint` is the plain-language prompt on the person's own copy.
 */
export const sections: Record<SectionKey, { heading: string; hint: string; copyHint: string }> = {
  reasonsForLiving: {
    heading: 'My reasons for living',
    hint: 'What matters most to them and keeps them going: people, pets, plans, beliefs, things to look forward to.',
    copyHint: 'What matters most to me and keeps me going.',
  },
  warningSigns: {
    heading: 'My warning signs',
    hint: 'Thoughts, feelings, situations or things they do that tell them a crisis may be starting.',
    copyHint: 'Thoughts, feelings and situations that tell me a crisis may be starting.',
  },
  copingAlone: {
    heading: 'Things I can do on my own',
    hint: 'What they can do by themselves to take their mind off things or feel calmer, without contacting anyone.',
    copyHint: 'What I can do by myself to feel calmer or take my mind off things.',
  },
  distractions: {
    heading: 'People and places that distract me',
    hint: 'People they can be with and places they can go to take their mind off things. Phone numbers where useful.',
    copyHint: 'People I can be with and places I can go to take my mind off things.',
  },
  askForHelp: {
    heading: 'People I can ask for help',
    hint: 'People they trust to talk to about how they feel, with phone numbers.',
    copyHint: 'People I trust to talk to about how I feel.',
  },
  professionals: {
    heading: 'Professionals and services I can contact',
    hint: 'Their own care team, GP and other services, with how and when to reach them.',
    copyHint: 'My care team, my GP and other services, and how to reach them.',
  },
  saferSurroundings: {
    heading: 'Making my surroundings safer',
    hint: 'What they will do to make where they are safer, such as who keeps their medicines or what they will remove.',
    copyHint: 'What I will do to make where I am safer.',
  },
};

/** The section the crisis contacts belong to: they are added by the system, never typed. */
export const contactsSection: SectionKey = 'professionals';

/** Long enough for a thorough section; short enough that seven of them still fit one printed page. */
export const SECTION_MAX = 4000;

export function emptySections(): Sections {
  return blankProse(sectionKeys);
}

/** Sections as stored: only known keys survive, each a string. */
export function toSections(value: unknown): Sections {
  return proseFrom(sectionKeys, value);
}

export type SafetyPlan = {
  id: string;
  patientId: string;
  teamId: string;
  teamName: string;
  sections: Sections;
  version: number;
  createdByName: string;
  createdAt: Date;
  updatedByName: string;
  updatedAt: Date;
  createdBy: string;
  /** Withdrawn as entered in error: who, when and why. Still readable, no longer the person's plan. */
  enteredInError: InError;
};

export type SectionProblem = { field: SectionKey | 'form'; message: string };

/** A plan to save: no section over the limit, and at least one written (a blank plan helps nobody). */
export function checkPlan(s: Sections): SectionProblem[] {
  const problems: SectionProblem[] = sectionKeys
    .filter((k) => s[k].length > SECTION_MAX)
    .map((k) => ({
      field: k,
      message: `${sections[k].heading} must be ${SECTION_MAX.toLocaleString('en-GB')} characters or fewer`,
    }));
  if (sectionKeys.every((k) => s[k].trim() === '')) {
    problems.push({ field: sectionKeys[0], message: 'Write at least one section of the safety plan with the person' });
  }
  return problems;
}

/** The sections whose text differs between two versions, in the plan's order. */
export function changedSections(before: Sections, after: Sections): SectionKey[] {
  return sectionKeys.filter((k) => before[k] !== after[k]);
}
