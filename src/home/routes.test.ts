import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../test/support/app.ts';
import { Client } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';

after(closeTestDatabase);

test('a clinician’s home lists the people their team most recently began caring for, and only those', async () => {
  const { app, db } = await testApp();
  const team = await makeTeam(db);
  const older = await makePatient(db, { teamId: team, at: new Date('2026-01-01T00:00:00Z') });
  const newer = await makePatient(db, { teamId: team, at: new Date('2026-11-20T00:00:00Z') });
  const elsewhere = await makePatient(db, { teamId: await makeTeam(db) });
  const user = await makeUser(db, { role: 'senior-clinician', teamIds: [team] });
  const client = new Client(app);
  await client.signIn(user.username, PASSWORD);
  const home = await client.get('/');
  const links = home.html.querySelectorAll('tbody a').map((a) => a.getAttribute('href'));
  assert.deepEqual(links, [`/patients/${newer.id}`, `/patients/${older.id}`]);
  assert.ok(!home.body.includes(elsewhere.familyName.toUpperCase()));
  const audit = await db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('user_id', '=', user.id)
    .where('action', '=', 'home.read')
    .execute();
  assert.deepEqual(
    audit.map((r) => JSON.parse(r.detail)),
    [{ listed: 2 }],
  );
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
