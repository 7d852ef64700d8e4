import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { testApp } from '../../../test/support/app.ts';
import { Client, errorSummary } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { makePatient, makePresentation, makeTeam, makeUser, PASSWORD } from '../../../test/support/factories.ts';
import { checkMerge } from './model.ts';

// Two records of one person become one: everything moves, nothing is lost, and the merge says
// what came from where.

after(closeTestDatabase);

async function world() {
  const t = await testApp({ clock: fixedClock('2026-11-26T14:00:00Z') });
  const team = await makeTeam(t.db);
  const senior = await makeUser(t.db, { role: 'senior-clinician', teamIds: [team] });
  const nurse = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const same = { givenName: 'Priya', dateOfBirth: '1999-06-14', sex: 'female' as const, postcode: 'M8 3CC' };
  const traced = await makePatient(t.db, { teamId: team, familyName: 'Sharma', ...same });
  const untraced = await makePatient(t.db, { teamId: team, nhsNumber: null, familyName: 'Sharmah', ...same });
  const presentation = await makePresentation(t.db, { patientId: untraced.id, teamId: team, recordedBy: nurse.id });
  const client = new Client(t.app);
  await client.signIn(senior.username, PASSWORD);
  const url = `/patients/${traced.id}/merge`;
  await client.get(url);
  return { ...t, team, senior, nurse, traced, untraced, presentation, client, url };
}

test('a senior clinician merges an untraced record into the traced one: everything moves, the merge and its reason are kept', async () => {
  const w = await world();
  const form = await w.client.get(w.url);
  assert.equal(form.status, 200);
  const offered = form.html.querySelectorAll('input[name="mergedId"]').map((i) => i.getAttribute('value'));
  assert.deepEqual(offered, [w.untraced.id], 'the possible duplicate the team cares for is offered');
  const reason = 'Confirmed her details with her: the <b>untraced</b> record was made when she arrived unconscious.';
  const done = await w.client.post(w.url, { mergedId: w.untraced.id, reason });
  assert.equal(done.status, 303);
  const moved = await w.db
    .selectFrom('presentations')
    .select('patient_id')
    .where('id', '=', w.presentation)
    .executeTakeFirstOrThrow();
  assert.equal(moved.patient_id, w.traced.id);
  const merged = await w.db
    .selectFrom('patients')
    .select(['merged_into'])
    .where('id', '=', w.untraced.id)
    .executeTakeFirstOrThrow();
  assert.equal(merged.merged_into, w.traced.id, 'the merged record is kept, pointing at the survivor');
  const merge = await w.db
    .selectFrom('patient_merges')
    .selectAll()
    .where('merged_id', '=', w.untraced.id)
    .executeTakeFirstOrThrow();
  assert.equal(merge.reason, reason);
  assert.deepEqual((merge.moved as { presentations: string[] }).presentations, [w.presentation]);
  // Both records were in the team's care: one relationship stays open, the other ended with why.
  const care = await w.db
    .selectFrom('care_relationships')
    .select(['ended_at', 'end_reason_text'])
    .where('patient_id', '=', w.traced.id)
    .where('team_id', '=', w.team)
    .execute();
  assert.equal(care.filter((c) => c.ended_at === null).length, 1);
  assert.match(care.find((c) => c.ended_at !== null)!.end_reason_text!, /Merged into another record/);
  const summary = await w.client.get(`/patients/${w.traced.id}`);
  const merges = summary.html.querySelector('#merges')!.nextElementSibling!.text;
  assert.match(merges, /SHARMAH, Priya/);
  assert.match(merges, /1 presentation,/);
  assert.ok(!summary.body.includes('<b>untraced</b>'), 'the reason is shown as text');
  assert.match(summary.html.querySelector('ol.onward-timeline')!.text, /From a merged record/);
  const events = await w.db
    .selectFrom('record_events')
    .select(['type', 'to_state'])
    .where('subject_id', '=', w.untraced.id)
    .execute();
  assert.deepEqual(events, [{ type: 'record.merged', to_state: 'merged' }]);
  // A second merge of the same record is refused: it has been merged already.
  const again = await w.client.post(w.url, { mergedId: w.untraced.id, reason: 'again' });
  assert.equal(again.status, 404, 'the merged record is no longer in anyone’s care');
});

