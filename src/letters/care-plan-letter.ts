import { showDate, showDateTime } from '#platform/clock.ts';
import { crisisContacts } from '#platform/crisis-contacts.ts';
import type { PdfDocument } from '#platform/pdf/blocks.ts';
import { type AgreementWay, type CarePlanContent, itemKinds } from '../plans/care/model.ts';

// The letter that shares an agreed care plan with the person and, with consent, their GP (NICE
// NG225: share the care plan): one of the documents that leave the hospital, kept together in
// letters/ with the person's safety-plan copy and, to come, the referral letters. Written to the person in plain words; one source for the page and
// the PDF so they always say the same thing.

export type LetterFacts = {
  givenName: string;
  /** As the person would write it: "Jo Marsh". */
  fullName: string;
  /** The GP practice's name, when the practice is known. */
  gpPracticeName: string | null;
  letterDate: string;
  dateOfBirth: string;
  nhsNumber: string;
  gpPracticeOds: string | null;
  gpConsent: boolean;
  teamName: string;
  hospitalName: string;
  agreedAt: Date;
  agreedHow: AgreementWay;
  agreedByName: string;
  version: number;
  content: CarePlanContent;
};

const how: Record<AgreementWay, string> = { 'in-person': 'in person', phone: 'on the phone', video: 'on a video call' };

export type Letter = {
  title: string;
  about: { term: string; detail: string }[];
  opening: string[];
  summary: string;
  items: { kind: string; text: string; owner: string; due: string }[];
  closing: string[];
  signOff: string;
};

export function carePlanLetter(f: LetterFacts): Letter {
  return {
    title: 'Your care plan',
    about: [
      { term: 'Date', detail: showDate(f.letterDate) },
      { term: 'For', detail: f.fullName },
      { term: 'Date of birth', detail: showDate(f.dateOfBirth) },
      { term: 'NHS number', detail: f.nhsNumber },
      {
        term: 'Copy to',
        detail: f.gpConsent
          ? (f.gpPracticeName ?? `Your GP practice${f.gpPracticeOds ? ` (${f.gpPracticeOds})` : ''}`)
          : 'Nobody else: you asked us not to send a copy to your GP',
      },
    ],
    opening: [
      `Dear ${f.givenName},`,
      `This is a copy of the plan we made together at ${f.hospitalName}. You agreed it with ${f.agreedByName} ${how[f.agreedHow]} on ${showDateTime(f.agreedAt)}.`,
      f.gpConsent
        ? 'As you agreed, we are sending a copy to your GP so they know what is planned and can help.'
        : 'We have not sent a copy to your GP. You can show them this letter if you would like them to know.',
    ],
    summary: f.content.summary,
    items: f.content.items.map((i) => ({
      kind: itemKinds[i.kind],
      text: i.text,
      owner: toYou(i.owner),
      due: showDate(i.due),
    })),
    closing: [
      `If anything in this plan is not right, or stops working for you, contact the ${f.teamName} at ${f.hospitalName} and we will change it with you.`,
      'If you feel you cannot keep yourself safe, you do not have to wait for an appointment: use the numbers below at any time.',
    ],
    signOff: `${f.teamName}, ${f.hospitalName}`,
  };
}

export function letterPdf(letter: Letter, version: number): PdfDocument {
  return {
    title: letter.title,
    author: letter.signOff,
    subject: 'Care plan',
    footer: `Care plan version ${version} · ${letter.signOff}`,
    blocks: [
      { kind: 'definitions', items: letter.about },
      ...letter.opening.map((text) => ({ kind: 'paragraph' as const, text })),
      ...(letter.summary
        ? [
            { kind: 'heading' as const, text: 'What matters to you', level: 2 as const },
            { kind: 'paragraph' as const, text: letter.summary },
          ]
        : []),
      { kind: 'heading', text: 'What we agreed', level: 2 },
      letter.items.length
        ? {
            kind: 'list',
            items: letter.items.map((i) => `${i.kind}: ${sentence(i.text)} Who: ${i.owner}. By: ${i.due}.`),
          }
        : { kind: 'paragraph', text: 'No goals or actions were written down.' },
      ...letter.closing.map((text) => ({ kind: 'paragraph' as const, text })),
      {
        kind: 'box',
        title: 'If you need help now',
        blocks: [
          { kind: 'definitions', items: crisisContacts.map((c) => ({ term: c.name, detail: `${c.how}. ${c.when}.` })) },
        ],
      },
      { kind: 'paragraph', text: `From ${letter.signOff}` },
    ],
  };
}

/** A line of the plan as a sentence, so "Who:" never runs on from it. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

/** The letter is written to the person: an item the plan gives to "the person" is theirs, "You". */
export function toYou(owner: string): string {
  return /^(the )?(person|patient)$/i.test(owner.trim()) ? 'You' : owner;
}
