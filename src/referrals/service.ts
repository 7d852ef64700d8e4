import { auditAction } from '#platform/audit/store.ts';
import { londonWallTime, showDate } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { Conflict, Invalid, NotFound } from '#platform/errors.ts';
import { appendEvent, changeState } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { finalisedAssessmentOf } from '../assessments/service.ts';
import { mayShare, shareable } from '../consent/model.ts';
import { consentsOf } from '../consent/store.ts';
import { needs as needNames } from '../directory/matching/model.ts';
import { needsOfAssessment } from '../directory/matching/store.ts';
import { serviceStatuses } from '../directory/model.ts';
import { openService } from '../directory/service.ts';
import { findService } from '../directory/store.ts';
import { type Letterhead, type ReferralLetterFacts, writerRole } from '../letters/referral-letter.ts';
import type { ReferralLetterPayload } from '../notify/compose.ts';
import { messagesAbout, queueMessage } from '../notify/service.ts';
import { formatNhsNumber, fullName, type Patient } from '../patients/model.ts';
import { openPatient, requireCare } from '../patients/service.ts';
import { findPatientInCare } from '../patients/store.ts';
import { findPresentation } from '../presentations/store.ts';
import { myTeams, teamNamed } from '../teams/service.ts';
import { organisationNameByOds } from '../teams/store.ts';
import type { ConversationWay } from './forms.ts';
import { messagesOf } from './inbox/store.ts';
import { loopMachine, needsReferrer } from './loop/model.ts';
import { checkComplete, draftLetter, withText } from './model.ts';
import * as store from './store.ts';

// Referrals' use cases: write a letter for a service from the record, change it, send it (with the
// person's consent in force and nothing the service asks for missing), and keep early conversations
// with the service. Each change is an event on the person's record and an audit row, in one
// transaction. "Sent" records the referral and makes its letter printable; delivery by secure email
// is the outbox's.

async function referralOf(actor: Actor, patientId: string, referralId: string, o: { lock?: boolean } = {}) {
  const referral = await store.findReferral(actor.db, referralId, o);
  if (!referral || referral.patientId !== patientId) throw new NotFound('There is no such referral for this person.');
  return referral;
}

function consentSentence(c: { shares: string[]; way: string; givenOn: string } | undefined): string | null {
  if (!c) return null;
  const what = c.shares.map((s) => (shareable[s as keyof typeof shareable] ?? s).toLowerCase()).join(', ');
  const how = { 'in-person': 'in person', phone: 'on the phone', written: 'in writing' }[c.way] ?? c.way;
  return `They agreed ${how} on ${showDate(c.givenOn)} to this referral, and to our sharing ${what}.`;
}

/**
 * Start a referral to a service from a finalised assessment: the letter drafted from the record.
 * One referral is open with a service at a time: asking again opens the one already there.
 */
export async function startReferral(
  actor: Actor,
  patientId: string,
  assessmentId: string,
  serviceId: string,
  replaces: string | null = null,
) {
  const patient = await requireCare(actor, patientId);
  const assessment = await finalisedAssessmentOf(actor, patient, assessmentId);
  const { service, conflicts } = await openService(actor, serviceId);
  if (service.status !== 'active')
    throw new Conflict(
      `${service.name} is ${serviceStatuses[service.status].toLowerCase()}: choose another service, or ring them first`,
      'service-not-running',
    );
  const [needs, presentation, consents] = await Promise.all([
    needsOfAssessment(actor.db, assessmentId),
    findPresentation(actor.db, assessment.presentationId),
    consentsOf(actor.db, patient.id),
  ]);
  const hospitalName = (await teamNamed(actor, assessment.teamId)).organisationName;
  const letter = draftLetter({
    givenName: patient.givenName,
    hospitalName,
    arrivedOn: presentation ? showDate(londonWallTime(presentation.arrivedAt).date) : null,
    assessedOn: assessment.finalisedAt ? showDate(londonWallTime(assessment.finalisedAt).date) : null,
    assessment: assessment.sections,
    needs: (needs?.needs ?? []).map((n) => needNames[n].text),
    wantsInTheirWords: needs?.wants ?? '',
    phone: patient.phone ?? null,
    consentSentence: consentSentence(consents.find((c) => c.serviceId === serviceId && c.withdrawnAt === null)),
    service: { name: service.name, mustContain: service.referralMustContain, conflicts },
  });
  const now = actor.clock.now();
  return actor.db.transaction().execute(async (tx) => {
    // The person's row, locked: two practitioners starting a referral to one service at once get one.
    await tx.selectFrom('patients').select('id').where('id', '=', patient.id).forUpdate().execute();
    const old = replaces ? await replaceable(tx, patient.id, replaces, serviceId) : null;
    const open = await store.openReferralTo(tx, patient.id, serviceId);
    if (open && !old) return { id: open, existing: true };
    const id =
      open ??
      (await store.insertReferral(tx, {
        patientId: patient.id,
        teamId: assessment.teamId,
        assessmentId,
        serviceId,
        letter,
        by: actor.user.id,
        at: now,
      }));
    if (!open)
      await recordStep(tx, actor, patient.id, id, 'referral.drafted', {
        toState: 'draft',
        data: { service: serviceId, serviceName: service.name, assessment: assessmentId, replaces },
        audit: { referral: id, service: serviceId },
      });
    if (old) {
      // Re-routing: the new referral replaces the one not accepted, the link kept both ways (the
      // old is found from the new); on the old one's history, where it went instead.
      await store.linkReplacement(tx, id, old.id);
      await recordStep(tx, actor, patient.id, old.id, 'referral.rerouted', {
        data: { serviceName: old.serviceName, toServiceName: service.name, replacement: id },
        audit: { referral: old.id, replacement: id },
      });
    }
    return { id, existing: open !== undefined };
  });
}

