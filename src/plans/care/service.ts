import { z } from 'zod';
import { disciplineNames } from '#platform/access/model.ts';
import type { OpenedRecord, RecordRef } from '#platform/access/record.ts';
import { alertKey } from '#platform/alerts/model.ts';
import { raiseAlerts } from '#platform/alerts/store.ts';
import { auditAction } from '#platform/audit/store.ts';
import { londonWallTime } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { Conflict, Invalid, NotFound } from '#platform/errors.ts';
import { appendEvent, changeState, type HistoryEntry, historyOfPatient } from '#platform/events.ts';
import { isKeyOf } from '#platform/http/input.ts';
import type { Actor } from '#platform/http/pages.ts';
import { transition } from '#platform/state.ts';
import {
  findVersion,
  listVersions,
  recordVersion,
  saveVersion,
  type VersionEntry,
  type VersionedSave,
  versionsOfPatient,
} from '#platform/versions.ts';
import { refuseIfWithdrawn, withdrawables, withdrawRecord } from '#platform/withdrawal.ts';
import { decodeCursor, PAGE_SIZE, pageOf } from '#platform/worklist.ts';
import { finalisedAssessmentOf } from '../../assessments/service.ts';
import { carePlanLetter as letterOf } from '../../letters/care-plan-letter.ts';
import { messagesAbout, queueMessage } from '../../notify/service.ts';
import type { Patient } from '../../patients/model.ts';
import { formatNhsNumber } from '../../patients/model.ts';
import { openPatient, requireCare } from '../../patients/service.ts';
import { organisationNamed, practiceOf, teamNamed } from '../../teams/service.ts';
import type { Agreement, InputRequestAnswers, PlanSave } from './forms.ts';
import { type CarePlan, type CarePlanContent, carePlanStates, isEmptyPlan, statusOf, toContent } from './model.ts';
import * as store from './store.ts';

// Care plans: each change a new version kept whole; agreement and sharing name the version they
// were for, so a plan changed after agreement is agreed again before it goes to anyone.

async function planOf(actor: Actor, patientId: string, planId: string, db = actor.db): Promise<CarePlan> {
  const plan = await store.findCarePlan(db, planId);
  if (!plan || plan.patientId !== patientId) throw new NotFound('There is no such care plan for this person.');
  return plan;
}

function event(
  actor: Actor,
  patientId: string,
  planId: string,
  type: string,
  fromState: string | null,
  data: Record<string, unknown>,
) {
  return {
    at: actor.clock.now(),
    userId: actor.user.id,
    patientId,
    subjectType: 'care-plan',
    subjectId: planId,
    type,
    fromState,
    data,
  };
}

/** Hold this patient's plan for the rest of the transaction, so two changes are decided in turn. */
async function lockPlanOf(tx: Db, patientId: string, planId: string) {
  const locked = await store.lockCarePlan(tx, planId);
  if (!locked || locked.patient_id !== patientId) throw new NotFound('There is no such care plan for this person.');
  refuseIfWithdrawn(locked.entered_in_error_at !== null, 'care plan');
  return locked;
}

/** Start the care plan that follows a finalised assessment, or go back to the one already started. */
export async function startCarePlan(actor: Actor, patientId: string, assessmentId: string): Promise<string> {
  const patient = await requireCare(actor, patientId);
  const assessment = await finalisedAssessmentOf(actor, patient, assessmentId);
  const now = actor.clock.now();
  return actor.db.transaction().execute(async (tx) => {
    const existing = await store.findCarePlanOfAssessment(tx, assessmentId);
    if (existing) return existing;
    const content: CarePlanContent = { summary: '', items: [] };
    const id = await store.insertCarePlan(tx, {
      patientId,
      assessmentId,
      teamId: assessment.teamId,
      userId: actor.user.id,
      at: now,
      content,
    });
    await recordVersion(tx, actor, {
      subjectType: 'care-plan',
      subjectId: id,
      patientId,
      version: 1,
      content,
      event: 'care-plan.started',
      fromState: null,
      data: { assessmentId },
      audit: { carePlan: id },
    });
    return id;
  });
}

