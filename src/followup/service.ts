import { z } from 'zod';
import { auditAction } from '#platform/audit/store.ts';
import { londonWallTime } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import { Forbidden, NotFound, refuseProblems } from '#platform/errors.ts';
import { changeState } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { decodeCursor, PAGE_SIZE, type Page, pageOf } from '#platform/worklist.ts';
import { openPatient, requireCare } from '../patients/service.ts';
import {
  type Attempt,
  checkAttempt,
  checkStop,
  DUE_SOON_MS,
  dueAfter,
  type FollowUpState,
  followUpStates,
  makesDone,
  type ReminderKind,
  reminderKey,
  remindersIn,
  type Stop,
} from './model.ts';
import * as store from './store.ts';

// The 48-hour follow-up's use cases. The clock is started inside the transaction that finalises
// the assessment; each attempt, its closing (done or stopped) and its event and audit row are one
// transaction through the shared state change.

/** Start the clock for a finalised assessment, in the caller's transaction (NICE NG225). */
export async function startFollowUp(
  tx: Db,
  c: { patientId: string; teamId: string; assessmentId: string; assessedAt: Date },
): Promise<{ id: string; dueAt: Date }> {
  const dueAt = dueAfter(c.assessedAt);
  const id = await store.startClock(tx, { ...c, dueAt });
  return { id, dueAt };
}

/** One follow-up with its attempts, for its page: a read of the record, audited. */
export async function openFollowUp(actor: Actor, patientId: string, followUpId: string) {
  const patient = await openPatient(actor, patientId, { followUp: followUpId });
  const followUp = await store.findFollowUp(actor.db, followUpId);
  if (!followUp || followUp.patientId !== patientId) throw new NotFound('There is no such follow-up for this person.');
  return { patient, followUp, attempts: await store.attemptsOf(actor.db, followUpId) };
}

/** The follow-up behind a refused form, shown again: checked, not audited as a read. */
export async function followUpForForm(actor: Actor, patientId: string, followUpId: string) {
  const patient = await requireCare(actor, patientId);
  const followUp = await store.findFollowUp(actor.db, followUpId);
  if (!followUp || followUp.patientId !== patientId) throw new NotFound('There is no such follow-up for this person.');
  return { patient, followUp, attempts: await store.attemptsOf(actor.db, followUpId) };
}

/** Hold a person's follow-up for the rest of the transaction, so two changes to it are decided in turn. */
export async function held(tx: Db, patientId: string, followUpId: string) {
  const row = await store.lockFollowUp(tx, followUpId);
  if (!row || row.patient_id !== patientId) throw new NotFound('There is no such follow-up for this person.');
  return row;
}

/**
 * Record an attempt. Contact with the person, noted, makes the follow-up done; any other attempt
 * keeps it due, with when to try next. Refused once the follow-up is done or stopped.
 */
export async function recordAttempt(
  actor: Actor,
  patientId: string,
  followUpId: string,
  attempt: Attempt,
): Promise<{ done: boolean }> {
  await requireCare(actor, patientId);
  return actor.db.transaction().execute(async (tx) => {
    const row = await held(tx, patientId, followUpId);
    return attemptWithin(tx, actor, row, attempt);
  });
}

/** An attempt on a follow-up the caller holds, in the caller's transaction (the clinic records attendance so). */
export async function attemptWithin(
  tx: Db,
  actor: Actor,
  row: Awaited<ReturnType<typeof held>>,
  attempt: Attempt,
): Promise<{ done: boolean }> {
  const now = actor.clock.now();
  const problems = checkAttempt(attempt, { assessedAt: row.assessed_at, now });
  // The form asks for when as a date and a time, and for the next try the same way.
  refuseProblems(problems, { at: 'on', nextTryAt: 'nextOn' });
  const done = makesDone(attempt);
  await changeState(tx, actor, followUpStates, {
    subjectType: 'follow-up',
    subjectId: row.id,
    patientId: row.patient_id,
    current: row.state as FollowUpState,
    event: done ? 'follow-up.done' : 'follow-up.attempted',
    // The note stays in the record, not in the event or the audit trail.
    data: { method: attempt.method, result: attempt.result, at: attempt.at.toISOString() },
    audit: { followUp: row.id, result: attempt.result },
    write: async () => {
      await store.insertAttempt(tx, {
        ...attempt,
        followUpId: row.id,
        patientId: row.patient_id,
        by: actor.user.id,
        recordedAt: now,
      });
      if (done)
        await store.closeFollowUp(tx, { id: row.id, to: 'done', at: now, by: actor.user.id, contactedAt: attempt.at });
    },
  });
  return { done };
}

