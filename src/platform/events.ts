import type { Db } from './db/schema.ts';

// Every change to the clinical record is an event (DESIGN rule 1): appended, never changed, in
// the same transaction as the state it produces.

export type RecordEvent = {
  at: Date;
  userId: string;
  patientId: string;
  subjectType: string;
  subjectId: string;
  type: string;
  fromState: string | null;
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
      data: JSON.stringify(e.data),
    })
    .execute();
}