/** Open a plan to read it: checked and audited, with its input requests and the colleagues who could be asked. */
export async function openCarePlan(actor: Actor, patientId: string, planId: string) {
  const patient = await openPatient(actor, patientId, { carePlan: planId });
  const plan = await planOf(actor, patientId, planId);
  return {
    patient,
    plan,
    status: statusOf(plan),
    requests: await store.inputRequestsOfPlan(actor.db, planId),
    colleagues: await store.colleaguesForInput(actor.db, plan.teamId, actor.user.id),
    versions: await listVersions(actor.db, planId),
    // The GP's copy on its way out, from the outbox.
    deliveries: await messagesAbout(actor.db, planId),
  };
}

/** The plan behind a refused form, shown again with the person's text: the refusal is audited, not a read. */
export async function carePlanForForm(actor: Actor, patientId: string, planId: string) {
  const patient = await requireCare(actor, patientId);
  const plan = await planOf(actor, patientId, planId);
  return { patient, plan };
}

/** Items carried over unchanged from the version the person started from keep their dates. */
export async function baseContent(actor: Actor, planId: string, version: number): Promise<CarePlanContent | undefined> {
  return (await findVersion<CarePlanContent>(actor.db, planId, version))?.content;
}

export type PlanSaveOutcome = VersionedSave<CarePlanContent>;

export async function saveCarePlan(
  actor: Actor,
  patientId: string,
  planId: string,
  save: PlanSave,
): Promise<PlanSaveOutcome> {
  await requireCare(actor, patientId);
  const now = actor.clock.now();
  return saveVersion(actor, {
    subjectType: 'care-plan',
    patientId,
    baseVersion: save.baseVersion,
    content: save.content,
    missing: 'There is no such care plan for this person.',
    lock: async (tx) => {
      const locked = await store.lockCarePlan(tx, planId);
      return locked && locked.patient_id === patientId ? { id: planId, ...locked } : undefined;
    },
    current: async (tx) => {
      const current = await planOf(actor, patientId, planId, tx);
      return { ...current, content: current.content };
    },
    read: toContent,
    step: async (_tx, locked) => {
      refuseIfWithdrawn(locked.entered_in_error_at !== null, 'care plan');
      return {
        event: 'care-plan.saved',
        fromState: statusOf({
          version: locked.version,
          agreedVersion: locked.agreed_version,
          sharedVersion: locked.shared_version,
        }),
      };
    },
    write: (tx) =>
      store.updateContent(tx, {
        id: planId,
        baseVersion: save.baseVersion,
        content: save.content,
        userId: actor.user.id,
        at: now,
      }),
  });
}

/** Record that the person agreed this version of the plan, and whether a copy may go to their GP. */
export async function agreeCarePlan(
  actor: Actor,
  patientId: string,
  planId: string,
  agreement: Agreement,
): Promise<void> {
  await requireCare(actor, patientId);
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    const locked = await lockPlanOf(tx, patientId, planId);
    if (locked.version !== agreement.baseVersion) {
      throw new Conflict(
        'The plan was changed after you opened it. Go through the latest version with the person, then record their agreement',
      );
    }
    // One agreement per version: recording it again would rewrite who agreed, when and to what sharing.
    transition(carePlanStates, statusOfLocked(locked), 'care-plan.agreed');
    const plan = await planOf(actor, patientId, planId, tx);
    if (isEmptyPlan(plan.content)) {
      throw new Invalid(
        { form: 'Write what matters to the person or a goal or action before recording agreement' },
        undefined,
        'plan-empty',
      );
    }
    await changeState(tx, actor, carePlanStates, {
      subjectType: 'care-plan',
      subjectId: planId,
      patientId,
      current: statusOfLocked(locked),
      event: 'care-plan.agreed',
      data: { version: locked.version, how: agreement.how, gpConsent: agreement.gpConsent },
      audit: { carePlan: planId, version: locked.version },
      write: () =>
        store.recordAgreement(tx, {
          id: planId,
          version: locked.version,
          userId: actor.user.id,
          at: now,
          how: agreement.how,
          gpConsent: agreement.gpConsent,
        }),
    });
  });
}