/** Stop the clock: only with a recorded reason, by whom, audited and counted apart in the figures. */
export async function stopFollowUp(actor: Actor, patientId: string, followUpId: string, stop: Stop): Promise<void> {
  await requireCare(actor, patientId);
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (tx) => {
    const row = await held(tx, patientId, followUpId);
    const problems = checkStop(stop, {
      assessedOn: londonWallTime(row.assessed_at).date,
      today: londonWallTime(now).date,
    });
    refuseProblems(problems);
    await changeState(tx, actor, followUpStates, {
      subjectType: 'follow-up',
      subjectId: followUpId,
      patientId,
      current: row.state as 'due',
      event: 'follow-up.stopped',
      data: { reason: stop.reason },
      audit: { followUp: followUpId, reason: stop.reason },
      write: () => store.closeFollowUp(tx, { id: followUpId, to: 'stopped', at: now, by: actor.user.id, stop }),
    });
  });
}

/**
 * Stop a person's due follow-up as part of a discharge that said why it is not needed: the
 * discharge is the recorded decision (NICE NG225), so the clock does not run on unseen.
 */
export async function stopAtDischarge(tx: Db, actor: Actor, patientId: string, teamId: string, why: string) {
  const due = await store.dueFollowUpOf(tx, patientId, teamId);
  if (!due) return;
  await held(tx, patientId, due.id);
  await changeState(tx, actor, followUpStates, {
    subjectType: 'follow-up',
    subjectId: due.id,
    patientId,
    current: 'due',
    event: 'follow-up.stopped',
    data: { reason: 'other', atDischarge: true },
    audit: { followUp: due.id, reason: 'other' },
    write: () =>
      store.closeFollowUp(tx, {
        id: due.id,
        to: 'stopped',
        at: actor.clock.now(),
        by: actor.user.id,
        stop: { reason: 'other', reasonText: `At discharge: ${why}`, otherTeam: '', otherTeamSawOn: null },
      }),
  });
}

/** When a person's due follow-up falls due, for this team: what a discharge checks. */
export async function dueFollowUpAt(db: Db, patientId: string, teamId: string): Promise<Date | null> {
  return (await store.dueFollowUpOf(db, patientId, teamId))?.due_at ?? null;
}

const worklistCursor = z.object({ dueAt: z.iso.datetime(), id: z.uuid() });

/** The team's follow-ups still due, most overdue first: audited as a read of identities, as the caseload is. */
export async function followUpWorklist(
  actor: Actor,
  teamId: string,
  after: string | undefined,
  size = PAGE_SIZE,
): Promise<Page<store.WorklistRow>> {
  // Only a team the person belongs to: another team's worklist names people they may not see.
  if (!actor.user.teamIds.includes(teamId))
    throw new Forbidden('You can see only your own teams’ follow-ups', 'not-your-team');
  const key = decodeCursor(after, worklistCursor);
  const rows = await store.dueFollowUps(actor.db, teamId, size + 1, key && { dueAt: new Date(key.dueAt), id: key.id });
  await auditAction(actor.db, actor, null, 'ok', { followUps: Math.min(rows.length, size) });
  return pageOf(rows, size, (r) => ({ dueAt: r.dueAt.toISOString(), id: r.id }));
}

/** The follow-up of an assessment, for the assessment's page. The caller has opened the record. */
export async function followUpOfAssessment(actor: Actor, assessmentId: string) {
  return store.followUpOfAssessment(actor.db, assessmentId);
}

export type Reminder = {
  key: string;
  kind: ReminderKind;
  followUpId: string;
  patientId: string;
  teamId: string;
  dueAt: Date;
  recipientId: string;
};

/**
 * The reminders that fall in (from, to]: the hand-off to the outbox, whose scheduled job calls this
 * each run with the end of its last window and now, and sends each by its key (at most once).
 */
export async function remindersBetween(db: Db, from: Date, to: Date): Promise<Reminder[]> {
  const followUps = await store.followUpsForReminders(db, from, to, DUE_SOON_MS);
  return followUps.flatMap((f) =>
    remindersIn(f.dueAt, from, to).flatMap((kind) =>
      f.recipients.map((recipientId) => ({
        key: reminderKey(f.id, kind, recipientId),
        kind,
        followUpId: f.id,
        patientId: f.patientId,
        teamId: f.teamId,
        dueAt: f.dueAt,
        recipientId,
      })),
    ),
  );
}

/** A person's follow-ups for the summary's timeline, read in the statement that checks care. */
export function followUpsForTimeline(actor: Actor, opened: { id: string }) {
  return store.followUpsOfPatient(actor.db, opened.id);
}
