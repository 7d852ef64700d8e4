import type { Conflict } from '../directory/model.ts';

// A referral to an aftercare service: a letter written for that service, then sent. Its stage after
// that, the closed loop, is loop/model.ts.
// The letter is sections: the ones every referral carries (why, what the person wants in their
// own words), the ones the service says a referral must contain, each headed in its words, and
// where the service's criteria conflict with NICE NG225 a sentence naming the guidance that the
// practitioner may keep. Nothing can be sent with a required section empty.

export const SECTION_MAX = 8000;

/** One section of a letter: `required` when the letter cannot go without it. */
export type LetterSection = { key: string; heading: string; text: string; required: boolean };

export type Letter = {
  sections: LetterSection[];
  /** The sentence naming NICE NG225, where the service's criteria conflict with it; null where none. */
  nice: string | null;
  keepNice: boolean;
};

/** What the record holds for drafting a letter. Everything is already the person's record: nothing is guessed. */
export type LetterFacts = {
  givenName: string;
  hospitalName: string;
  arrivedOn: string | null;
  assessedOn: string | null;
  assessment: {
    whatHappened: string;
    wants: string;
    mentalHealth: string;
    physicalHealth: string;
    alcoholDrugs: string;
    social: string;
    relationships: string;
    strengths: string;
    formulation: string;
  };
  /** The needs confirmed from the assessment, as words. */
  needs: string[];
  /** What the person said they want, as confirmed with the needs. */
  wantsInTheirWords: string;
  phone: string | null;
  /** Consent in force for this service, in a sentence; null when none is recorded. */
  consentSentence: string | null;
  service: { name: string; mustContain: string[]; conflicts: Conflict[] };
};

/**
 * Where an item a service asks for can be drafted from: its words matched against what the record
 * holds. What matches is a draft the practitioner reads and changes; what does not starts empty and
 * the completeness check names it, so the letter never says something the record does not.
 */
const fromRecord: { pattern: RegExp; text: (f: LetterFacts) => string }[] = [
  { pattern: /reason for referral|why .*referr/i, text: (f) => reasonText(f) },
  { pattern: /psychiatric history|mental health history/i, text: (f) => f.assessment.mentalHealth },
  { pattern: /physical health/i, text: (f) => f.assessment.physicalHealth },
  { pattern: /uses|alcohol|drug/i, text: (f) => f.assessment.alcoholDrugs },
  { pattern: /support|family|carer/i, text: (f) => f.assessment.relationships },
  { pattern: /housing|address|where they are staying|money/i, text: (f) => f.assessment.social },
  { pattern: /enjoy|strength|interest/i, text: (f) => f.assessment.strengths },
  { pattern: /contact the person/i, text: (f) => (f.phone ? `Phone: ${f.phone}` : '') },
  { pattern: /consent/i, text: (f) => f.consentSentence ?? '' },
];

function reasonText(f: LetterFacts): string {
  const when = f.arrivedOn ? ` on ${f.arrivedOn}` : '';
  const assessed = f.assessedOn ? ` We assessed ${f.givenName} on ${f.assessedOn}.` : '';
  const needs = f.needs.length ? ` We are asking for your help with: ${lowerList(f.needs)}.` : '';
  return `${f.givenName} came to ${f.hospitalName}${when} after self-harm.${assessed}${needs}`;
}

function lowerList(items: string[]): string {
  const words = items.map((i) => i.charAt(0).toLowerCase() + i.slice(1));
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

const isReason = (item: string) => /reason for referral|why .*referr/i.test(item);

/**
 * The first draft of a letter to a service: why, what the person wants in their words, what
 * happened, their needs and the formulation, then each item the service asks for, drafted from the
 * record where the record holds it.
 */
export function draftLetter(f: LetterFacts): Letter {
  const sections: LetterSection[] = [
    { key: 'reason', heading: 'Why we are referring', text: reasonText(f), required: true },
    {
      key: 'wants',
      heading: `What ${f.givenName} wants, in their own words`,
      text: f.wantsInTheirWords || f.assessment.wants,
      required: true,
    },
    { key: 'what-happened', heading: 'What happened', text: f.assessment.whatHappened, required: false },
    {
      key: 'formulation',
      heading: 'Our understanding of what helps and what makes things worse',
      text: f.assessment.formulation,
      required: false,
    },
  ];
  f.service.mustContain.forEach((item, i) => {
    if (isReason(item)) return; // "Reason for referral" is the letter's first section already
    const source = fromRecord.find((s) => s.pattern.test(item));
    sections.push({ key: `asked-${i}`, heading: item, text: source?.text(f) ?? '', required: true });
  });
  return { sections, nice: niceSentence(f.givenName, f.service.conflicts), keepNice: true };
}

/**
 * The sentence a letter may carry to a service whose criteria conflict with NICE NG225: it names
 * the guidance and what it says, politely, so the service can see why the referral is made anyway.
 */
export function niceSentence(givenName: string, conflicts: readonly Conflict[]): string | null {
  if (conflicts.length === 0) return null;
  const grounds = [...new Set(conflicts.map((c) => c.why.replace(/^(Excludes|Takes only): /, '')))];
  return `Your published criteria include ${lowerList(grounds)}. NICE guideline NG225 (Self-harm: assessment, management and preventing recurrence) says that access to help must not depend on self-harm itself, a risk level, a diagnosis, age, drug or alcohol use or co-existing conditions. We are referring ${givenName} to you because your service meets their needs, and ask that you consider the referral on those needs.`;
}

export type LetterProblem = { field: string; message: string };

/** What stops a letter being sent: each required section still empty, named as the service asked for it. */
export function checkComplete(letter: Letter, serviceName: string): LetterProblem[] {
  return letter.sections.flatMap((s, i) =>
    s.required && s.text.trim() === ''
      ? [{ field: `section-${i}`, message: `Write “${s.heading}”: ${requiredBy(s, serviceName)}` }]
      : [],
  );
}

const requiredBy = (s: LetterSection, serviceName: string) =>
  s.key.startsWith('asked-') ? `${serviceName} asks for it in every referral` : 'every referral needs it';

/**
 * A changed letter over the draft it was written on: the sections keep their headings and whether
 * they are required (those are the service's, not the writer's); only the words change.
 */
export function withText(letter: Letter, texts: readonly string[], keepNice: boolean): Letter {
  return {
    sections: letter.sections.map((s, i) => ({ ...s, text: texts[i] ?? s.text })),
    nice: letter.nice,
    keepNice: letter.nice !== null && keepNice,
  };
}

/** Letters as stored: only well-formed sections survive. */
export function toLetter(value: unknown): Letter {
  const v = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<Letter> | null;
  const sections = Array.isArray(v?.sections)
    ? v.sections.filter(
        (s): s is LetterSection =>
          typeof s === 'object' &&
          s !== null &&
          typeof s.key === 'string' &&
          typeof s.heading === 'string' &&
          typeof s.text === 'string' &&
          typeof s.required === 'boolean',
      )
    : [];
  return { sections, nice: typeof v?.nice === 'string' ? v.nice : null, keepNice: v?.keepNice === true };
}
