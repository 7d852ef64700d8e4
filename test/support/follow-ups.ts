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