/** The referral a re-routed one replaces: the person's, not accepted, not replaced already, another service. */
async function replaceable(tx: Db, patientId: string, id: string, serviceId: string) {
  const old = await store.findReferral(tx, id, { lock: true });
  if (!old || old.patientId !== patientId) throw new NotFound('There is no such referral for this person.');
  if (old.stage !== 'rejected')
    throw new Conflict(
      'Only a referral a service did not accept is re-routed to another service',
      'illegal-transition',
    );
  if (old.replacedBy)
    throw new Conflict(
      `This referral was already replaced by one to ${old.replacedBy.serviceName}`,
      'illegal-transition',
    );
  if (old.serviceId === serviceId)
    throw new Conflict(`${old.serviceName} did not accept this referral: choose another service`, 'illegal-transition');
  return old;
}

/** A step in a referral's history that does not move its state (or starts it): its event and audit row. */
async function recordStep(
  tx: Db,
  actor: Actor,
  patientId: string,
  referralId: string,
  type: string,
  step: { toState?: string; data: Record<string, unknown>; audit: Record<string, string | number> },
) {
  await appendEvent(tx, {
    at: actor.clock.now(),
    userId: actor.user.id,
    patientId,
    subjectType: 'referral',
    subjectId: referralId,
    type,
    fromState: null,
    toState: step.toState ?? null,
    data: step.data,
  });
  await auditAction(tx, actor, patientId, 'ok', step.audit);
}

/** Everything the referral's page shows: the letter, what stops it being sent, consent, conversations. */
async function referralPage(actor: Actor, patient: Patient, referralId: string) {
  const referral = await referralOf(actor, patient.id, referralId);
  const { service, conflicts } = await openService(actor, referral.serviceId);
  const [consents, conversations, messages, deliveries] = await Promise.all([
    consentsOf(actor.db, patient.id),
    store.conversationsOf(actor.db, referral.id),
    messagesOf(actor.db, referral.id),
    messagesAbout(actor.db, referral.id),
  ]);
  const inForce = consents.find((c) => c.serviceId === referral.serviceId && c.withdrawnAt === null);
  return {
    patient,
    referral,
    service,
    conflicts,
    consent: inForce,
    problems: referral.stage === 'draft' ? checkComplete(referral.letter, service.name) : [],
    conversations,
    messages,
    deliveries,
  };
}

/** A referral and its letter: a read of the record, audited. */
export async function openReferral(actor: Actor, patientId: string, referralId: string) {
  const patient = await openPatient(actor, patientId, { referral: referralId });
  return referralPage(actor, patient, referralId);
}

/** The same, behind a refused form shown again: checked, not audited as a read. */
export async function referralForForm(actor: Actor, patientId: string, referralId: string) {
  return referralPage(actor, await requireCare(actor, patientId), referralId);
}

/** A person's referrals, for their referrals page. */
export async function referralsFor(actor: Actor, patientId: string) {
  const patient = await openPatient(actor, patientId, { referrals: 'all' });
  return { patient, referrals: await store.referralsOf(actor.db, patient.id) };
}

