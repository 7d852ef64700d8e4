import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { testConfig } from '#platform/config.ts';
import type { Actor } from '#platform/http/pages.ts';
import { closeTestDatabase, testDatabase, testQueue } from '../../../test/support/database.ts';
import { makePatient, makeTeam, makeUser } from '../../../test/support/factories.ts';
import { emptySections, type Sections } from './model.ts';
import { saveSafetyPlan } from './service.ts';

// The one versioned save (platform/versions.ts), driven through the safety plan: the document
// whose first version can be created by two people at once, and whose save can change nothing.

after(closeTestDatabase);

const queue = await testQueue();

async function world() {
  const { db } = await testDatabase();
  const team = await makeTeam(db);
  const patient = await makePatient(db, { teamId: team });
  const people = await Promise.all(
    [0, 1, 2, 3, 4].map(() => makeUser(db, { role: 'liaison-practitioner', teamIds: [team] })),
  );
  const actors: Actor[] = people.map((p, i) => ({
    db,
    clock: fixedClock('2026-11-25T10:00:00Z'),
    config: testConfig(),
    queue,
    action: 'safety-plan.save',
    user: {
      id: p.id,
      username: p.username,
      displayName: `Writer ${i}`,
      role: 'liaison-practitioner',
      discipline: null,
      teamIds: [team],
      sessionId: 'test',
    },
  }));
  const stored = async () => ({
    versions: await db
      .selectFrom('record_versions')
      .select(['version', 'saved_by'])
      .where('patient_id', '=', patient.id)
      .orderBy('version')
      .execute(),
    refusals: (
      await db
        .selectFrom('audit_log')
        .select(['detail', 'user_id'])
        .where('patient_id', '=', patient.id)
        .where('outcome', '=', 'refused')
        .orderBy('id')
        .execute()
    ).map((r) => ({ user: r.user_id, detail: JSON.parse(r.detail) })),
  });
  return { db, patient, actors, stored };
}

const plan = (warningSigns: string): Sections => ({ ...emptySections(), warningSigns });

test('five first saves at once: one plan is created, four are refused as stale with the saved text', async () => {
  const w = await world();
  const outcomes = await Promise.all(
    w.actors.map((a, i) => saveSafetyPlan(a, w.patient.id, { baseVersion: 0, sections: plan(`from ${i}`) })),
  );
  const saved = outcomes.filter((o) => o.saved);
  assert.equal(saved.length, 1);
  const winner = outcomes.indexOf(saved[0]!);
  for (const o of outcomes) {
    if (o.saved) continue;
    assert.equal(o.stale.currentVersion, 1);
    assert.equal(o.stale.current.warningSigns, `from ${winner}`);
    // They started from nothing: the base is an empty plan, so the merge brings the winner's text in.
    assert.deepEqual(o.stale.base, emptySections());
  }
  const { versions, refusals } = await w.stored();
  assert.deepEqual(
    versions.map((v) => v.version),
    [1],
  );
  assert.equal(refusals.length, 4);
  for (const r of refusals)
    assert.deepEqual(r.detail, {
      reason: 'stale-version',
      safetyPlan: saved[0]!.id,
      baseVersion: 0,
      currentVersion: 1,
    });
});

test('a save from an old version writes nothing and is audited with both versions; saving what is there writes nothing', async () => {
  const w = await world();
  const [a, b] = w.actors as [Actor, Actor];
  const first = await saveSafetyPlan(a, w.patient.id, { baseVersion: 0, sections: plan('first') });
  assert.ok(first.saved);
  assert.ok((await saveSafetyPlan(a, w.patient.id, { baseVersion: 1, sections: plan('second') })).saved);
  const late = await saveSafetyPlan(b, w.patient.id, { baseVersion: 1, sections: plan('late') });
  assert.equal(late.saved, false);
  if (!late.saved) {
    assert.equal(late.stale.savedByName, 'Test liaison-practitioner');
    assert.equal(late.stale.base.warningSigns, 'first');
    assert.equal(late.stale.current.warningSigns, 'second');
  }
  const same = await saveSafetyPlan(b, w.patient.id, { baseVersion: 2, sections: plan('second') });
  assert.deepEqual(same, { saved: true, id: first.id, version: 2, unchanged: true });
  const { versions, refusals } = await w.stored();
  assert.deepEqual(
    versions.map((v) => v.version),
    [1, 2],
  );
  assert.deepEqual(refusals, [
    {
      user: b.user.id,
      detail: { reason: 'stale-version', safetyPlan: first.id, baseVersion: 1, currentVersion: 2 },
    },
  ]);
});

test('a save based on a version of a plan that does not exist is a conflict, not a new plan', async () => {
  const w = await world();
  await assert.rejects(
    saveSafetyPlan(w.actors[0]!, w.patient.id, { baseVersion: 3, sections: plan('x') }),
    (e: Error & { code?: string }) => e.code === 'record-missing',
  );
  assert.deepEqual((await w.stored()).versions, []);
});
