import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { testApp } from '../../test/support/app.ts';
import { Client } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';
import { makeFollowUp } from '../../test/support/follow-ups.ts';

// The 48-hour figures on the figures page: by team and week, stops apart, a manager's own team
// exact, every team suppressed for analysts, withdrawn assessments left out.

after(closeTestDatabase);

const HOUR = 3_600_000;

test('48-hour figures: in time, late, not followed up, stopped and running, by team and week', async () => {
  const now = new Date('2026-12-02T12:00:00Z');
  const t = await testApp({ clock: fixedClock(now) });
  const team = await makeTeam(t.db);
  const otherTeam = await makeTeam(t.db);
  const nurse = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const manager = await makeUser(t.db, { role: 'team-manager', teamIds: [team] });
  const analyst = await makeUser(t.db, { role: 'analyst', teamIds: [] });
  const patient = await makePatient(t.db, { teamId: team });
  const clock = (assessedAt: Date, state: 'due' | 'done' | 'stopped', contactAfterHours?: number) =>
    makeFollowUp(t.db, {
      patientId: patient.id,
      teamId: team,
      by: nurse.id,
      assessedAt,
      state,
      contactedAt:
        contactAfterHours === undefined ? undefined : new Date(assessedAt.getTime() + contactAfterHours * HOUR),
    });
  // Week of 23 November (Monday): 9 in time, 2 late, 1 not followed up, 1 stopped.
  const lastWeek = new Date('2026-11-24T10:00:00Z');
  for (let i = 0; i < 9; i++) await clock(lastWeek, 'done', 20);
  for (let i = 0; i < 2; i++) await clock(lastWeek, 'done', 60);
  await clock(lastWeek, 'due');
  await clock(lastWeek, 'stopped');
  // This week: one running, one withdrawn (entered in error) that must not count.
  await clock(new Date('2026-12-01T20:00:00Z'), 'due');
  const withdrawn = await clock(new Date('2026-12-01T21:00:00Z'), 'due');
  const { assessment_id } = await t.db
    .selectFrom('follow_ups')
    .select('assessment_id')
    .where('id', '=', withdrawn)
    .executeTakeFirstOrThrow();
  await t.db
    .updateTable('assessments')
    .set({ entered_in_error_at: now, entered_in_error_by: nurse.id, entered_in_error_reason: 'Wrong person' })
    .where('id', '=', assessment_id)
    .execute();
  // Another team's clock: not on this manager's page.
  const stranger = await makePatient(t.db, { teamId: otherTeam });
  await makeFollowUp(t.db, { patientId: stranger.id, teamId: otherTeam, by: nurse.id, assessedAt: lastWeek });

  const read = async (username: string) => {
    const c = new Client(t.app);
    await c.signIn(username, PASSWORD);
    const page = await c.get('/figures');
    assert.equal(page.status, 200);
    return page;
  };
  const rowsOf = (page: Awaited<ReturnType<typeof read>>, teamName: RegExp) => {
    const table = page.html
      .querySelectorAll('table')
      .find((tb) => teamName.test(tb.querySelector('caption')?.text ?? ''));
    return table?.querySelectorAll('tbody tr').map((r) => r.querySelectorAll('th, td').map((c) => c.text.trim()));
  };
  const names = await t.db.selectFrom('teams').select(['id', 'name']).where('id', 'in', [team, otherTeam]).execute();
  const mine = new RegExp(names.find((n) => n.id === team)!.name);
  const theirs = new RegExp(names.find((n) => n.id === otherTeam)!.name);

  const managerPage = await read(manager.username);
  assert.deepEqual(rowsOf(managerPage, mine), [
    ['All 12 weeks', '12', '9', '2', '1', '1', '1', '75%'],
    ['Week of 30 November 2026', '0', '0', '0', '0', '0', '1', '–'],
    ['Week of 23 November 2026', '12', '9', '2', '1', '1', '0', '75%'],
  ]);
  assert.equal(rowsOf(managerPage, theirs), undefined, 'another team’s figures are not shown to this manager');

  const analystPage = await read(analyst.username);
  assert.deepEqual(rowsOf(analystPage, mine)?.[2], ['Week of 23 November 2026', '10', '10', '*', '*', '*', '0', '*']);
  assert.ok(rowsOf(analystPage, theirs), 'analysts see every team');
});
