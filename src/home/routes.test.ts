import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../test/support/app.ts';
import { Client } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makePresentation, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';

after(closeTestDatabase);

test('a clinician’s home is their team’s caseload: newest care first or by name, what needs doing, only their team', async () => {
  const { app, db } = await testApp();
  const team = await makeTeam(db);
  const older = await makePatient(db, { teamId: team, at: new Date('2026-01-01T00:00:00Z'), familyName: 'Zed' });
  const newer = await makePatient(db, { teamId: team, at: new Date('2026-11-20T00:00:00Z'), familyName: 'Abbot' });
  const elsewhere = await makePatient(db, { teamId: await makeTeam(db) });
  const user = await makeUser(db, { role: 'senior-clinician', teamIds: [team] });
  await makePresentation(db, { patientId: newer.id, teamId: team, recordedBy: user.id });
  const client = new Client(app);
  await client.signIn(user.username, PASSWORD);
  const home = await client.get('/');
  const links = (page: typeof home) => page.html.querySelectorAll('tbody a').map((a) => a.getAttribute('href'));
  assert.deepEqual(links(home), [`/patients/${newer.id}`, `/patients/${older.id}`]);
  assert.ok(!home.body.includes(elsewhere.familyName.toUpperCase()));
  const steps = home.html.querySelectorAll('tbody tr').map((tr) => tr.querySelector('td:last-child')!.text.trim());
  assert.deepEqual(steps, ['Assessment due', 'Record the attendance']);
  const byName = await client.get(`/?team=${team}&sort=name`);
  assert.equal(byName.status, 200);
  assert.deepEqual(links(byName), [`/patients/${newer.id}`, `/patients/${older.id}`]);
  const audit = await db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('user_id', '=', user.id)
    .where('action', '=', 'home.read')
    .orderBy('id')
    .execute();
  // Each view lists the caseload and the follow-ups due, and says how many of each it showed.
  assert.deepEqual(
    audit.map((r) => JSON.parse(r.detail)),
    [{ listed: 2, team, sort: 'began' }, { followUps: 0 }, { listed: 2, team, sort: 'name' }, { followUps: 0 }],
  );
  // Someone else's team, a sort Onward does not have, a forged page link: a 400 that says why.
  for (const bad of [`/?team=${await makeTeam(db)}`, '/?sort=risk', '/?after=forged', '/?team=not-a-team'])
    assert.equal((await client.get(bad)).status, 400, bad);
});

test('roles without patient access see no list of patients at home', async () => {
  const { app, db } = await testApp();
  const team = await makeTeam(db);
  await makePatient(db, { teamId: team });
  for (const role of ['analyst', 'administrator', 'receiving-clinician'] as const) {
    const client = new Client(app);
    await client.signIn((await makeUser(db, { role, teamIds: [team] })).username, PASSWORD);
    const home = await client.get('/');
    assert.equal(home.status, 200);
    assert.equal(home.html.querySelectorAll('a[href^="/patients/"]').length, 0, role);
  }
});
