import assert from 'node:assert/strict';
import { sectionKeys } from '../../src/assessments/model.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import type { Client } from './client.ts';
import { makePresentation } from './factories.ts';
import { assessedAt } from './forms.ts';

/**
 * A finalised assessment through the pages, so its 48-hour clock starts as in use: the signed-in
 * client records a presentation's assessment, seen on `day` at `time` (UK time). Returns the
 * assessment's address and the follow-up's row.
 */
export async function assessedFollowUp(
  db: Db,
  client: Client,
  o: { patientId: string; teamId: string; recordedBy: string; day: string; time: string },
) {
  const presentation = await makePresentation(db, {
    patientId: o.patientId,
    teamId: o.teamId,
    recordedBy: o.recordedBy,
  });
  const p = `/patients/${o.patientId}`;
  await client.get(p);
  const assessment = (await client.post(`${p}/assessments`, { presentationId: presentation })).headers
    .location as string;
  await client.get(assessment);
  const body = Object.fromEntries(sectionKeys.map((k) => [k, `${k}: with the person`]));
  const done = await client.post(assessment, {
    ...body,
    version: '1',
    action: 'finalise',
    ...assessedAt(o.day, o.time),
  });
  assert.equal(done.status, 303, 'the assessment is finalised');
  const followUp = await db
    .selectFrom('follow_ups')
    .selectAll()
    .where('assessment_id', '=', assessment.split('/').pop()!)
    .executeTakeFirstOrThrow();
  return { assessment, followUp, url: `${p}/follow-ups/${followUp.id}` };
}

/**
 * A follow-up's clock made straight in the tables, in any state, for figures and worklists that need
 * many: its own presentation and finalised assessment, as the clock's foreign keys ask.
 */
export async function makeFollowUp(
  db: Db,
  o: {
    patientId: string;
    teamId: string;
    by: string;
    assessedAt: Date;
    state?: 'due' | 'done' | 'stopped';
    contactedAt?: Date;
  },
): Promise<string> {
  const presentation = await makePresentation(db, {
    patientId: o.patientId,
    teamId: o.teamId,
    recordedBy: o.by,
    arrivedAt: new Date(o.assessedAt.getTime() - 3_600_000),
  });
  const assessment = await db
    .insertInto('assessments')
    .values({
      patient_id: o.patientId,
      presentation_id: presentation,
      team_id: o.teamId,
      status: 'final',
      sections: '{}',
      started_by: o.by,
      started_at: o.assessedAt,
      updated_by: o.by,
      updated_at: o.assessedAt,
      finalised_by: o.by,
      finalised_at: o.assessedAt,
      assessed_at: o.assessedAt,
      follow_up_due_at: new Date(o.assessedAt.getTime() + 48 * 3_600_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const state = o.state ?? 'due';
  const closedAt = state === 'due' ? null : (o.contactedAt ?? new Date(o.assessedAt.getTime() + 3_600_000));
  const row = await db
    .insertInto('follow_ups')
    .values({
      patient_id: o.patientId,
      team_id: o.teamId,
      assessment_id: assessment.id,
      assessed_at: o.assessedAt,
      due_at: new Date(o.assessedAt.getTime() + 48 * 3_600_000),
      state,
      closed_at: closedAt,
      closed_by: closedAt ? o.by : null,
      contacted_at: state === 'done' ? closedAt : null,
      stop_reason: state === 'stopped' ? 'admitted' : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
