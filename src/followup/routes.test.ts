import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';
import { assessedFollowUp } from '../../test/support/follow-ups.ts';

// The 48-hour follow-up, through the pages: the clock starts when the person was seen, every
// attempt is kept, only contact noted makes it done, stopping needs a reason.

after(closeTestDatabase);

async function world() {
  const t = await testApp({ clock: fixedClock('2026-11-25T10:00:00Z') });
  const team = await makeTeam(t.db);
  const nurse = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(t.db, { teamId: team });
  const client = new Client(t.app);
  await client.signIn(nurse.username, PASSWORD);
  const p = `/patients/${patient.id}`;
  // Seen at 02:30 in the department, written up at 10:00: the clock runs from 02:30.
  const {
    assessment,
    followUp: clock,
    url,
  } = await assessedFollowUp(t.db, client, {
    patientId: patient.id,
    teamId: team,
    recordedBy: nurse.id,
    day: '2026-11-25',
    time: '02:30',
  });
  await client.get(url);
  const row = () => t.db.selectFrom('follow_ups').selectAll().where('id', '=', clock.id).executeTakeFirstOrThrow();
  return { ...t, team, nurse, patient, client, p, assessment, clock, url, row };
}

const attempt = (over: Record<string, string> = {}) => ({
  'on[day]': '25',
  'on[month]': '11',
  'on[year]': '2026',
  time: '09:45',
  method: 'phone',
  result: 'no-answer',
  note: '',
  'nextOn[day]': '25',
  'nextOn[month]': '11',
  'nextOn[year]': '2026',
  nextTime: '14:00',
  ...over,
});

test('finalising starts the clock from when the person was seen; a failed call keeps it due, contact noted makes it done', async () => {
  const w = await world();
  assert.deepEqual(w.clock.assessed_at, new Date('2026-11-25T02:30:00Z'));
  assert.deepEqual(w.clock.due_at, new Date('2026-11-27T02:30:00Z'));
  assert.equal(w.clock.state, 'due');
  await w.db.updateTable('patients').set({ phone: '07700 900123' }).where('id', '=', w.patient.id).execute();
  const list = await w.client.get('/follow-ups');
  assert.equal(list.status, 200);
  // The number to ring, as a link a phone or softphone can dial.
  assert.equal(list.html.querySelector('tbody a[href="tel:07700900123"]')?.text.startsWith('07700 900123'), true);
  assert.match(list.html.querySelector('tbody')!.text, /1 day 16 hours left/);
  const failed = await w.client.post(`${w.url}/attempts`, attempt());
  assert.equal(failed.status, 303);
  assert.equal((await w.row()).state, 'due');
  const again = await w.client.get('/follow-ups');
  assert.match(again.html.querySelector('tbody')!.text, /No answer.*try again 25 November 2026 at 14:00/s);
  await w.client.get(w.url);
  const spoke = await w.client.post(
    `${w.url}/attempts`,
    attempt({
      time: '09:55',
      result: 'spoke',
      note: 'Slept; sister staying; <b>safety plan</b> used last night.',
      nextTime: '',
      'nextOn[day]': '',
      'nextOn[month]': '',
      'nextOn[year]': '',
    }),
  );
  assert.equal(spoke.status, 303, errorSummary(spoke));
  const closed = await w.row();
  assert.equal(closed.state, 'done');
  assert.equal(closed.closed_by, w.nurse.id);
  const page = await w.client.get(w.url);
  assert.match(page.html.querySelector('#closed')!.text, /Done: Test liaison-practitioner spoke with the person/);
  assert.ok(!page.body.includes('<b>safety plan</b>'), 'the note is shown as text');
  assert.equal((await w.client.get('/follow-ups')).html.querySelectorAll('tbody tr').length, 0, 'off the worklist');
  // On the timeline, the assessment says when the person was followed up, and that it was in time.
  const summary = await w.client.get(w.p);
  assert.match(summary.body, /Followed up 25 November 2026 at 09:55, within the 48 hours/);
  assert.deepEqual(closed.contacted_at, new Date('2026-11-25T09:55:00Z'));
  const events = await w.db
    .selectFrom('record_events')
    .select(['type', 'to_state'])
    .where('subject_id', '=', w.clock.id)
    .orderBy('id')
    .execute();
  assert.deepEqual(events, [
    { type: 'follow-up.attempted', to_state: 'due' },
    { type: 'follow-up.done', to_state: 'done' },
  ]);
  // Done once: a late attempt is refused and nothing is written.
  const late = await w.client.post(`${w.url}/attempts`, attempt({ result: 'spoke', note: 'again' }));
  assert.equal(late.status, 409);
  assert.equal(
    (await w.db.selectFrom('follow_up_attempts').select('id').where('follow_up_id', '=', w.clock.id).execute()).length,
    2,
  );
});