/** Change a draft's words over the version the practitioner opened; false when someone saved first. */
export async function saveReferralLetter(
  actor: Actor,
  patientId: string,
  referralId: string,
  change: { version: number; texts: string[]; keepNice: boolean },
): Promise<{ saved: true } | { saved: false; currentVersion: number }> {
  const patient = await requireCare(actor, patientId);
  const now = actor.clock.now();
  return actor.db.transaction().execute(async (tx) => {
    const referral = await referralOf({ ...actor, db: tx }, patient.id, referralId, { lock: true });
    if (referral.stage !== 'draft')
      throw new Conflict('This referral has been sent: its letter can no longer be changed', 'illegal-transition');
    if (change.texts.length !== referral.letter.sections.length)
      throw new Invalid({ form: 'The letter has changed shape since you opened it. Open it again.' });
    if (referral.version !== change.version) return { saved: false, currentVersion: referral.version };
    const letter = withText(referral.letter, change.texts, change.keepNice);
    await store.saveLetter(tx, { id: referral.id, openedVersion: change.version, letter, by: actor.user.id, at: now });
    await recordStep(tx, actor, patient.id, referral.id, 'referral.letter-saved', {
      data: { version: change.version + 1 },
      audit: { referral: referral.id, version: change.version + 1 },
    });
    return { saved: true };
  });
}

/** The letterhead now: the team's address and contacts, the writer's name and discipline. */
async function currentLetterhead(actor: Actor, teamId: string): Promise<Letterhead> {
  const { team, user } = await store.letterheadOf(actor.db, teamId, actor.user.id);
  return {
    organisation: team.organisation,
    team: team.name,
    address: team.address,
    phone: team.phone,
    secureEmail: team.secure_email,
    clinician: user.display_name,
    clinicianRole: writerRole(user.role, user.discipline),
  };
}

/**
 * Send a referral: its letter complete (every section the service asks for written), the person's
 * consent to share with the service in force, and the version the practitioner read. Sending records
 * it — who, when, the consent it went under and what that let go with the letter, and the letterhead
 * as it stood — and from then its letter does not change.
 */
export async function sendReferral(actor: Actor, patientId: string, referralId: string, openedVersion: number) {
  const patient = await requireCare(actor, patientId);
  const letterhead = await currentLetterhead(actor, (await referralOf(actor, patient.id, referralId)).teamId);
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    const referral = await referralOf({ ...actor, db: tx }, patient.id, referralId, { lock: true });
    const { service } = await openService({ ...actor, db: tx }, referral.serviceId);
    await changeState(tx, actor, loopMachine, {
      subjectType: 'referral',
      subjectId: referral.id,
      patientId: patient.id,
      current: referral.stage,
      event: 'referral.sent',
      data: { service: referral.serviceId, serviceName: service.name },
      audit: { referral: referral.id, service: referral.serviceId },
      write: async (to) => {
        if (referral.version !== openedVersion)
          throw new Conflict(
            'Someone changed this letter since you read it. Read it again before you send it.',
            'stale-version',
          );
        // Everything that stops the sending, at once: each missing section, and consent. Consent is read
        // inside the transaction, with the referral locked: a withdrawal recorded a moment ago stops
        // the sending (NICE NG225: share with consent).
        const issues: Record<string, string> = Object.fromEntries(
          checkComplete(referral.letter, service.name).map((p) => [p.field, p.message]),
        );
        const consents = await consentsOf(tx, patient.id);
        const current = consents.find((c) => c.serviceId === referral.serviceId && c.withdrawnAt === null);
        const may = mayShare(consents, referral.serviceId);
        if (!current || !may.has('letter'))
          issues.consent = `Record ${patient.givenName}’s consent to share with ${service.name} before sending: a referral is not sent without it`;
        if (!current || Object.keys(issues).length > 0)
          throw new Invalid(issues, undefined, issues.consent ? 'no-consent' : 'referral-incomplete');
        await store.recordSending(tx, {
          id: referral.id,
          stage: to,
          consentId: current.id,
          shared: [...may],
          letterhead,
          by: actor.user.id,
          at: now,
        });
        // To a service that takes referrals by secure email, the letter goes there, from the outbox:
        // queued in this transaction, so it is sent if and only if the referral is.
        if (service.route === 'secure-email' && service.secureEmail) {
          const opened = await referralPage({ ...actor, db: tx }, patient, referral.id);
          const facts = await factsOfLetter(tx, now, opened, letterhead);
          await queueMessage(
            tx,
            actor.queue,
            {
              kind: 'referral-letter',
              channel: 'email',
              recipient: service.secureEmail,
              recipientName: service.name,
              patientId: patient.id,
              teamId: referral.teamId,
              subjectType: 'referral',
              subjectId: referral.id,
              version: referral.version,
              consentId: current.id,
              payload: { facts } satisfies ReferralLetterPayload,
            },
            actor.user,
            now,
          );
        }
      },
    });
  });
}

