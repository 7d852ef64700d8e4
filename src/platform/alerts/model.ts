// In-app alerts: what one person needs to know because of something that happened — their referral
// refused, a colleague's answer to their question, a follow-up about to fall due or missed, a
// message that could not go. Pure: the kinds and their words. An alert is written with the change
// that causes it, once (its key is what it is and for whom), and is the person's to mark seen.

export const alertKinds = {
  'referral-rejected': 'Referral not accepted',
  'information-asked': 'A service asked for more information',
  'input-answered': 'Your question was answered',
  'follow-up-due-soon': 'Follow-up due within 12 hours',
  'follow-up-breached': 'Follow-up not done within 48 hours',
  'message-not-sent': 'A letter or message did not go',
} as const;
export type AlertKind = keyof typeof alertKinds;

/** Urgent alerts are red in the list: a breach, a refusal, a message that did not go. */
export const urgent: readonly AlertKind[] = ['follow-up-breached', 'referral-rejected', 'message-not-sent'];

export type NewAlert = {
  kind: AlertKind;
  /** What it is, for whom: the same alert raised twice (a retried job) is one alert. */
  key: string;
  userId: string;
  patientId: string | null;
  href: string;
  text: string;
  at: Date;
};

export const alertKey = (kind: AlertKind, subjectId: string, moment: string, userId: string) =>
  `${kind}:${subjectId}:${moment}:${userId}`;
