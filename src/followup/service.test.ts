import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeTestDatabase, testDatabase } from '../../test/support/database.ts';
import { makePatient, makeTeam, makeUser } from '../../test/support/factories.ts';
import { makeFollowUp } from '../../test/support/follow-ups.ts';
import { remindersBetween } from './service.ts';

// The reminder hand-off to the outbox: which reminders fall in a window, to whom, under which key.

after(closeTestDatabase);

const HOUR = 3_600_000;

test('reminders: 12 hours before and at the breach, to the assessing practitioner and the team’s managers, once per window', async () => {
  const { db } = await testDatabase();
  const team = await makeTeam(db);
  const nurse = await makeUser(db, { role: 'liaison-practitioner', teamIds: [team] });
  const manager = await makeUser(db, { role: 'team-manager', teamIds: [team] });
  await makeUser(db, { role: 'team-manager', teamIds: [await makeTeam(db)] });
  const patient = await makePatient(db, { teamId: team });
  const assessedAt = new Date('2026-11-20T08:00:00Z');
  const due = await makeFollowUp(db, { patientId: patient.id, teamId: team, by: nurse.id, assessedAt });
  const done = await makeFollowUp(db, { patientId: patient.id, teamId: team, by: nurse.id, assessedAt, state: 'done' });
  const dueAt = new Date(assessedAt.getTime() + 48 * HOUR);
  // Only this test's follow-ups: on PostgreSQL every test file shares one database.
  const window = async (fromHours: number, toHours: number) =>
    (
      await remindersBetween(
        db,
        new Date(dueAt.getTime() + fromHours * HOUR),
        new Date(dueAt.getTime() + toHours * HOUR),
      )
    ).filter((r) => r.followUpId === due || r.followUpId === done);
  const soon = await window(-13, -11);
  assert.deepEqual(
    soon.map((r) => [r.kind, r.recipientId]).sort(),
    [
      ['due-soon', manager.id],
      ['due-soon', nurse.id],
    ].sort(),
  );
  assert.ok(soon.every((r) => r.followUpId === due && r.key === `follow-up:${due}:due-soon:${r.recipientId}`));
  assert.deepEqual(await window(-11, -1), [], 'nothing falls between the two moments');
  const breach = await window(-1, 0);
  assert.deepEqual(
    breach.map((r) => r.kind),
    ['breached', 'breached'],
  );
  assert.ok(!breach.some((r) => r.followUpId === done), 'a done follow-up reminds nobody');
  // Once done, a follow-up reminds nobody.
  await db
    .updateTable('follow_ups')
    .set({ state: 'done', closed_at: dueAt, closed_by: nurse.id, contacted_at: dueAt })
    .where('id', '=', due)
    .execute();
  assert.deepEqual(await window(-13, 0), []);
});
