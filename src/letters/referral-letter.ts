import { disciplineNames, roleNames } from '#platform/access/model.ts';
import { showDate } from '#platform/clock.ts';
import { crisisContacts } from '#platform/crisis-contacts.ts';
import { isKeyOf } from '#platform/http/input.ts';
import type { PdfBlock, PdfDocument } from '#platform/pdf/blocks.ts';
import type { Letter } from '../referrals/model.ts';

// The referral letter, written for the service it goes to, on the team's letterhead; and the
// person's own copy in plain words. One description of each feeds the page and the PDF, so what a
// GP's secretary prints says what the practitioner previewed.

/** Who a letter is from: kept with a sent referral as it stood, so a sent letter never changes. */
export type Letterhead = {
  organisation: string;
  team: string;
  address: string | null;
  phone: string | null;
  secureEmail: string | null;
  clinician: string;
  clinicianRole: string;
};

/** How a letter signs its writer: their discipline ("Mental health nurse"), else their role in Onward. */
export function writerRole(role: unknown, discipline: unknown): string {
  if (isKeyOf(disciplineNames, discipline)) return disciplineNames[discipline];
  return isKeyOf(roleNames, role) ? roleNames[role] : 'Clinician';
}

export type ReferralLetterFacts = {
  letterhead: Letterhead;
  /** The day it was sent, or today for a draft (YYYY-MM-DD). */
  date: string;
  sent: boolean;
  service: { name: string; address: string | null; secureEmail: string | null; phone: string | null };
  person: {
    givenName: string;
    fullName: string;
    dateOfBirth: string;
    nhsNumber: string;
    postcode: string | null;
    phone: string | null;
    gpPractice: string | null;
  };
  letter: Letter;
  /** What goes with the letter, by the person's consent (names, not codes). */
  enclosures: string[];
};

export type ReferralLetterView = {
  title: string;
  letterhead: string[];
  to: string[];
  about: { term: string; detail: string }[];
  greeting: string;
  sections: { heading: string; text: string }[];
  nice: string | null;
  enclosures: string[];
  signOff: string[];
  status: string;
};

export function letterheadLines(h: Letterhead): string[] {
  return [
    h.organisation,
    h.team,
    ...(h.address ? h.address.split(/\n/) : []),
    ...(h.phone ? [`Phone: ${h.phone}`] : []),
    ...(h.secureEmail ? [`Secure email: ${h.secureEmail}`] : []),
  ];
}

export function referralLetter(f: ReferralLetterFacts): ReferralLetterView {
  return {
    title: `Referral to ${f.service.name}`,
    letterhead: letterheadLines(f.letterhead),
    to: [f.service.name, ...(f.service.address ? f.service.address.split(/\n/) : [])],
    about: [
      { term: 'Date', detail: showDate(f.date) },
      { term: 'About', detail: f.person.fullName },
      { term: 'Date of birth', detail: showDate(f.person.dateOfBirth) },
      { term: 'NHS number', detail: f.person.nhsNumber },
      ...(f.person.postcode ? [{ term: 'Postcode', detail: f.person.postcode }] : []),
      ...(f.person.phone ? [{ term: 'Phone', detail: f.person.phone }] : []),
      { term: 'GP practice', detail: f.person.gpPractice ?? 'Not known' },
    ],
    greeting: `Dear colleagues at ${f.service.name},`,
    // A section left empty and not required says nothing: it is left out rather than sent blank.
    sections: f.letter.sections.filter((s) => s.text.trim() !== '').map((s) => ({ heading: s.heading, text: s.text })),
    nice: f.letter.keepNice ? f.letter.nice : null,
    enclosures: f.enclosures,
    signOff: [
      'Yours sincerely,',
      f.letterhead.clinician,
      `${f.letterhead.clinicianRole}, ${f.letterhead.team}`,
      f.letterhead.organisation,
    ],
    status: f.sent ? `Sent on ${showDate(f.date)}` : 'Draft: not sent',
  };
}

