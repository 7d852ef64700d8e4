import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { closeTestDatabase, testDatabase } from '../../test/support/database.ts';
import { makePatient, makeTeam, makeUser } from '../../test/support/factories.ts';
import { makeFollowUp } from '../../test/support/follow-ups.ts';
import { raiseFollowUpAlerts } from './alerts.ts';

// The scheduled job of the 48-hour clock: each run alerts what fell due since the last one stopped,
// to the assessing practitioner and the team's managers, once — however often it runs, however
// long the server was down.

after(closeTestDatabase);

const HOUR = 3_600_000;

test('12 hours before and at the breach, the practitioner and the managers are alerted, once; a run after downtime catches up; a done follow-up alerts nobody', async () => {
  const { db } = await testDatabase();
  const team = await makeTeam(db);
  const nurse = await makeUser(db, { role: 'liaison-practitioner', teamIds: [team] });
  const manager = await makeUser(db, { role: 'team-manager', teamIds: [team] });
  const patient = await makePatient(db, { teamId: team });
  // A moment no other test uses: on PostgreSQL every test file shares one database.
  const assessedAt = new Date('2026-10-07T05:17:00Z');
  const due = await makeFollowUp(db, { patientId: patient.id, teamId: team, by: nurse.id, assessedAt });
  const done = await makeFollowUp(db, { patientId: patient.id, teamId: team, by: nurse.id, assessedAt, state: 'done' });
  const dueAt = new Date(assessedAt.getTime() + 48 * HOUR);
  const clock = fixedClock(new Date(dueAt.getTime() - 13 * HOUR));
  const window = `follow-up-alerts-test-${Math.random().toString(36).slice(2)}`;
  const run = () => raiseFollowUpAlerts({ db, clock }, { window });
  const alertsFor = (followUpId: string) =>
    db
      .selectFrom('alerts')
      .select(['user_id', 'kind', 'href', 'text'])
      .where('href', 'like', `%/follow-ups/${followUpId}`)
      .orderBy('kind')
      .orderBy('user_id')
      .execute();

  assert.equal(await run(), 0, 'the first run looks back a few minutes only');
  clock.advance(2 * HOUR); // 11 hours before it is due: the due-soon moment has passed
  await run();
  const soon = await alertsFor(due);
  assert.deepEqual(
    soon.map((a) => [a.kind, a.user_id]).sort(),
    [
      ['follow-up-due-soon', manager.id],
      ['follow-up-due-soon', nurse.id],
    ].sort(),
  );
  assert.match(soon[0]!.text, /^Follow-up due by 9 October 2026 at 06:17$/);
  assert.equal(soon[0]!.href, `/patients/${patient.id}/follow-ups/${due}`);
  assert.equal(await run(), 0, 'the same moment is never alerted twice');

  // The server is down across the breach; the first run back catches it.
  clock.advance(20 * HOUR);
  await run();
  const all = await alertsFor(due);
  assert.deepEqual(all.map((a) => a.kind).sort(), [
    'follow-up-breached',
    'follow-up-breached',
    'follow-up-due-soon',
    'follow-up-due-soon',
  ]);
  assert.match(
    all.find((a) => a.kind === 'follow-up-breached')!.text,
    /not done within 48 hours: it was due 9 October 2026 at 06:17/,
  );
  assert.deepEqual(await alertsFor(done), [], 'a done follow-up alerts nobody');
  // Two servers running the same window at once: the window's lock lets one through at a time.
  await Promise.all([run(), run()]);
  assert.equal((await alertsFor(due)).length, 4);
});