/** An early conversation with the receiving service: who, when, how, and what was agreed. */
export async function recordConversation(
  actor: Actor,
  patientId: string,
  referralId: string,
  c: { withWhom: string; way: ConversationWay; heldAt: Date; agreed: string },
): Promise<void> {
  const patient = await requireCare(actor, patientId);
  const now = actor.clock.now();
  if (c.heldAt > now) throw new Invalid({ time: 'The time you spoke must be now or in the past' });
  await actor.db.transaction().execute(async (tx) => {
    const referral = await referralOf({ ...actor, db: tx }, patient.id, referralId, { lock: true });
    const id = await store.insertConversation(tx, {
      referralId: referral.id,
      patientId: patient.id,
      ...c,
      by: actor.user.id,
      at: now,
    });
    await recordStep(tx, actor, patient.id, referral.id, 'referral.conversation', {
      data: { conversation: id, withWhom: c.withWhom, way: c.way, serviceName: referral.serviceName },
      audit: { referral: referral.id, conversation: id },
    });
  });
}

/** The facts a letter or the person's copy is drawn from; the letterhead as sent, or as it is now for a draft. */
export async function letterFacts(actor: Actor, patientId: string, referralId: string) {
  const found = await openReferral(actor, patientId, referralId);
  const letterhead = found.referral.letterhead ?? (await currentLetterhead(actor, found.referral.teamId));
  return { ...found, facts: await factsOfLetter(actor.db, actor.clock.now(), found, letterhead) };
}

/**
 * A sent referral's letter as it went, read by no person (the demo's outbox): only a sent one, whose
 * letterhead was fixed when it was sent.
 */
export async function sentLetterFacts(db: Db, referralId: string): Promise<ReferralLetterFacts | undefined> {
  const referral = await store.findReferral(db, referralId);
  if (!referral?.sentAt || !referral.letterhead) return undefined;
  const [found, service] = await Promise.all([
    findPatientInCare(db, referral.patientId, []),
    findService(db, referral.serviceId),
  ]);
  if (!found || !service) return undefined;
  return factsOfLetter(
    db,
    referral.sentAt,
    { patient: found.patient, referral, service, consent: undefined },
    referral.letterhead,
  );
}

/** What the letter says and to whom, from a referral already opened: the page, the PDF and the email. */
async function factsOfLetter(
  db: Db,
  now: Date,
  found: Pick<Awaited<ReturnType<typeof referralPage>>, 'patient' | 'referral' | 'service' | 'consent'>,
  letterhead: Letterhead,
): Promise<ReferralLetterFacts> {
  const { patient, referral, service } = found;
  const gpPractice = patient.gpPracticeOds
    ? ((await organisationNameByOds(db, patient.gpPracticeOds)) ?? patient.gpPracticeOds)
    : null;
  const sent = referral.sentAt !== null;
  return {
    letterhead,
    date: londonWallTime(referral.sentAt ?? now).date,
    sent,
    service: { name: service.name, address: service.address, secureEmail: service.secureEmail, phone: service.phone },
    person: {
      givenName: patient.givenName,
      fullName: fullName(patient),
      dateOfBirth: patient.dateOfBirth,
      nhsNumber: patient.nhsNumber ? formatNhsNumber(patient.nhsNumber) : 'Not known',
      postcode: patient.postcode,
      phone: patient.phone ?? null,
      gpPractice,
    },
    letter: referral.letter,
    enclosures: (sent ? referral.shared : [...mayShare(found.consent ? [found.consent] : [], referral.serviceId)])
      .filter((s) => s !== 'letter')
      .map((s) => shareable[s as keyof typeof shareable] ?? s),
  };
}

// The timeline's reading of referrals lives in timeline.ts; other parts reach it through here.
export { referralTimelineEntries, referralTimelineList } from './timeline.ts';

/** A team's referrals for a person not yet closed (drafts, sent, taken on): what leaving the caseload must answer for. */
export async function openReferralsOf(db: Db, patientId: string, teamId: string) {
  return store.openReferralsOfTeam(db, patientId, teamId);
}

/** The team's referrals that need the referrer now, with why: for the home page. Oldest first. */
export async function referralsNeedingMe(actor: Actor, limit: number) {
  const teams = (await myTeams(actor)).map((t) => t.id);
  const now = actor.clock.now();
  const rows = await store.referralsNeedingAttention(actor.db, teams, now, 500);
  const items = rows.flatMap((r) => {
    const why = needsReferrer(r, r.responseDays, now);
    return why ? [{ ...r, why }] : [];
  });
  return { items: items.slice(0, limit), more: items.length > limit };
}
