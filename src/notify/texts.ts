// What Onward says to the person, by text or email through GOV.UK Notify — pure. The words live in
// Notify's templates (created from the text below, which docs/notify-templates.md lists); Onward
// sends only the template's id and the personalisation. What goes in the personalisation is kept
// to what is safe on a lock screen or a shared inbox: a first name, a day and time, and the
// service's name and place only where the person agreed (NICE NG225 1.5: respect how the person
// wants information shared). Never why they were in hospital, what was found, or a diagnosis.

export const personKinds = {
  'referral-accepted': 'Referral accepted: message to the person',
  'appointment-booked': 'Appointment booked: message to the person',
  'appointment-reminder': 'Appointment reminder: message to the person',
} as const;
export type PersonKind = keyof typeof personKinds;
export const isPersonKind = (k: string): k is PersonKind => Object.hasOwn(personKinds, k);

/** What fills every template's placeholders: Notify refuses a send that misses one its template uses. */
export type Personalisation = { first_name: string; service: string; when: string; where: string };

const help = 'If you need help before then, call NHS 111 and choose option 2, or 999 in an emergency.';

/** Each template as it is written in Notify: ((placeholder)) marks what Onward fills. */
export const templates: Record<PersonKind, { subject: string; body: string }> = {
  'referral-accepted': {
    subject: 'Your referral has been accepted',
    body: `Hello ((first_name)), ((service)) has accepted the referral we made with you. They will contact you to arrange to see you. ${help}`,
  },
  'appointment-booked': {
    subject: 'Your appointment',
    body: `Hello ((first_name)), ((service)) has booked an appointment for you on ((when)). ((where)) If you cannot go, please tell them. ${help}`,
  },
  'appointment-reminder': {
    subject: 'Reminder: your appointment',
    body: `Hello ((first_name)), this is a reminder of your appointment with ((service)) on ((when)). ((where)) If you cannot go, please tell them.`,
  },
};

export type PersonFacts = {
  givenName: string;
  serviceName: string;
  nameServices: boolean;
  appointment?: { at: Date; how: 'in-person' | 'phone' | 'video'; place: string | null };
};

const when = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
});

/** "Tuesday 8 December at 2:30pm", in UK time. */
export function spokenWhen(at: Date): string {
  const parts = Object.fromEntries(when.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} at ${parts.hour}:${parts.minute}${String(parts.dayPeriod).toLowerCase()}`;
}

/**
 * A value as it may stand in a text: one line, no markup or link syntax (Notify formats emails from
 * a markdown-like source, so a name with brackets must not become a link), not too long.
 */
export function plainValue(value: string, max: number): string {
  return value
    .replace(/[a-z][a-z0-9+.-]*:\/\//gi, '')
    .replace(/[<>[\]()*#^_`|\\]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

/** What fills the template: only what the person agreed may be said. */
export function personalisationFor(facts: PersonFacts): Personalisation {
  const service = facts.nameServices ? plainValue(facts.serviceName, 120) : 'the service you were referred to';
  const a = facts.appointment;
  let where = '';
  if (a?.how === 'phone') where = 'They will phone you.';
  else if (a?.how === 'video') where = 'They will send you a link to join by video.';
  else if (a)
    where =
      facts.nameServices && a.place?.trim() ? `It is at ${plainValue(a.place, 200)}.` : 'They will tell you where.';
  return {
    // A first name is letters, spaces, apostrophes and hyphens: nothing a mail client could make a link of.
    first_name: plainValue(facts.givenName.replace(/[^\p{L}\p{M}\s'’-]/gu, ''), 60) || 'there',
    service,
    when: a ? spokenWhen(a.at) : '',
    where,
  };
}

/** A template filled in, as the person reads it (Notify does this; the stand-in and the pages show it). */
export function fill(body: string, p: Record<string, string>): string {
  return body.replace(/\(\(([a-z_]+)\)\)/g, (_, name: string) => p[name] ?? `((${name}))`).replace(/ {2,}/g, ' ');
}

/** The words a message to the person must never hold, whatever the facts: checked by the tests. */
export const neverSaid = [
  'self-harm',
  'self harm',
  'overdose',
  'suicid',
  'psychiatr',
  'liaison',
  'mental',
  'assessment',
  'diagnos',
  'emergency department',
];

/** What a message to the person said, as they read it: shown to the team on the message and the person's page. */
export function wordsOf(m: { kind: string; payload: unknown }): string | null {
  if (!isPersonKind(m.kind)) return null;
  const p = (m.payload as { personalisation?: Record<string, string> } | null)?.personalisation;
  return p ? fill(templates[m.kind].body, p) : null;
}
