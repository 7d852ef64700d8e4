import type { RecordRef } from '#platform/access/record.ts';
import { auditAction } from '#platform/audit/store.ts';
import { Conflict } from '#platform/errors.ts';
import { changeState } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { possibleDuplicates } from '../../ed-referrals/model.ts';
import { localCandidates } from '../../ed-referrals/store.ts';
import { requireCare } from '../service.ts';
import { checkMerge, mergeRefusals, recordStates } from './model.ts';
import * as store from './store.ts';

// Merging two records of one person (a senior clinician's action). Both records must be ones the
// clinician's team is caring for: a record they cannot see cannot be merged into or from, and the
// refusal is the same "not found" as for any record out of reach.

/** The records the clinician can see that may be this person: the merge form's choices. */
export async function mergeChoices(actor: Actor, survivorId: string) {
  const survivor = await requireCare(actor, survivorId);
  const candidates = possibleDuplicates(
    survivor,
    (await localCandidates(actor.db, actor.user.teamIds, survivor, actor.user.teamIds)).filter(
      (c) => c.id !== survivor.id,
    ),
  );
  await auditAction(actor.db, actor, survivor.id, 'ok', { candidates: candidates.length });
  return { survivor, candidates };
}

export async function mergeRecords(actor: Actor, survivorId: string, mergedId: string, reason: string): Promise<void> {
  const survivor = await requireCare(actor, survivorId);
  if (survivorId === mergedId) return refuse(actor, survivorId, mergeRefusals['same-record']);
  const merged = await requireCare(actor, mergedId);
  const now = actor.clock.now();
  try {
    await merge(actor, survivor.id, merged.id, reason, now);
  } catch (error) {
    if (error instanceof Conflict) return refuse(actor, survivorId, error.message);
    throw error;
  }
}

/** A refused merge: audited on the record it was asked from, then the refusal as the page shows it. */
async function refuse(actor: Actor, patientId: string, message: string): Promise<never> {
  await auditAction(actor.db, actor, patientId, 'refused', { reason: 'merge-refused' });
  throw new Conflict(message, 'merge-refused');
}

async function merge(actor: Actor, survivorId: string, mergedId: string, reason: string, now: Date): Promise<void> {
  const survivor = { id: survivorId };
  const merged = { id: mergedId };
  await actor.db.transaction().execute(async (tx) => {
    // Both rows held, in one order, so two merges of the same pair at once cannot interleave.
    const held = await tx
      .selectFrom('patients')
      .select(['id', 'nhs_number', 'merged_into'])
      .where('id', 'in', [survivor.id, merged.id])
      .orderBy('id')
      .forUpdate()
      .execute();
    const side = async (id: string) => {
      const row = held.find((r) => r.id === id)!;
      return {
        id,
        nhsNumber: row.nhs_number,
        mergedInto: row.merged_into,
        hasSafetyPlan: await store.hasSafetyPlan(tx, id),
      };
    };
    const refusal = checkMerge(await side(survivor.id), await side(merged.id));
    if (refusal) throw new Conflict(mergeRefusals[refusal], 'merge-refused');
    await store.endDuplicateCare(tx, survivor.id, merged.id, now, actor.user.id);
    await store.withdrawDuplicateConsent(tx, survivor.id, merged.id, now, actor.user.id);
    const moved = await store.moveRecord(tx, survivor.id, merged.id);
    await changeState(tx, actor, recordStates, {
      subjectType: 'patient',
      subjectId: merged.id,
      patientId: survivor.id,
      current: 'active',
      event: 'record.merged',
      data: { survivorId: survivor.id, mergedId: merged.id },
      audit: { merged: merged.id, moved: Object.values(moved).reduce((n, ids) => n + ids.length, 0) },
      write: async () => {
        await store.recordMerge(tx, {
          survivorId: survivor.id,
          mergedId: merged.id,
          by: actor.user.id,
          at: now,
          reason,
          moved,
        });
      },
    });
  });
}

/** The merges into a record, as a list its summary reads in the statement that checks care. */
export function mergesForSummary(actor: Actor, opened: RecordRef) {
  return store.mergesInto(actor.db, opened.id);
}
