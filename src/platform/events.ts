import { auditAction } from './audit/store.ts';
import type { Db } from './db/schema.ts';
import { listQuery } from './db/together.ts';
import type { Actor } from './http/pages.ts';
import { type Machine, type Transition, transition } from './state.ts';

// Every change to the clinical record is an event (DESIGN rule 1): appended, never changed, in
// the same transaction as the state it produces. Events are also what a record's history is read
// from: the timeline shows each step as it happened, including steps a record's current row has
// since moved past (an agreement to an earlier version of a plan).

export type RecordEvent = {
  at: Date;
  userId: string;
  patientId: string;
  subjectType: string;
  subjectId: string;
  type: string;
  fromState: string | null;
  /** Where the step left the record; null for steps that do not change its state (a draft saved). */
  toState?: string | null;
  data: Record<string, unknown>;
};

export async function appendEvent(db: Db, e: RecordEvent): Promise<void> {
  await db
    .insertInto('record_events')
    .values({
      at: e.at,
      user_id: e.userId,
      patient_id: e.patientId,
      subject_type: e.subjectType,
      subject_id: e.subjectId,
      type: e.type,
      from_state: e.fromState,
      to_state: e.toState ?? null,
      data: JSON.stringify(e.data),
    })
    .execute();
}

/** One step in a record's history, as a page shows it: what, when, by whom, and its details. */
export type HistoryEntry = {
  at: Date;
  type: string;
  subjectId: string;
  fromState: string | null;
  toState: string | null;
  byName: string;
  data: Record<string, unknown>;
};

/**
 * The named kinds of event about one kind of a patient's records, newest first: a list the timeline
 * runs together with the other parts' lists. The caller has opened (checked and audited) the record.
 */
export function historyOfPatient(
  db: Db,
  patientId: string,
  subjectType: string,
  types: readonly [string, ...string[]],
  limit: number,
) {
  return listQuery({
    builder: db
      .selectFrom('record_events')
      .innerJoin('users', 'users.id', 'record_events.user_id')
      .select([
        'record_events.id',
        'record_events.at',
        'record_events.type',
        'record_events.subject_id',
        'record_events.from_state',
        'record_events.to_state',
        'record_events.data',
        'users.display_name',
      ])
      .where('record_events.patient_id', '=', patientId)
      .where('record_events.subject_type', '=', subjectType)
      .where('record_events.type', 'in', types)
      .orderBy('record_events.id', 'desc')
      .limit(limit),
    times: ['at'],
    map: (r): HistoryEntry => ({
      at: r.at,
      type: r.type,
      subjectId: r.subject_id,
      fromState: r.from_state,
      toState: r.to_state,
      byName: r.display_name,
      data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
    }),
  });
}

/** The audit details a change adds (the record's id under its own name, a version …). */
type Detail = Record<string, string | number | boolean | null>;

/**
 * Move a record from its current state by an event, in the caller's transaction: refused as a
 * Conflict naming the current state if the machine does not allow it; otherwise the part writes
 * the new state (`write`), and the event and the audit row are appended beside it — all three or
 * none. The caller holds the record's row (SELECT … FOR UPDATE) so `current` is still true.
 */
export async function changeState<S extends string, E extends string>(
  tx: Db,
  actor: Actor,
  machine: Machine<S, E>,
  change: {
    subjectType: string;
    subjectId: string;
    patientId: string;
    current: S;
    event: E;
    /** What the step records besides who and when: the reason, the version it was for … */
    data?: Record<string, unknown>;
    audit: Detail;
    write: (to: S) => Promise<void>;
  },
): Promise<Transition<S>> {
  const moved = transition(machine, change.current, change.event);
  await change.write(moved.to);
  await appendEvent(tx, {
    at: actor.clock.now(),
    userId: actor.user.id,
    patientId: change.patientId,
    subjectType: change.subjectType,
    subjectId: change.subjectId,
    type: change.event,
    fromState: moved.from,
    toState: moved.to,
    data: change.data ?? {},
  });
  await auditAction(tx, actor, change.patientId, 'ok', change.audit);
  return moved;
}
