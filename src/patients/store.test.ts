import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { gateThroughCare } from '#platform/access/record.ts';
import { closeTestDatabase, testDatabase } from '../../test/support/database.ts';
import { makePatient, makePresentation, makeTeam, makeUser } from '../../test/support/factories.ts';
import { presentationsOfPatient } from '../presentations/store.ts';
import { readSummary } from './store.ts';

after(closeTestDatabase);

// The summary's one statement: the care check, the audit row and the timeline together. The rule
// that matters is that nothing is read, and no "ok" row written, for someone the caller may not see.

async function world() {
  const { db } = await testDatabase();
  const team = await makeTeam(db);
  const other = await makeTeam(db);
  const user = await makeUser(db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(db, { teamId: team });
  await makePresentation(db, { patientId: patient.id, teamId: team, recordedBy: user.id });
  const read = (teamIds: string[], patientId = patient.id) =>
    readSummary(
      db,
      gateThroughCare(patientId, { teamIds }),
      {
        at: new Date('2026-11-25T10:00:00Z'),
        userId: user.id,
        role: 'liaison-practitioner',
        action: 'patient.read',
        patientId,
        outcome: 'ok',
      },
      { presentations: presentationsOfPatient(db, patientId, 100) },
    );
  const okRows = async () =>
    (
      await db
        .selectFrom('audit_log')
        .select('id')
        .where('patient_id', '=', patient.id)
        .where('outcome', '=', 'ok')
        .execute()
    ).length;
  return { db, team, other, patient, read, okRows };
}

test('through care, the statement returns the record, its lists and writes exactly one ok audit row', async () => {
  const w = await world();
  const found = await w.read([w.other, w.team]);
  assert.deepEqual(found!.caringTeamIds, [w.team]);
  assert.equal(found!.lists.presentations.length, 1);
  assert.ok(found!.lists.presentations[0]!.arrivedAt instanceof Date);
  assert.equal(found!.teams.length, 1);
  assert.equal(await w.okRows(), 1);
});

test('without care, the lists come back empty and no ok row is written', async () => {
  const w = await world();
  for (const teams of [[w.other], []]) {
    const found = await w.read(teams);
    assert.deepEqual(found!.caringTeamIds, []);
    assert.deepEqual(found!.lists.presentations, []);
  }
  assert.equal(await w.read([w.team], '00000000-0000-4000-8000-000000000000'), undefined);
  assert.equal(await w.okRows(), 0);
});