test('a merge into itself, of a record the clinician cannot see, by a practitioner, or without a reason is refused and moves nothing', async () => {
  const w = await world();
  const elsewhere = await makePatient(w.db, {
    teamId: await makeTeam(w.db),
    nhsNumber: null,
    familyName: 'Sharma',
    givenName: 'Priya',
    dateOfBirth: '1999-06-14',
  });
  const itself = await w.client.post(w.url, { mergedId: w.traced.id, reason: 'same' });
  assert.equal(itself.status, 409);
  assert.match(itself.html.querySelector('main')!.text, /cannot be merged into itself/);
  assert.equal((await w.client.post(w.url, { mergedId: elsewhere.id, reason: 'not mine' })).status, 404);
  const noReason = await w.client.post(w.url, { mergedId: w.untraced.id, reason: '  ' });
  assert.equal(noReason.status, 400);
  assert.match(errorSummary(noReason), /Say why these are the same person/);
  const notAnId = await w.client.post(w.url, { mergedId: '<script>', reason: 'x' });
  assert.equal(notAnId.status, 400);
  const nurse = new Client(w.app);
  await nurse.signIn(w.nurse.username, PASSWORD);
  assert.equal((await nurse.get(w.url)).status, 403);
  // Merging the traced record into the unverified one would bury the NHS number: refused.
  const backwards = await w.client.post(`/patients/${w.untraced.id}/merge`, {
    mergedId: w.traced.id,
    reason: 'backwards',
  });
  assert.equal(backwards.status, 409);
  assert.match(backwards.html.querySelector('main')!.text, /Keep the record with the NHS number/);
  const presentation = await w.db
    .selectFrom('presentations')
    .select('patient_id')
    .where('id', '=', w.presentation)
    .executeTakeFirstOrThrow();
  assert.equal(presentation.patient_id, w.untraced.id, 'nothing moved');
  assert.equal(
    (
      await w.db
        .selectFrom('patient_merges')
        .select('id')
        .where('survivor_id', 'in', [w.traced.id, w.untraced.id])
        .execute()
    ).length,
    0,
  );
  const refusals = await w.db
    .selectFrom('audit_log')
    .select('detail')
    .where('action', '=', 'patient.merge')
    .where('outcome', '=', 'refused')
    .where('user_id', '=', w.senior.id)
    .execute();
  assert.ok(refusals.length >= 3, 'each refusal is audited');
});

test('the merge rules: two NHS numbers are two people, the traced record survives, one safety plan', () => {
  const side = (id: string, nhsNumber: string | null, more: { mergedInto?: string; hasSafetyPlan?: boolean } = {}) => ({
    id,
    nhsNumber,
    mergedInto: more.mergedInto ?? null,
    hasSafetyPlan: more.hasSafetyPlan ?? false,
  });
  assert.equal(checkMerge(side('a', '9990000018'), side('b', null)), null);
  assert.equal(checkMerge(side('a', null), side('b', null)), null);
  assert.equal(checkMerge(side('a', null), side('a', null)), 'same-record');
  assert.equal(checkMerge(side('a', '9990000018'), side('b', '9990000026')), 'two-nhs-numbers');
  assert.equal(checkMerge(side('a', null), side('b', '9990000018')), 'survivor-must-be-traced');
  assert.equal(checkMerge(side('a', null), side('b', null, { mergedInto: 'c' })), 'already-merged');
  assert.equal(
    checkMerge(side('a', null, { hasSafetyPlan: true }), side('b', null, { hasSafetyPlan: true })),
    'two-safety-plans',
  );
});
