import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makePresentation, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';
import { sentReferralWorld } from '../../test/support/referrals.ts';

after(closeTestDatabase);

async function world() {
  const clock = fixedClock('2026-11-25T10:00:00Z');
  const t = await testApp({ clock });
  const team = await makeTeam(t.db);
  const nurse = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(t.db, { teamId: team, at: new Date('2026-11-01T09:00:00Z') });
  const client = new Client(t.app);
  await client.signIn(nurse.username, PASSWORD);
  const url = `/patients/${patient.id}/discharge`;
  const stored = async () => ({
    care: await t.db.selectFrom('care_relationships').selectAll().where('patient_id', '=', patient.id).execute(),
    events: await t.db
      .selectFrom('record_events')
      .select(['type', 'from_state', 'to_state', 'data'])
      .where('patient_id', '=', patient.id)
      .where('subject_type', '=', 'care')
      .execute(),
  });
  return { ...t, clock, team, nurse, patient, client, url, stored };
}

const form = (over: Record<string, string> = {}) => ({
  reason: 'aftercare-in-place',
  reasonText: 'Talking therapies appointment booked for 2 December.',
  'on[day]': '25',
  'on[month]': '11',
  'on[year]': '2026',
  ...over,
});

test('discharging records who, when and why, ends the team’s sight of the record and takes the person off the caseload', async () => {
  const w = await world();
  const page = await w.client.get(w.url);
  assert.equal(page.status, 200);
  assert.match(page.html.querySelector('main')!.text, /caring for this person since 1 November 2026/);
  await w.client.get(w.url);
  const done = await w.client.post(w.url, form());
  assert.equal(done.status, 303);
  assert.equal(done.headers.location, '/?notice=discharged');
  const { care, events } = await w.stored();
  assert.equal(care.length, 1);
  assert.equal(care[0]!.end_reason, 'aftercare-in-place');
  assert.equal(care[0]!.ended_by, w.nurse.id);
  assert.equal(care[0]!.end_reason_text, 'Talking therapies appointment booked for 2 December.');
  assert.deepEqual(care[0]!.ended_at, new Date('2026-11-25T10:00:00Z'));
  assert.deepEqual(
    events.map((e) => [e.type, e.from_state, e.to_state, (e.data as { reason: string }).reason]),
    [['care.ended', 'in-care', 'discharged', 'aftercare-in-place']],
  );
  // The words stay in the record; the audit row keeps the coded reason only.
  const audit = await w.db
    .selectFrom('audit_log')
    .select(['detail', 'outcome'])
    .where('patient_id', '=', w.patient.id)
    .where('action', '=', 'care.discharge')
    .execute();
  assert.deepEqual(
    audit.map((a) => [a.outcome, JSON.parse(a.detail).reason]),
    [['ok', 'aftercare-in-place']],
  );
  assert.doesNotMatch(audit[0]!.detail, /Talking therapies/);
  const home = await w.client.get('/?notice=discharged');
  assert.match(home.html.querySelector('main')!.text, /has been discharged from your team’s caseload/);
  assert.ok(!home.body.includes(w.patient.id));
  assert.equal((await w.client.get(`/patients/${w.patient.id}`)).status, 404);
  assert.equal((await w.client.post(w.url, form())).status, 404);
});

test('bad discharges are refused with a message each, and nothing is written', async () => {
  const w = await world();
  const cases: [Record<string, string>, RegExp][] = [
    [form({ reason: '' }), /Select why care is ending/],
    [form({ reason: '__proto__' }), /Select why care is ending/],
    [form({ reason: 'other', reasonText: '' }), /Say why care is ending/],
    [form({ 'on[day]': '26' }), /today or in the past/],
    [form({ 'on[day]': '31', 'on[month]': '10' }), /on or after the day care began/],
    [form({ 'on[day]': '30', 'on[month]': '2' }), /must be a real date/],
    [form({ reasonText: 'x'.repeat(2001) }), /2,000 characters or fewer/],
  ];
  for (const [body, message] of cases) {
    await w.client.get(w.url);
    const refused = await w.client.post(w.url, body);
    assert.equal(refused.status, 400, JSON.stringify(body).slice(0, 80));
    assert.match(errorSummary(refused), message);
  }
  const { care, events } = await w.stored();
  assert.equal(care[0]!.ended_at, null);
  assert.deepEqual(events, []);
});

