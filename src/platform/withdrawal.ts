import { sql } from 'kysely';
import { z } from 'zod';
import { Conflict, Forbidden, NotFound } from './errors.ts';
import { changeState } from './events.ts';
import { formParser, proseText } from './forms.ts';
import type { Actor } from './http/pages.ts';
import { defineMachine } from './state.ts';

// One way to withdraw a clinical record as entered in error, for every kind that can be: a
// presentation, an assessment, a care plan, a safety plan. Withdrawn, never deleted: who, when and
// why are kept on the row, the document stays readable with a banner to those who may see it, it
// leaves the default views and figures, and the timeline says it was withdrawn. Only its author or
// a senior clinician may do it; it happens once (the state machine refuses a second) and cannot be
// undone.

export const WITHDRAW_REASON_MAX = 2000;

export type Withdrawable = {
  /** The table holding the record, with entered_in_error_at/_by/_reason columns. */
  table: 'presentations' | 'assessments' | 'care_plans' | 'safety_plans';
  subjectType: 'presentation' | 'assessment' | 'care-plan' | 'safety-plan';
  /** "assessment": what the record is called in sentences. */
  name: string;
  /** The columns naming who wrote it: any of them may withdraw it. */
  authors: readonly string[];
};

export const withdrawables = {
  presentation: { table: 'presentations', subjectType: 'presentation', name: 'presentation', authors: ['recorded_by'] },
  assessment: {
    table: 'assessments',
    subjectType: 'assessment',
    name: 'assessment',
    authors: ['started_by', 'finalised_by'],
  },
  'care-plan': { table: 'care_plans', subjectType: 'care-plan', name: 'care plan', authors: ['created_by'] },
  'safety-plan': { table: 'safety_plans', subjectType: 'safety-plan', name: 'safety plan', authors: ['created_by'] },
} as const satisfies Record<string, Withdrawable>;

export type InErrorState = 'current' | 'entered-in-error';

/** Current until withdrawn, once; nothing moves a record back. The event is `<subjectType>.entered-in-error`. */
export function inErrorStates(kind: Withdrawable) {
  return defineMachine<InErrorState, string>({
    subject: `This ${kind.name}`,
    states: { current: 'is current', 'entered-in-error': 'has already been withdrawn as entered in error' },
    events: {
      [`${kind.subjectType}.entered-in-error`]: { from: ['current'], to: 'entered-in-error', code: 'entered-in-error' },
    },
  });
}

/**
 * Who may withdraw a record as entered in error: a person who wrote it, or a senior clinician (a
 * consultant taking responsibility for the record). Anyone else asks one of them.
 */
export function mayWithdraw(user: { id: string; role: string }, authors: readonly (string | null)[]): boolean {
  return authors.includes(user.id) || user.role === 'senior-clinician';
}

/** The withdrawal form: a reason, required, at most 2,000 characters. */
export function parseWithdrawal(name: string) {
  return formParser(
    z.object({
      reason: proseText('The reason', WITHDRAW_REASON_MAX).refine((v) => v.trim() !== '', {
        message: `Say why the ${name} was entered in error`,
      }),
    }),
  );
}

/** Who withdrew a record, when and why, as its pages show it; null while it is current. */
export type InError = { at: Date; byName: string; reason: string } | null;

/**
 * Withdraw one record of a patient whose care the caller has already checked: held, checked
 * (this patient's, the caller may, not withdrawn already), marked, with its event and audit row,
 * in one transaction. The event is `<subjectType>.entered-in-error`.
 */
export async function withdrawRecord(
  actor: Actor,
  kind: Withdrawable,
  patientId: string,
  id: string,
  reason: string,
): Promise<void> {
  const now = actor.clock.now();
  await actor.db.transaction().execute(async (db) => {
    const found = await sql<Record<string, string | Date | null>>`SELECT patient_id, entered_in_error_at,
        ${sql.join(kind.authors.map((a) => sql.ref(a)))}
      FROM ${sql.table(kind.table)} WHERE id = ${id} FOR UPDATE`.execute(db);
    const row = found.rows[0];
    if (!row || row.patient_id !== patientId) throw new NotFound(`There is no such ${kind.name} for this person.`);
    const authors = kind.authors.map((a) => (row[a] as string | null) ?? null);
    if (!mayWithdraw(actor.user, authors))
      throw new Forbidden(
        `Only the person who wrote this ${kind.name} or a senior clinician can withdraw it. Ask one of them`,
        'not-the-author',
      );
    await changeState(db, actor, inErrorStates(kind), {
      subjectType: kind.subjectType,
      subjectId: id,
      patientId,
      current: row.entered_in_error_at ? 'entered-in-error' : 'current',
      event: `${kind.subjectType}.entered-in-error`,
      data: { reason },
      audit: { [kind.subjectType]: id },
      write: async () => {
        await sql`UPDATE ${sql.table(kind.table)}
          SET entered_in_error_at = ${now}, entered_in_error_by = ${actor.user.id}, entered_in_error_reason = ${reason}
          WHERE id = ${id} AND entered_in_error_at IS NULL`.execute(db);
      },
    });
  });
}

/** A withdrawn record is read, never changed: every change to one is refused with this. */
export function refuseIfWithdrawn(withdrawn: boolean, name: string): void {
  if (withdrawn)
    throw new Conflict(
      `This ${name} has been withdrawn as entered in error: it is kept to be read, not changed`,
      'entered-in-error',
    );
}

/** A row's withdrawal columns (read beside its withdrawer's name) as the pages show them. */
export function inErrorOf(r: {
  entered_in_error_at: Date | null;
  entered_in_error_reason: string | null;
  entered_in_error_by_name: string | null;
}): InError {
  return r.entered_in_error_at && r.entered_in_error_reason
    ? { at: r.entered_in_error_at, byName: r.entered_in_error_by_name ?? '', reason: r.entered_in_error_reason }
    : null;
}
