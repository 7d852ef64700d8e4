import { showDate } from '#platform/clock.ts';
import { type CrisisContact, crisisContacts } from '#platform/crisis-contacts.ts';
import { londonToday } from '#platform/forms.ts';
import type { PdfBlock, PdfDocument } from '#platform/pdf/blocks.ts';
import {
  contactsSection,
  type SafetyPlan,
  type SectionKey,
  type Sections,
  sectionKeys,
  sections,
} from '../plans/safety/model.ts';

// The person's own copy of their safety plan: one of the documents that leave the hospital, so it
// lives with the others (the care-plan letter, and the referral letters to come). The same words
// on the web page and in the one-page PDF; the 24-hour crisis lines always on it (NICE NG225:
// share the safety plan with the person).

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