/** Record that the agreed plan was shared with the person and, if they consented, their GP. */
export async function shareCarePlan(
  actor: Actor,
  patientId: string,
  planId: string,
  baseVersion: number,
): Promise<void> {
  await requireCare(actor, patientId);
  const now = actor.clock.now();
  // Read before the transaction: on the embedded engine a transaction holds the one connection.
  const copy = await gpCopy(actor, patientId, planId);
  await actor.db.transaction().execute(async (tx) => {
    const locked = await lockPlanOf(tx, patientId, planId);
    if (locked.version !== baseVersion)
      throw new Conflict('The plan was changed after you opened it. Read the latest version before sharing it');
    await changeState(tx, actor, carePlanStates, {
      subjectType: 'care-plan',
      subjectId: planId,
      patientId,
      current: statusOfLocked(locked),
      event: 'care-plan.shared',
      // Who it went to is part of the step: the GP only with the consent given at agreement.
      data: { version: locked.version, gpConsent: locked.gp_consent === true },
      audit: { carePlan: planId, version: locked.version },
      write: () => store.recordSharing(tx, { id: planId, version: locked.version, userId: actor.user.id, at: now }),
    });
    // The GP's copy leaves with the sharing, or neither: queued in this transaction, sent by the outbox.
    if (copy && copy.version === locked.version)
      await queueMessage(
        tx,
        actor.queue,
        {
          kind: 'care-plan-letter',
          channel: 'email',
          recipient: copy.practice.secureEmail,
          recipientName: copy.practice.name,
          patientId,
          teamId: copy.teamId,
          subjectType: 'care-plan',
          subjectId: planId,
          consentId: null,
          payload: { letter: copy.letter, version: copy.version, practice: copy.practice.name, team: copy.teamName },
          version: copy.version,
        },
        actor.user,
        now,
      );
  });
}

/**
 * The letter for the person and their GP, in plain words, from the version they agreed: the page,
 * the PDF and the copy sent to the practice are this one letter.
 */
export async function agreedLetter(actor: Actor, patientId: string, planId: string) {
  const { patient, plan, content, team, gpPracticeName } = await carePlanLetter(actor, patientId, planId);
  const letter = letterOf({
    givenName: patient.givenName,
    fullName: `${patient.givenName} ${patient.familyName}`,
    gpPracticeName,
    letterDate: londonWallTime(actor.clock.now()).date,
    dateOfBirth: patient.dateOfBirth,
    nhsNumber: patient.nhsNumber ? formatNhsNumber(patient.nhsNumber) : 'Not known',
    gpPracticeOds: patient.gpPracticeOds,
    gpConsent: plan.gpConsent === true,
    teamName: team.name,
    hospitalName: team.organisationName,
    agreedAt: plan.agreedAt!,
    agreedHow: plan.agreedHow!,
    agreedByName: plan.agreedByName!,
    version: plan.agreedVersion!,
    content,
  });
  return { letter, version: plan.agreedVersion!, plan, patient, team };
}

/**
 * The GP's copy, when the person consented and the practice takes secure email: the letter and
 * where it goes. Without an address the sharing is recorded and the page says to send it by hand.
 */
async function gpCopy(actor: Actor, patientId: string, planId: string) {
  const plan = await planOf(actor, patientId, planId);
  if (plan.agreedVersion === null || plan.gpConsent !== true) return null;
  const { letter, version, patient, team } = await agreedLetter(actor, patientId, planId);
  const practice = patient.gpPracticeOds ? await practiceOf(actor, patient.gpPracticeOds) : null;
  if (!practice?.secureEmail) return null;
  return {
    letter,
    version,
    practice: { name: practice.name, secureEmail: practice.secureEmail },
    teamName: team.name,
    teamId: plan.teamId,
  };
}

/** The letter for the person and their GP: the version they agreed, in plain words. A read, so audited. */
export async function carePlanLetter(actor: Actor, patientId: string, planId: string) {
  const patient = await openPatient(actor, patientId, { carePlan: planId, letter: 1 });
  const plan = await planOf(actor, patientId, planId);
  if (plan.agreedVersion === null)
    throw new Conflict('The letter is ready once the person has agreed the plan', 'plan-not-agreed');
  const agreed = (await findVersion<CarePlanContent>(actor.db, planId, plan.agreedVersion))!;
  const team = await teamNamed(actor, plan.teamId);
  const gpPracticeName = patient.gpPracticeOds ? await organisationNamed(actor, patient.gpPracticeOds) : null;
  return { patient, plan, content: agreed.content, team, gpPracticeName };
}

