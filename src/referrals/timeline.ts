import type { RecordRef } from '#platform/access/record.ts';
import type { HistoryEntry } from '#platform/events.ts';
import { historyOfPatient } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { type Pattern, patterns } from './hard-place/model.ts';

// How referrals read on the person's timeline: each drafted, each step of the loop from either
// side, each conversation with a service, escalations, and the rock-and-a-hard-place flag.

/** How each step of the loop reads on the timeline: "Referral to X …". */
const stepTitles: Record<string, string> = {
  'referral.sent': 'sent',
  'referral.received': 'opened by the service',
  'referral.information-asked': ': the service asked for more information',
  'referral.information-given': ': more information sent',
  'referral.reconsideration-asked': ': the service asked to think again',
  'referral.consent-withdrawn': ': the service told consent was withdrawn',
  'referral.accepted': 'accepted',
  'referral.rejected': 'not accepted',
  'referral.booked': ': appointment booked',
  'referral.appointment-cancelled': ': appointment cancelled',
  'referral.attended': ': the person was seen',
  'referral.did-not-attend': ': the person did not attend',
  'referral.discharged': ': discharged by the service',
  'referral.cancellation-requested': ': cancellation asked for',
  'referral.cancelled': 'cancelled',
  'referral.entered-in-error': 'withdrawn as entered in error',
  'referral.escalated': ': escalated to a senior clinician',
  'referral.rerouted': ': replaced by a referral to another service',
  'escalation.discussed': ': a senior clinician spoke with the service',
  'escalation.resolved': ': escalation resolved',
};
const timelineSteps = [
  'referral.drafted',
  'referral.conversation',
  'referral.hard-place-flagged',
  'referral.hard-place-cleared',
  ...Object.keys(stepTitles),
] as [string, ...string[]];

/** What the timeline reads of referrals: each drafted, sent, and each conversation with a service. */
export function referralTimelineList(actor: Actor, opened: RecordRef) {
  return historyOfPatient(actor.db, opened.id, 'referral', timelineSteps, 100);
}

const wayWords: Record<string, string> = { phone: 'on the phone', meeting: 'in person', video: 'on a video call' };

/** The timeline's cards for referrals: each started, sent, and each conversation with the service. */
export function referralTimelineEntries(patientId: string, steps: readonly HistoryEntry[]) {
  return steps.map((step) => {
    const base = { at: step.at, kind: 'referral', href: `/patients/${patientId}/referrals/${step.subjectId}` };
    const service = String(step.data.serviceName ?? 'a service');
    const title = stepTitles[step.type];
    if (title)
      return {
        ...base,
        title: `Referral to ${service}${title.startsWith(':') ? title : ` ${title}`}`,
        text: step.data.rule
          ? `Opened by Onward’s rock-and-a-hard-place rule, given to ${String(step.data.owner ?? 'a senior clinician')}`
          : `${step.data.party === 'service' ? 'Recorded by the service' : 'By'} ${step.byName}`.replace(
              'the service ',
              `the service, `,
            ),
      };
    switch (step.type) {
      case 'referral.hard-place-flagged':
        return {
          ...base,
          title: `Flagged by Onward: ${patterns[step.data.pattern as Pattern] ?? 'refused by services'}`,
          text: String(step.data.words ?? ''),
        };
      case 'referral.hard-place-cleared':
        return {
          ...base,
          title: 'Flag cleared: no longer stuck between services',
          text: String(step.data.because ?? ''),
        };
      case 'referral.conversation':
        return {
          ...base,
          title: `Conversation with ${service}`,
          text: `${step.byName} spoke ${wayWords[String(step.data.way)] ?? ''} with ${String(step.data.withWhom ?? 'the service')}`,
        };
      default:
        return { ...base, title: `Referral to ${service} started`, text: `Letter drafted by ${step.byName}` };
    }
  });
}
