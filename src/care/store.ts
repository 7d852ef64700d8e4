import type { Db } from '#platform/db/schema.ts';
import type { DischargeReason } from './model.ts';

// Care relationships: which team is caring for whom, and when and why that ended.

export type OpenCare = { id: string; teamId: string; startedAt: Date };

/**
 * The open care relationship of the first of these teams caring for the person. With `hold`, the
 * row is held for the rest of the transaction: a second discharge at the same moment waits, then
 * finds none.
 */
export async function openCareOf(
  db: Db,
  patientId: string,
  teamIds: readonly string[],
  hold = false,
): Promise<OpenCare | undefined> {
  if (teamIds.length === 0) return undefined;
  const query = db
    .selectFrom('care_relationships')
    .select(['id', 'team_id', 'started_at'])
    .where('patient_id', '=', patientId)
    .where('team_id', 'in', teamIds)
    .where('ended_at', 'is', null)
    .orderBy('started_at')
    .limit(1);
  const row = await (hold ? query.forUpdate() : query).executeTakeFirst();
  return row && { id: row.id, teamId: row.team_id, startedAt: row.started_at };
}

export async function endCare(
  db: Db,
  c: {
    id: string;
    at: Date;
    by: string;
    reason: DischargeReason;
    reasonText: string;
    followUpReason: string;
    referralsReason: string;
  },
): Promise<void> {
  await db
    .updateTable('care_relationships')
    .set({
      ended_at: c.at,
      ended_by: c.by,
      end_reason: c.reason,
      end_reason_text: c.reasonText || null,
      follow_up_reason: c.followUpReason || null,
      open_referrals_reason: c.referralsReason || null,
    })
    .where('id', '=', c.id)
    .where('ended_at', 'is', null)
    .executeTakeFirstOrThrow();
}