export async function askForInput(
  actor: Actor,
  patientId: string,
  planId: string,
  request: InputRequestAnswers,
): Promise<string> {
  await requireCare(actor, patientId);
  const plan = await planOf(actor, patientId, planId);
  const colleague = (await store.colleaguesForInput(actor.db, plan.teamId, actor.user.id)).find(
    (c) => c.id === request.colleagueId,
  );
  // Only colleagues of the named disciplines in the plan's own team are offered, and only they are accepted.
  if (!colleague) throw new Invalid({ colleagueId: 'Select a colleague from the list' });
  const now = actor.clock.now();
  return actor.db.transaction().execute(async (tx) => {
    const id = await store.insertInputRequest(tx, {
      carePlanId: planId,
      patientId,
      userId: actor.user.id,
      at: now,
      discipline: colleague.discipline,
      colleagueId: colleague.id,
      question: request.question,
    });
    await appendEvent(
      tx,
      event(actor, patientId, planId, 'care-plan.input-requested', null, {
        request: id,
        discipline: colleague.discipline,
        colleague: colleague.id,
      }),
    );
    await auditAction(tx, actor, patientId, 'ok', { carePlan: planId, inputRequest: id });
    return id;
  });
}

/**
 * A request is for the colleague it names, and only while their team cares for the person:
 * anyone else gets "not found", as for a request that does not exist, and the refusal is audited.
 */
async function requestForMe(actor: Actor, requestId: string) {
  const request = await store.findInputRequest(actor.db, requestId);
  if (!request || request.colleagueId !== actor.user.id) {
    await auditAction(actor.db, actor, request?.patientId ?? null, 'refused', {
      reason: request ? 'not-the-named-colleague' : 'no-such-request',
    });
    throw new NotFound('There is no request for your input at this address.');
  }
  return request;
}

export async function openInputRequest(actor: Actor, requestId: string) {
  const request = await requestForMe(actor, requestId);
  const patient = await openPatient(actor, request.patientId, { inputRequest: requestId });
  const plan = await planOf(actor, request.patientId, request.carePlanId);
  return { request, patient, plan };
}

export async function inputRequestForForm(actor: Actor, requestId: string) {
  const request = await requestForMe(actor, requestId);
  const patient = await requireCare(actor, request.patientId);
  const plan = await planOf(actor, request.patientId, request.carePlanId);
  return { request, patient, plan };
}

/** The named colleague's contribution, attributed to them and their discipline; given once. */
export async function answerInputRequest(
  actor: Actor,
  requestId: string,
  answer: string,
): Promise<{ patientId: string; planId: string }> {
  const request = await requestForMe(actor, requestId);
  await requireCare(actor, request.patientId);
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    if (!(await store.answerInputRequest(tx, { id: requestId, userId: actor.user.id, at: now, answer }))) {
      throw new Conflict('You have already given your input on this request', 'input-already-given');
    }
    await appendEvent(
      tx,
      event(actor, request.patientId, request.carePlanId, 'care-plan.input-given', null, {
        request: requestId,
        discipline: request.discipline,
      }),
    );
    await auditAction(tx, actor, request.patientId, 'ok', { inputRequest: requestId });
    // The colleague who asked hears that the answer is in, on their home page.
    await raiseAlerts(tx, [
      {
        kind: 'input-answered',
        key: alertKey('input-answered', requestId, 'answered', request.requestedBy),
        userId: request.requestedBy,
        patientId: request.patientId,
        href: `/patients/${request.patientId}/care-plans/${request.carePlanId}`,
        text: `${actor.user.displayName} answered your question on the care plan`,
        at: now,
      },
    ]);
  });
  return { patientId: request.patientId, planId: request.carePlanId };
}

/**
 * The requests waiting for this person, oldest first, a page at a time (the home page shows the
 * first few and links to the rest): patients' names are shown, so every page is an audited read.
 */
export async function myOpenInputRequests(actor: Actor, after: string | undefined, size = PAGE_SIZE) {
  const key = decodeCursor(after, z.tuple([z.iso.datetime(), z.uuid()]));
  const rows = await store.openRequestsFor(actor.db, actor.user, key, size + 1);
  const page = pageOf(rows, size, (r): [string, string] => [r.requestedAt.toISOString(), r.id]);
  if (page.items.length > 0) await auditAction(actor.db, actor, null, 'ok', { inputRequestsListed: page.items.length });
  return page;
}

/** The steps in a plan's life the timeline shows, read from the plan's events. */
const timelineSteps = [
  'care-plan.agreed',
  'care-plan.shared',
  'care-plan.input-requested',
  'care-plan.input-given',
  'care-plan.entered-in-error',
] as const;