test('bad attempts are refused with a message each and nothing written', async () => {
  const w = await world();
  const cases: [Record<string, string>, RegExp][] = [
    [attempt({ result: 'spoke', note: '  ' }), /how the person is/],
    [attempt({ time: '01:00' }), /after the assessment/],
    [attempt({ 'on[day]': '26' }), /today or in the past/],
    [attempt({ nextTime: '', 'nextOn[day]': '', 'nextOn[month]': '', 'nextOn[year]': '' }), /when to try again/],
    [attempt({ nextTime: '09:00' }), /next try must be after this attempt/],
    [attempt({ method: 'carrier-pigeon' }), /Select how you tried/],
    [attempt({ result: '' }), /Select what happened/],
    [attempt({ time: '9.75' }), /24-hour/],
    [attempt({ result: 'spoke', note: 'x'.repeat(4001) }), /4,000 characters or fewer/],
  ];
  for (const [form, message] of cases) {
    await w.client.get(w.url);
    const page = await w.client.post(`${w.url}/attempts`, form);
    assert.equal(page.status, 400, JSON.stringify(form).slice(0, 120));
    assert.match(errorSummary(page), message);
  }
  assert.equal(
    (await w.db.selectFrom('follow_up_attempts').select('id').where('follow_up_id', '=', w.clock.id).execute()).length,
    0,
  );
  assert.equal((await w.row()).state, 'due');
});

test('stopping the clock needs a reason; another team is named with when they saw the person', async () => {
  const w = await world();
  const stop = (form: Record<string, string>) => w.client.post(`${w.url}/stop`, form);
  const none = await stop({ reason: '' });
  assert.equal(none.status, 400);
  assert.match(errorSummary(none), /Select why the follow-up is not needed/);
  await w.client.get(w.url);
  const vague = await stop({ reason: 'other-team' });
  assert.equal(vague.status, 400);
  assert.match(errorSummary(vague), /Say which team.*Say when the other team saw/s);
  await w.client.get(w.url);
  const early = await stop({
    reason: 'other-team',
    otherTeam: 'Crisis team',
    'otherTeamSawOn[day]': '20',
    'otherTeamSawOn[month]': '11',
    'otherTeamSawOn[year]': '2026',
  });
  assert.equal(early.status, 400);
  assert.equal((await w.row()).state, 'due');
  await w.client.get(w.url);
  const done = await stop({
    reason: 'other-team',
    otherTeam: 'Riverside crisis team',
    'otherTeamSawOn[day]': '25',
    'otherTeamSawOn[month]': '11',
    'otherTeamSawOn[year]': '2026',
  });
  assert.equal(done.status, 303);
  const row = await w.row();
  assert.deepEqual(
    [row.state, row.stop_reason, row.other_team, row.other_team_saw_on],
    ['stopped', 'other-team', 'Riverside crisis team', '2026-11-25'],
  );
  const page = await w.client.get(w.url);
  assert.match(
    page.html.querySelector('#closed')!.text,
    /Followed up by another team — Riverside crisis team saw the person on 25 November 2026/,
  );
});

test('a team sees only its own worklist; a forged page link is refused', async () => {
  const w = await world();
  const other = await makeTeam(w.db);
  assert.equal((await w.client.get(`/follow-ups?team=${other}`)).status, 403);
  assert.equal((await w.client.get('/follow-ups?after=not-a-cursor')).status, 400);
});
