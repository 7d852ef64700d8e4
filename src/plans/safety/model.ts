import { showDate } from '#platform/clock.ts';
import { type CrisisContact, crisisContacts } from '#platform/crisis-contacts.ts';
import { londonToday } from '#platform/forms.ts';
import type { PdfBlock, PdfDocument } from '#platform/pdf/blocks.ts';
import { blankProse, proseFrom } from '#platform/prose.ts';

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

/** The name the person is called by on their own copy: as they would write it, not as a banner shows it. */
export function copyName(p: { givenName: string; familyName: string }): string {
  return `${p.givenName} ${p.familyName}`.trim();
}

/** What the person's copy says, in order: the same for the web page and the printed PDF. */
export type CopySection = { key: SectionKey; heading: string; hint: string; text: string; contacts: boolean };

export function copySections(s: Sections): CopySection[] {
  return sectionKeys.map((key) => ({
    key,
    heading: sections[key].heading,
    hint: sections[key].copyHint,
    text: s[key].trim(),
    contacts: key === contactsSection,
  }));
}

export const crisisBoxTitle = 'Help any time, day or night';

/** The support lines every copy carries (docs/clinical-rules.md "Support lines to show people"). */
export function crisisLines(): readonly CrisisContact[] {
  return crisisContacts;
}

/** What an unwritten section says on the person's copy. */
export const notWritten = 'Nothing written here yet.';

/** The date the person's copy was last changed, as they would read it ("25 November 2026"). */
export function copyDate(at: Date): string {
  return showDate(londonToday(at));
}

/**
 * The person's copy as a one-page PDF: the same words as the web copy, with the crisis contacts
 * in one box under "Professionals and services I can contact". Every string is drawn as plain text.
 */
export function copyDocument(
  plan: Pick<SafetyPlan, 'sections' | 'version' | 'updatedAt' | 'teamName'>,
  name: string,
): PdfDocument {
  const date = copyDate(plan.updatedAt);
  const blocks: PdfBlock[] = [
    { kind: 'paragraph', text: copyIntro(name, plan.teamName, date) },
    { kind: 'paragraph', text: copyHowTo },
  ];
  copySections(plan.sections).forEach((s, i) => {
    blocks.push({ kind: 'heading', level: 2, text: `${i + 1}. ${s.heading}` });
    // The people and services to phone are never cut to fit the page before the other sections are.
    const contacts = s.key === 'askForHelp' || s.key === 'professionals';
    blocks.push({ kind: 'paragraph', text: s.text || notWritten, keep: contacts });
    if (s.contacts) {
      blocks.push({
        kind: 'box',
        title: crisisBoxTitle,
        blocks: [
          {
            kind: 'definitions',
            items: crisisLines().map((c) => ({ term: c.name, detail: `${c.how}. ${c.when}.` })),
          },
        ],
      });
    }
  });
  return {
    title: 'My safety plan',
    subject: 'Safety plan',
    blocks,
    footer: `My safety plan, version ${plan.version}, last changed ${date}`,
  };
}

export function copyIntro(name: string, teamName: string, date: string): string {
  return `This plan belongs to ${name}. I wrote it with ${teamName}. Last changed ${date}.`;
}

export const copyHowTo =
  'When I notice my warning signs, I can go through these steps in order, one at a time, until I feel safer.';