/**
 * What the timeline reads of care plans: their history (every agreement and sharing, even of
 * versions since changed, and each request for a colleague's input) from the plans' events, and
 * their saved versions, run with the other parts' lists in one statement. The caller has opened
 * the record.
 */
export function carePlanTimelineLists(actor: Actor, opened: RecordRef) {
  return {
    carePlanHistory: historyOfPatient(actor.db, opened.id, 'care-plan', timelineSteps, 100),
    carePlanVersions: versionsOfPatient(actor.db, opened.id, 'care-plan', 100),
  };
}

const asDiscipline = (value: unknown): string =>
  typeof value === 'string' && isKeyOf(disciplineNames, value) ? disciplineNames[value].toLowerCase() : 'colleague';

export function carePlanTimelineEntries(
  opened: OpenedRecord<Patient>,
  history: readonly HistoryEntry[],
  versions: readonly VersionEntry[],
) {
  const hrefOf = (planId: string) => `/patients/${opened.id}/care-plans/${planId}`;
  // Versions come newest first, so the first seen of each plan is the one it is at now.
  const current = new Map<string, number>();
  for (const v of versions) if (!current.has(v.subjectId)) current.set(v.subjectId, v.version);
  const entries = [];
  for (const step of history) {
    const base = { at: step.at, kind: 'care-plan', href: hrefOf(step.subjectId) };
    const version = Number(step.data.version);
    switch (step.type) {
      case 'care-plan.shared':
        entries.push({
          ...base,
          title: `Care plan, version ${version}, shared`,
          text: `Letter shared with the person${step.data.gpConsent === true ? ' and their GP' : ''} by ${step.byName}`,
        });
        break;
      case 'care-plan.agreed':
        entries.push({
          ...base,
          title: `Care plan, version ${version}, agreed`,
          text: `Agreed with the person, recorded by ${step.byName}`,
        });
        break;
      case 'care-plan.input-requested':
        entries.push({
          ...base,
          title: 'Care plan: input asked for',
          text: `${step.byName} asked a ${asDiscipline(step.data.discipline)} for their input`,
        });
        break;
      case 'care-plan.input-given':
        entries.push({
          ...base,
          title: 'Care plan: input given',
          text: `${step.byName} (${asDiscipline(step.data.discipline)}) gave their input`,
        });
        break;
      // The reason stays on the plan's own page; the timeline says that it was withdrawn, and by whom.
      case 'care-plan.entered-in-error':
        entries.push({ ...base, title: 'Care plan withdrawn: entered in error', text: `Withdrawn by ${step.byName}` });
        break;
    }
  }
  for (const v of versions) {
    const href = hrefOf(v.subjectId);
    entries.push({
      at: v.savedAt,
      kind: 'care-plan',
      href: v.version === current.get(v.subjectId) ? href : `${href}/versions/${v.version}`,
      title: `Care plan, version ${v.version}`,
      text: v.version === 1 ? `Started by ${v.savedByName}` : `Saved by ${v.savedByName}`,
    });
  }
  return entries;
}

/** The care plan started from an assessment, if any. The caller has opened the record. */
export async function carePlanOfAssessment(actor: Actor, assessmentId: string): Promise<string | undefined> {
  return store.findCarePlanOfAssessment(actor.db, assessmentId);
}

/** An earlier (or the current) version of a plan, read only: checked and audited with which version. */
export async function openCarePlanVersion(actor: Actor, patientId: string, planId: string, version: number) {
  const patient = await requireCare(actor, patientId);
  const plan = await planOf(actor, patientId, planId);
  const saved = await findVersion<CarePlanContent>(actor.db, planId, version);
  if (!saved) throw new NotFound('There is no such version of this care plan.');
  // Audited once it is known which version was read.
  await auditAction(actor.db, actor, patientId, 'ok', { carePlan: planId, version });
  return { patient, plan, saved: { ...saved, content: toContent(saved.content) } };
}

const statusOfLocked = (locked: { version: number; agreed_version: number | null; shared_version: number | null }) =>
  statusOf({ version: locked.version, agreedVersion: locked.agreed_version, sharedVersion: locked.shared_version });

/** Withdraw a care plan as entered in error (the shared withdrawal: its author or a senior clinician). */
export async function withdrawCarePlan(actor: Actor, patientId: string, planId: string, reason: string) {
  await requireCare(actor, patientId);
  await withdrawRecord(actor, withdrawables['care-plan'], patientId, planId, reason);
}
