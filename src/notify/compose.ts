import { createHash } from 'node:crypto';
import { renderPdf } from '#platform/pdf/document.ts';
import { type Letter as CarePlanLetter, letterPdf } from '../letters/care-plan-letter.ts';
import { type ReferralLetterFacts, referralLetter, referralLetterPdf } from '../letters/referral-letter.ts';
import { personKinds } from './texts.ts';

// What each kind of message says, made from what was stored when it was queued (never read again
// from the record, which may have moved on): the words, and the letter as a PDF.

export type Composed = {
  subject: string;
  text: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
  /** The left of the Message-ID: the same message always has the same one. */
  messageId: string;
};

export type ReferralLetterPayload = { facts: ReferralLetterFacts };

export type CarePlanLetterPayload = { letter: CarePlanLetter; version: number; practice: string; team: string };

export const messageKinds = {
  'referral-letter': 'Referral letter',
  'care-plan-letter': 'Care plan letter to the GP',
  ...personKinds,
} as const;
export type MessageKind = keyof typeof messageKinds;

export async function compose(kind: string, payload: unknown, key: string, at: Date): Promise<Composed> {
  const messageId = createHash('sha256').update(key).digest('hex').slice(0, 32);
  if (kind === 'referral-letter') {
    const p = payload as ReferralLetterPayload;
    const { team, secureEmail, clinician } = p.facts.letterhead;
    const pdf = await renderPdf(referralLetterPdf(referralLetter(p.facts)), { createdAt: at });
    // No name or NHS number in the subject or body: they travel in the attachment only.
    return {
      subject: `Referral from ${team}`,
      text: [
        `Dear colleagues at ${p.facts.service.name},`,
        '',
        `Please find attached a referral from ${team}, sent through Onward. It is shared with the`,
        'consent of the person it is about.',
        secureEmail ? `To reply, or to ask anything about it, write to ${secureEmail}.` : '',
        '',
        clinician,
        team,
      ]
        .filter((line, i, all) => line !== '' || all[i - 1] !== '')
        .join('\n'),
      attachments: [{ filename: 'referral-letter.pdf', content: pdf, contentType: 'application/pdf' }],
      messageId,
    };
  }
  if (kind === 'care-plan-letter') {
    const p = payload as CarePlanLetterPayload;
    const pdf = await renderPdf(letterPdf(p.letter, p.version), { createdAt: at });
    // As with a referral: the person is named only inside the attachment.
    return {
      subject: `Care plan from ${p.team}`,
      text: [
        `Dear colleagues at ${p.practice},`,
        '',
        `Please find attached the care plan that ${p.team} agreed with one of your patients after their`,
        'hospital attendance, sent through Onward with their consent for you to have a copy. The patient',
        'is named in the attachment.',
        '',
        p.team,
      ].join('\n'),
      attachments: [{ filename: 'care-plan.pdf', content: pdf, contentType: 'application/pdf' }],
      messageId,
    };
  }
  throw new Error(`No composer for messages of kind ${kind}`);
}
