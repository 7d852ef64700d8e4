import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { testConfig } from '#platform/config.ts';
import { Invalid } from '#platform/errors.ts';
import type { Actor } from '#platform/http/pages.ts';
import { encodeCursor } from '#platform/worklist.ts';
import { closeTestDatabase, testDatabase, testQueue } from '../../test/support/database.ts';
import { makePatient, makePresentation, makeTeam, makeUser } from '../../test/support/factories.ts';
import { makeFollowUp } from '../../test/support/follow-ups.ts';
import { emptySections } from '../assessments/model.ts';
import { insertAssessment } from '../assessments/store.ts';
import { teamCaseload } from './service.ts';
import { caseloadRows } from './store.ts';

after(closeTestDatabase);

const queue = await testQueue();

const asActor = (db: Actor['db'], user: { id: string; username: string }, teamIds: string[]): Actor => ({
  db,
  clock: fixedClock('2026-11-25T10:00:00Z'),
  config: testConfig(),
  queue,
  action: 'home.read',
  user: { ...user, displayName: 'Test', role: 'liaison-practitioner', discipline: null, teamIds, sessionId: 'test' },
});

async function world(size: number) {
  const { db } = await testDatabase();
  const team = await makeTeam(db);
  const other = await makeTeam(db);
  const user = await makeUser(db, { role: 'liaison-practitioner', teamIds: [team] });
  const names = ['Ng', 'ng', 'Okafor', 'O’Brien', 'Smith', 'Ávila', 'smith'];
  const patients = [];
  for (let i = 0; i < size; i++) {
    // Several people began care at the same moment, and several share a name: the keys must still be total.
    const at = new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 3)));
    patients.push(
      await makePatient(db, { teamId: team, at, familyName: names[i % names.length]!, givenName: `Given${i % 4}` }),
    );
  }
  const elsewhere = await makePatient(db, { teamId: other });
  const ended = await makePatient(db, { teamId: team });
  await db
    .updateTable('care_relationships')
    .set({ ended_at: new Date('2026-02-01T00:00:00Z') })
    .where('patient_id', '=', ended.id)
    .execute();
  return { db, team, other, user, patients, elsewhere, ended, actor: asActor(db, user, [team]) };
}

async function everyPage(actor: Actor, sort: 'began' | 'name') {
  const seen = [];
  let after: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const page = (await teamCaseload(actor, { sort, after }))!;
    seen.push(...page.items);
    if (!page.next) return { seen, pages: pages + 1 };
    after = page.next;
  }
  throw new Error('the caseload never ended');
}

test('every person the team cares for now appears exactly once, in order, in either sort, a page at a time', async () => {
  const w = await world(120);
  const ids = new Set(w.patients.map((p) => p.id));
  for (const sort of ['began', 'name'] as const) {
    const { seen, pages } = await everyPage(w.actor, sort);
    assert.equal(pages, 3, sort);
    assert.equal(seen.length, 120, sort);
    assert.deepEqual(new Set(seen.map((r) => r.patientId)), ids, sort);
    // Page after page is exactly the one list the database would give in a single read, in its own
    // collation (which differs between engines for names like Ávila), with nothing skipped or repeated.
    const whole = await caseloadRows(w.db, { teamId: w.team, sort, after: undefined, limit: 1000 });
    assert.deepEqual(
      seen.map((r) => r.patientId),
      whole.map((r) => r.patientId),
      sort,
    );
    for (let i = 1; i < seen.length && sort === 'began'; i++)
      assert.ok(seen[i - 1]!.careStartedAt >= seen[i]!.careStartedAt, `${i}`);
  }
});

test('what needs doing is worked out for each person from their record', async () => {
  const w = await world(3);
  const [none, seen, drafted] = w.patients as [(typeof w.patients)[0], (typeof w.patients)[0], (typeof w.patients)[0]];
  const p1 = await makePresentation(w.db, { patientId: seen.id, teamId: w.team, recordedBy: w.user.id });
  const p2 = await makePresentation(w.db, { patientId: drafted.id, teamId: w.team, recordedBy: w.user.id });
  await insertAssessment(w.db, {
    patientId: drafted.id,
    presentationId: p2,
    teamId: w.team,
    userId: w.user.id,
    at: new Date('2026-11-25T01:00:00Z'),
    sections: emptySections(),
  });
  const { items } = (await teamCaseload(w.actor, { sort: 'began' }))!;
  const steps = new Map(items.map((r) => [r.patientId, r.steps.map((s) => s.code)]));
  assert.deepEqual(steps.get(none.id), ['record-attendance']);
  assert.deepEqual(steps.get(seen.id), ['assessment-due']);
  assert.deepEqual(steps.get(drafted.id), ['assessment-not-final']);
  assert.ok(p1);
});

test('another team’s caseload and a forged page link are refused; nobody else’s patients ever appear', async () => {
  const w = await world(2);
  const { seen } = await everyPage(w.actor, 'began');
  assert.ok(!seen.some((r) => r.patientId === w.elsewhere.id || r.patientId === w.ended.id));
  await assert.rejects(
    teamCaseload(w.actor, { team: w.other, sort: 'began' }),
    (e: Invalid) => e.code === 'not-your-team',
  );
  for (const after of ['nonsense', encodeCursor(['x', 'y']), encodeCursor(['2026-01-01T00:00:00.000Z', 'not-a-uuid'])])
    await assert.rejects(teamCaseload(w.actor, { sort: 'began', after }), Invalid, after);
  await assert.rejects(
    teamCaseload(w.actor, { sort: 'name', after: encodeCursor(['2026-01-01T00:00:00.000Z', w.patients[0]!.id]) }),
    Invalid,
  );
  const audit = await w.db
    .selectFrom('audit_log')
    .select('detail')
    .where('user_id', '=', w.user.id)
    .where('outcome', '=', 'ok')
    .execute();
  assert.ok(audit.length >= 1);
  assert.deepEqual(JSON.parse(audit[0]!.detail), { listed: 2, team: w.team, sort: 'began' });
});

test('the first month after leaving hospital: the day it is on and what is in place, for those inside it only', async () => {
  const w = await world(3);
  const [done, long, bare] = w.patients as [(typeof w.patients)[0], (typeof w.patients)[0], (typeof w.patients)[0]];
  const left = async (patientId: string, leftAt: string, state: 'due' | 'done') => {
    const id = await makeFollowUp(w.db, {
      patientId,
      teamId: w.team,
      by: w.user.id,
      assessedAt: new Date(new Date(leftAt).getTime() - 3 * 3_600_000),
      state,
    });
    const f = await w.db
      .selectFrom('follow_ups')
      .select('assessment_id')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const a = await w.db
      .selectFrom('assessments')
      .select('presentation_id')
      .where('id', '=', f.assessment_id)
      .executeTakeFirstOrThrow();
    await w.db
      .updateTable('presentations')
      .set({ left_at: new Date(leftAt), outcome: 'discharged' })
      .where('id', '=', a.presentation_id)
      .execute();
  };
  await left(done.id, '2026-11-22T12:00:00Z', 'done');
  await left(long.id, '2026-10-10T12:00:00Z', 'done');
  await left(bare.id, '2026-11-24T20:00:00Z', 'due');
  const { items } = (await teamCaseload(w.actor, { sort: 'began' }))!;
  const month = new Map(items.map((r) => [r.patientId, r.firstMonth]));
  assert.deepEqual(month.get(done.id), { day: 3, inPlace: ['Follow-up done'] });
  assert.equal(month.get(long.id), null, 'past the 30 days');
  assert.deepEqual(month.get(bare.id), { day: 1, inPlace: [] });
});
