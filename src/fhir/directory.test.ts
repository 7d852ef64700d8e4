import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { closeTestDatabase, testDatabase } from '../../test/support/database.ts';
import { makeTeam, makeUser } from '../../test/support/factories.ts';
import { demoServices } from '../demo/directory.ts';
import { exportDirectory, importDirectory } from './directory.ts';
import { serviceToFhir } from './healthcare-service.ts';

// The directory in and out as FHIR: an import is all or nothing and names every problem at once;
// what is exported imports again unchanged.

after(closeTestDatabase);

const tag = () => Math.random().toString(36).slice(2, 8);

test('an import with one bad entry writes nothing and names every problem; a good one adds every service, audited', async () => {
  const { db } = await testDatabase();
  const admin = await makeUser(db, { role: 'administrator', teamIds: [await makeTeam(db, 'administration')] });
  const by = { id: admin.id, role: 'administrator' };
  const deps = { db, clock: fixedClock('2026-12-02T10:00:00Z') };
  const mark = tag();
  const good = demoServices.slice(0, 3).map((s, i) => serviceToFhir({ ...s, name: `${s.name} ${mark}` }, `g${i}`));
  const count = async () =>
    Number(
      (
        await db
          .selectFrom('healthcare_services')
          .select(db.fn.countAll().as('n'))
          .where('name', 'like', `%${mark}%`)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const upsideDown = serviceToFhir(
    { ...demoServices[3]!, name: `Upside down ${mark}`, ages: { min: 65, max: 18 } },
    'b1',
  );
  const notOurs = { resourceType: 'Patient', id: 'p' };
  const wrongType = { ...good[0]!, name: 12 };
  const refused = await importDirectory(deps, by, {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      ...good.map((resource) => ({ resource })),
      { resource: upsideDown },
      { resource: notOurs },
      { resource: wrongType },
    ],
  });
  assert.equal(refused.ok, false);
  const problems = refused.ok ? [] : refused.problems;
  assert.ok(
    problems.some((p) => p.startsWith(`Entry 4 (Upside down ${mark}): The oldest age must be`)),
    problems.join('\n'),
  );
  assert.ok(problems.some((p) => p.startsWith('Entry 5: is not a HealthcareService')));
  assert.ok(
    problems.some((p) => p.startsWith('Entry 6')),
    'a name that is not a string is refused',
  );
  assert.equal(await count(), 0, 'nothing half-imported');
  assert.deepEqual(await importDirectory(deps, by, { resourceType: 'Bundle' }), {
    ok: false,
    problems: ['The file is not a FHIR Bundle with entries'],
  });

  const done = await importDirectory(deps, by, {
    resourceType: 'Bundle',
    type: 'collection',
    entry: good.map((resource) => ({ resource })),
  });
  assert.deepEqual(done, { ok: true, imported: 3 });
  assert.equal(await count(), 3);
  const audit = await db
    .selectFrom('audit_log')
    .select('detail')
    .where('action', '=', 'directory.import')
    .where('user_id', '=', admin.id)
    .execute();
  assert.equal(audit.length, 1);

  // Out and in again: the same services.
  const out = await exportDirectory(db);
  const mine = out.entry.filter((e) => e.resource.name?.includes(mark));
  assert.equal(mine.length, 3);
  const again = await importDirectory(deps, by, {
    resourceType: 'Bundle',
    entry: mine.map((e) => ({ resource: { ...e.resource, name: `${e.resource.name} again` } })),
  });
  assert.deepEqual(again, { ok: true, imported: 3 });
});
