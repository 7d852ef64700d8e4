// The support lines shown to people on every copy of a safety plan and care plan letter
// (docs/clinical-rules.md, "Support lines to show people"). Kept in one place so they can be updated once.

export type CrisisContact = {
  name: string;
  /** How to reach it, as a person would say it. */
  how: string;
  /** A tel: or sms: address for screens; paper shows `how`. */
  href: string;
  when: string;
};

export const crisisContacts: readonly CrisisContact[] = [
  {
    name: 'NHS 111',
    how: 'Call 111 and choose option 2 for mental health',
    href: 'tel:111',
    when: 'Any time, day or night, in England',
  },
  {
    name: 'Samaritans',
    how: 'Call 116 123 (free)',
    href: 'tel:116123',
    when: 'Any time, day or night',
  },
  {
    name: 'Shout',
    how: 'Text SHOUT to 85258 (free)',
    href: 'sms:85258?body=SHOUT',
    when: 'Any time, day or night',
  },
  {
    name: 'Emergency',
    how: 'Call 999, or go to A&E',
    href: 'tel:999',
    when: 'If your life is in danger now',
  },
];
