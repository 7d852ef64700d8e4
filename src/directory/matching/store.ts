import type { Db } from '#platform/db/schema.ts';
import { isNeed, type Need } from './model.ts';

// The needs a practitioner confirmed from an assessment: read, and saved over the version opened.

export type ConfirmedNeeds = {
  needs: Need[];
  wants: string;
  version: number;
  confirmedByName: string;
  confirmedAt: Date;
};

export async function needsOfAssessment(db: Db, assessmentId: string): Promise<ConfirmedNeeds | undefined> {
  const row = await db
    .selectFrom('assessment_needs as n')
    .innerJoin('users as u', 'u.id', 'n.confirmed_by')
    .select(['n.needs', 'n.wants', 'n.version', 'n.confirmed_at', 'u.display_name'])
    .where('n.assessment_id', '=', assessmentId)
    .executeTakeFirst();
  return (
    row && {
      needs: row.needs.filter(isNeed),
      wants: row.wants,
      version: row.version,
      confirmedByName: row.display_name,
      confirmedAt: row.confirmed_at,
    }
  );
}

/**
 * Confirm the needs, over the version the practitioner opened (0: none yet). False when it has moved
 * on, and nothing is written.
 */
export async function saveNeeds(
  db: Db,
  n: {
    assessmentId: string;
    patientId: string;
    needs: Need[];
    wants: string;
    openedVersion: number;
    by: string;
    at: Date;
  },
): Promise<boolean> {
  if (n.openedVersion === 0) {
    const made = await db
      .insertInto('assessment_needs')
      .values({
        assessment_id: n.assessmentId,
        patient_id: n.patientId,
        needs: n.needs,
        wants: n.wants,
        confirmed_by: n.by,
        confirmed_at: n.at,
      })
      .onConflict((oc) => oc.column('assessment_id').doNothing())
      .returning('version')
      .executeTakeFirst();
    return made !== undefined;
  }
  const result = await db
    .updateTable('assessment_needs')
    .set((eb) => ({
      needs: n.needs,
      wants: n.wants,
      confirmed_by: n.by,
      confirmed_at: n.at,
      version: eb('version', '+', 1),
    }))
    .where('assessment_id', '=', n.assessmentId)
    .where('version', '=', n.openedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