test('while the 48-hour follow-up is due, discharge needs a reason for not following up; markup is kept as text', async () => {
  const w = await world();
  const presentation = await makePresentation(w.db, {
    patientId: w.patient.id,
    teamId: w.team,
    recordedBy: w.nurse.id,
  });
  const assessment = await w.db
    .insertInto('assessments')
    .values({
      patient_id: w.patient.id,
      presentation_id: presentation,
      team_id: w.team,
      status: 'final',
      sections: '{}',
      started_by: w.nurse.id,
      started_at: new Date('2026-11-25T08:00:00Z'),
      updated_by: w.nurse.id,
      updated_at: new Date('2026-11-25T09:00:00Z'),
      finalised_by: w.nurse.id,
      finalised_at: new Date('2026-11-25T09:00:00Z'),
      follow_up_due_at: new Date('2026-11-27T09:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Its 48-hour clock, as finalising starts it.
  const clock = await w.db
    .insertInto('follow_ups')
    .values({
      patient_id: w.patient.id,
      team_id: w.team,
      assessment_id: assessment.id,
      assessed_at: new Date('2026-11-25T09:00:00Z'),
      due_at: new Date('2026-11-27T09:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const page = await w.client.get(w.url);
  assert.match(page.html.querySelector('main')!.text, /The 48-hour follow-up is still due/);
  const refused = await w.client.post(w.url, form());
  assert.equal(refused.status, 400);
  assert.match(errorSummary(refused), /48-hour follow-up is still due/);
  assert.equal((await w.stored()).care[0]!.ended_at, null);
  await w.client.get(w.url);
  const done = await w.client.post(w.url, form({ reason: 'admitted', followUpReason: '<b>Admitted</b> to Ward 4' }));
  assert.equal(done.status, 303);
  const { care, events } = await w.stored();
  assert.equal(care[0]!.follow_up_reason, '<b>Admitted</b> to Ward 4');
  assert.equal((events[0]!.data as { followUpStillDue: boolean }).followUpStillDue, true);
  // The discharge is the recorded decision that stops the clock, with its words.
  const stopped = await w.db.selectFrom('follow_ups').selectAll().where('id', '=', clock.id).executeTakeFirstOrThrow();
  assert.equal(stopped.state, 'stopped');
  assert.equal(stopped.stop_reason, 'other');
  assert.match(stopped.stop_reason_text!, /At discharge: <b>Admitted<\/b> to Ward 4/);
});

test('two discharges at once: one is recorded, the other is refused, never two ends', async () => {
  const w = await world();
  const other = new Client(w.app);
  await other.signIn((await makeUser(w.db, { role: 'senior-clinician', teamIds: [w.team] })).username, PASSWORD);
  await w.client.get(w.url);
  await other.get(w.url);
  const answers = await Promise.all([w.client.post(w.url, form()), other.post(w.url, form({ reason: 'declined' }))]);
  const statuses = answers.map((a) => a.status).sort();
  assert.equal(statuses.filter((s) => s === 303).length, 1, String(statuses));
  assert.ok(
    statuses.every((s) => s === 303 || s === 404 || s === 409),
    String(statuses),
  );
  const { events } = await w.stored();
  assert.equal(events.length, 1);
});

test('while a referral is open, leaving the caseload needs to say who follows it up; the reason is kept', async () => {
  const w = await sentReferralWorld();
  const url = `${w.p}/discharge`;
  const page = await w.client.get(url);
  assert.match(page.html.text.replace(/\s+/g, ' '), /Referrals are still open .*Sent: waiting for the service/);
  // The follow-up's clock is still due too (the world's assessment): a reason for it as well.
  const refused = await w.client.post(url, form({ followUpReason: 'Seen by the GP today' }));
  assert.equal(refused.status, 400);
  assert.match(
    errorSummary(refused),
    /A referral is still open \(Loop TT .*\): say who follows it up now, or close it first/,
  );
  assert.equal(
    (
      await w.db
        .selectFrom('care_relationships')
        .select('ended_at')
        .where('patient_id', '=', w.patientId)
        .executeTakeFirstOrThrow()
    ).ended_at,
    null,
  );
  const done = await w.client.post(
    url,
    form({ followUpReason: 'Seen by the GP today', referralsReason: 'The GP will chase <b>Talking Therapies</b>' }),
  );
  assert.equal(done.status, 303);
  const care = await w.db
    .selectFrom('care_relationships')
    .select(['ended_at', 'open_referrals_reason'])
    .where('patient_id', '=', w.patientId)
    .executeTakeFirstOrThrow();
  assert.notEqual(care.ended_at, null);
  assert.equal(care.open_referrals_reason, 'The GP will chase <b>Talking Therapies</b>');
});