export function referralLetterPdf(v: ReferralLetterView): PdfDocument {
  const blocks: PdfBlock[] = [
    { kind: 'paragraph', text: `To: ${v.to.join(', ')}` },
    { kind: 'definitions', items: v.about },
    { kind: 'paragraph', text: v.greeting },
  ];
  for (const s of v.sections)
    blocks.push({ kind: 'heading', text: s.heading, level: 2 }, { kind: 'paragraph', text: s.text });
  if (v.nice) blocks.push({ kind: 'heading', text: 'NICE guidance', level: 2 }, { kind: 'paragraph', text: v.nice });
  if (v.enclosures.length)
    blocks.push(
      { kind: 'heading', text: 'Sent with this letter, with their consent', level: 2 },
      { kind: 'list', items: v.enclosures },
    );
  blocks.push(...v.signOff.map((text) => ({ kind: 'paragraph' as const, text })));
  return {
    title: v.title,
    author: v.letterhead[1] ?? '',
    subject: 'Referral',
    letterhead: v.letterhead,
    footer: `${v.title} · ${v.status}`,
    blocks,
  };
}

export type PersonCopyFacts = ReferralLetterFacts & {
  serviceKind: string;
  responseDays: number | null;
  waitWeeks: number | null;
};

export type PersonCopyView = {
  title: string;
  letterhead: string[];
  opening: string[];
  next: string[];
  letter: ReferralLetterView;
  closing: string;
};

/** The person's copy: what was asked for them, in plain words, what happens next, and what was written. */
export function personCopy(f: PersonCopyFacts): PersonCopyView {
  const { service, person } = f;
  const letter = referralLetter(f);
  return {
    title: `Your referral to ${service.name}`,
    letterhead: letter.letterhead,
    opening: [
      `Dear ${person.givenName},`,
      `On ${showDate(f.date)} we asked ${service.name} (${f.serviceKind}) to see you. This is a copy of what we sent, so you know what they have been told.`,
    ],
    next: [
      f.responseDays !== null
        ? `They aim to reply to us within ${f.responseDays} working ${f.responseDays === 1 ? 'day' : 'days'}. We will check that they do.`
        : 'We will check that they reply.',
      ...(f.waitWeeks !== null && f.waitWeeks > 0
        ? [`They say people usually wait about ${f.waitWeeks} ${f.waitWeeks === 1 ? 'week' : 'weeks'} to be seen.`]
        : []),
      ...(service.phone ? [`You can call them on ${service.phone}.`] : []),
      `If you change your mind about sharing, tell us: we will stop anything not yet sent.`,
    ],
    letter,
    closing: `If you have not heard anything within two weeks, or things get worse while you wait, contact ${f.letterhead.team}${f.letterhead.phone ? ` on ${f.letterhead.phone}` : ''}.`,
  };
}

export function personCopyPdf(v: PersonCopyView): PdfDocument {
  return {
    title: v.title,
    author: v.letterhead[1] ?? '',
    subject: 'Your referral',
    letterhead: v.letterhead,
    footer: v.title,
    blocks: [
      ...v.opening.map((text) => ({ kind: 'paragraph' as const, text })),
      { kind: 'heading', text: 'What happens next', level: 2 },
      { kind: 'list', items: v.next },
      { kind: 'paragraph', text: v.closing },
      {
        kind: 'box',
        title: 'If you need help now',
        blocks: [
          { kind: 'definitions', items: crisisContacts.map((c) => ({ term: c.name, detail: `${c.how}. ${c.when}.` })) },
        ],
      },
      { kind: 'heading', text: 'What we wrote', level: 2 },
      ...v.letter.sections.flatMap((s) => [
        { kind: 'heading' as const, text: s.heading, level: 3 as const },
        { kind: 'paragraph' as const, text: s.text },
      ]),
      ...(v.letter.nice
        ? [
            { kind: 'heading' as const, text: 'NICE guidance', level: 3 as const },
            { kind: 'paragraph' as const, text: v.letter.nice },
          ]
        : []),
    ],
  };
}
