import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { testApp } from '../../../test/support/app.ts';
import { Client, errorSummary } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../../../test/support/factories.ts';
import { assessedFollowUp } from '../../../test/support/follow-ups.ts';

// The follow-up clinic through its pages: sessions set up, slots inside the 48 hours offered
// first, one booking per slot however many try at once, attendance from the clinic list making
// the follow-up done, a did-not-attend putting the person back on the worklist.

after(closeTestDatabase);

async function world() {
  const clock = fixedClock('2026-11-25T10:00:00Z');
  const t = await testApp({ clock });
  const team = await makeTeam(t.db);
  const nurse = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const colleague = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const client = new Client(t.app);
  await client.signIn(nurse.username, PASSWORD);
  const other = new Client(t.app);
  await other.signIn(colleague.username, PASSWORD);
  const person = async (time: string, by = client, who = nurse) => {
    const patient = await makePatient(t.db, { teamId: team });
    // Seen on 25 November: due 48 hours later, on the 27th.
    const f = await assessedFollowUp(t.db, by, {
      patientId: patient.id,
      teamId: team,
      recordedBy: who.id,
      day: '2026-11-25',
      time,
    });
    return { patient, ...f };
  };
  // A session on the 26th, 09:00 to 11:00 in half hours, and one on the 28th, after the 48 hours.
  const session = async (day: string, start = '09:00', end = '11:00') => {
    await client.get(`/clinics/new?team=${team}`);
    const made = await client.post(
      '/clinics',
      sessionForm(team, nurse.id, { 'on[day]': day, startTime: start, endTime: end }),
    );
    assert.equal(made.status, 303, errorSummary(made));
    return made.headers.location as string;
  };
  // A day later the session has lapsed: the nurse signs in again, as on the ward.
  const later = async (at: string) => {
    clock.set(at);
    await client.signIn(nurse.username, PASSWORD);
  };
  return { ...t, clock, team, nurse, colleague, client, other, person, session, later };
}

const sessionForm = (team: string, clinicianId: string, over: Record<string, string> = {}) => ({
  team,
  'on[day]': '26',
  'on[month]': '11',
  'on[year]': '2026',
  startTime: '09:00',
  endTime: '11:00',
  slotMinutes: '30',
  mode: 'in-person',
  place: 'Liaison clinic, room 2',
  clinicianId,
  ...over,
});

const slot = (sessionUrl: string, at: string) => ({ slot: `${sessionUrl.split('/').pop()}|${at}` });

test('a clinic session is refused with a clear message for each wrong answer, and nothing is written', async () => {
  const w = await world();
  await w.client.get(`/clinics/new?team=${w.team}`);
  const before = await w.db.selectFrom('clinic_sessions').select(w.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const cases: [Record<string, string>, RegExp][] = [
    [{ endTime: '08:00' }, /The end time must be after the start time/],
    [{ endTime: '09:10' }, /long enough for at least one appointment/],
    [{ 'on[day]': '24' }, /The session must end in the future/],
    [{ startTime: '25:00' }, /The start time must be a real time/],
    [{ slotMinutes: '7' }, /Select how long each appointment is/],
    [{ mode: 'telepathy' }, /Select whether the clinic is in person or by video/],
    [{ place: '' }, /Enter where the clinic is/],
    [{ place: 'x'.repeat(201) }, /Where must be 200 characters or fewer/],
    [{ clinicianId: crypto.randomUUID() }, /Select a clinician from your team/],
    [{ 'on[month]': '13' }, /must be a real date/],
  ];
  for (const [over, message] of cases) {
    const refused = await w.client.post('/clinics', sessionForm(w.team, w.nurse.id, over));
    assert.equal(refused.status, 400, JSON.stringify(over));
    assert.match(errorSummary(refused), message);
  }
  // Another team's clinician is not offered and not accepted.
  const stranger = await makeUser(w.db, { role: 'liaison-practitioner', teamIds: [await makeTeam(w.db)] });
  const foreign = await w.client.post('/clinics', sessionForm(w.team, stranger.id));
  assert.equal(foreign.status, 400);
  const after = await w.db.selectFrom('clinic_sessions').select(w.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n));
  // Markup in the place is kept as typed and shown as text.
  const made = await w.client.post(
    '/clinics',
    sessionForm(w.team, w.colleague.id, { place: '<b>Room 2</b>', mode: 'video' }),
  );
  assert.equal(made.status, 303, errorSummary(made));
  const list = await w.client.get(made.headers.location as string);
  assert.match(list.body, /&lt;b&gt;Room 2&lt;\/b&gt;/);
  assert.equal(list.html.querySelectorAll('tbody tr').length, 4, 'four half-hour slots');
});

test('slots inside the 48 hours are offered first; booking, rebooking and a slot outside the session', async () => {
  const w = await world();
  const soon = await w.session('26');
  const later = await w.session('28');
  const a = await w.person('02:30');
  const page = await w.client.get(`${a.url}/book`);
  assert.equal(page.status, 200);
  const legends = page.html.querySelectorAll('legend').map((l) => l.text.trim());
  assert.deepEqual(legends, ['Inside the 48 hours', 'After the 48 hours: the follow-up would be late']);
  assert.equal(page.html.querySelectorAll('input[name="slot"]').length, 8);
  // Between two slots, before the session, and a made-up session: refused, nothing written.
  for (const at of ['2026-11-26T09:15:00.000Z', '2026-11-26T08:30:00.000Z']) {
    const refused = await w.client.post(`${a.url}/appointments`, slot(soon, at));
    assert.equal(refused.status, 400);
    assert.match(errorSummary(refused), /Choose one of the clinic’s appointment times/);
  }
  const made_up = await w.client.post(`${a.url}/appointments`, {
    slot: `${crypto.randomUUID()}|2026-11-26T09:00:00.000Z`,
  });
  assert.equal(made_up.status, 400);
  const garbled = await w.client.post(`${a.url}/appointments`, { slot: 'tomorrow please' });
  assert.equal(garbled.status, 400);
  assert.match(errorSummary(garbled), /Choose a time for the appointment/);
  const none = await w.db
    .selectFrom('clinic_appointments')
    .selectAll()
    .where('follow_up_id', '=', a.followUp.id)
    .execute();
  assert.equal(none.length, 0);

  const booked = await w.client.post(`${a.url}/appointments`, slot(soon, '2026-11-26T09:30:00.000Z'));
  assert.equal(booked.status, 303);
  const shown = await w.client.get(a.url);
  assert.match(shown.html.querySelector('#appointments + ul')!.text, /Booked.*26 November 2026 at 09:30/s);
  const worklist = await w.client.get(`/follow-ups?team=${w.team}`);
  assert.match(worklist.html.querySelector('tbody')!.text, /Booked 26 November 2026 at 09:30/);
  // Rebooking after the 48 hours: the first is cancelled in the same step, saying why.
  await w.client.get(`${a.url}/book`);
  const rebooked = await w.client.post(`${a.url}/appointments`, slot(later, '2026-11-28T10:00:00.000Z'));
  assert.equal(rebooked.status, 303);
  const rows = await w.db
    .selectFrom('clinic_appointments')
    .selectAll()
    .where('follow_up_id', '=', a.followUp.id)
    .orderBy('booked_at')
    .orderBy('state')
    .execute();
  assert.deepEqual(
    rows.map((r) => [r.state, r.cancel_reason]),
    [
      ['booked', null],
      ['cancelled', 'Rebooked for 28 November 2026 at 10:00'],
    ].sort(),
  );
  const after = await w.client.get(a.url);
  assert.match(after.html.querySelector('#appointments + ul')!.text, /After the 48 hours/);
});

test('two practitioners booking one slot at once: one wins, the other is told and nothing of theirs is written', async () => {
  const w = await world();
  const soon = await w.session('26');
  const a = await w.person('02:30');
  const b = await w.person('03:00', w.other, w.colleague);
  await w.client.get(`${a.url}/book`);
  await w.other.get(`${b.url}/book`);
  const at = '2026-11-26T10:00:00.000Z';
  const results = await Promise.all([
    w.client.post(`${a.url}/appointments`, slot(soon, at)),
    w.other.post(`${b.url}/appointments`, slot(soon, at)),
  ]);
  assert.deepEqual(results.map((r) => r.status).sort(), [303, 409]);
  const loser = results.find((r) => r.status === 409)!;
  assert.match(errorSummary(loser), /Someone has just booked this time/);
  const live = await w.db
    .selectFrom('clinic_appointments')
    .selectAll()
    .where('session_id', '=', soon.split('/').pop()!)
    .execute();
  assert.equal(live.length, 1);
  // The loser's follow-up records no booking either.
  const events = await w.db
    .selectFrom('record_events')
    .select('subject_id')
    .where('type', '=', 'follow-up.booked')
    .where('subject_id', 'in', [a.followUp.id, b.followUp.id])
    .execute();
  assert.deepEqual(
    events.map((e) => e.subject_id),
    [live[0]!.follow_up_id],
  );
});

test('attendance from the clinic list: attended with a note makes the follow-up done; did not attend puts the person back on the worklist', async () => {
  const w = await world();
  const soon = await w.session('26');
  const a = await w.person('02:30');
  const b = await w.person('04:00');
  for (const [who, at] of [
    [a, '2026-11-26T09:00:00.000Z'],
    [b, '2026-11-26T09:30:00.000Z'],
  ] as const) {
    await w.client.get(`${who.url}/book`);
    assert.equal((await w.client.post(`${who.url}/appointments`, slot(soon, at))).status, 303);
  }
  const list = await w.client.get(soon);
  assert.equal(list.status, 200);
  assert.ok(list.html.querySelector('[data-onward-print]'), 'a print button');
  const links = list.html.querySelectorAll('a').filter((l) => l.text.startsWith('Record attendance'));
  assert.equal(links.length, 2);
  const [first, second] = links.map((l) => l.getAttribute('href')!);
  // Before the appointment has begun, nothing can be recorded.
  await w.client.get(first!);
  const early = await w.client.post(`${first}/outcome`, { attended: 'no' });
  assert.equal(early.status, 400);
  assert.match(errorSummary(early), /has not begun yet/);
  await w.later('2026-11-26T11:30:00Z');
  await w.client.get(first!);
  const noNote = await w.client.post(`${first}/outcome`, { attended: 'yes', note: '   ' });
  assert.equal(noNote.status, 400);
  assert.match(errorSummary(noNote), /how the person is/);
  const refusal = await w.db
    .selectFrom('audit_log')
    .select(['outcome', 'detail'])
    .where('user_id', '=', w.nurse.id)
    .where('action', '=', 'clinic.outcome')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.equal(refusal.outcome, 'refused');
  const neither = await w.client.post(`${first}/outcome`, { attended: 'maybe' });
  assert.equal(neither.status, 400);
  const came = await w.client.post(`${first}/outcome`, {
    attended: 'yes',
    note: 'Calmer; used the safety plan twice; GP on Friday.',
  });
  assert.equal(came.status, 303);
  const doneRow = await w.db
    .selectFrom('follow_ups')
    .selectAll()
    .where('id', '=', a.followUp.id)
    .executeTakeFirstOrThrow();
  assert.equal(doneRow.state, 'done');
  const attempt = await w.db
    .selectFrom('follow_up_attempts')
    .selectAll()
    .where('follow_up_id', '=', a.followUp.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(
    [attempt.method, attempt.result, attempt.at],
    ['in-person', 'spoke', new Date('2026-11-26T09:00:00Z')],
  );
  // Recorded once: a second outcome is refused as a conflict, naming where it stands.
  await w.client.get(first!);
  const twice = await w.client.post(`${first}/outcome`, { attended: 'no' });
  assert.equal(twice.status, 409);
  await w.client.get(second!);
  const missed = await w.client.post(`${second}/outcome`, { attended: 'no' });
  assert.equal(missed.status, 303);
  const dueRow = await w.db
    .selectFrom('follow_ups')
    .selectAll()
    .where('id', '=', b.followUp.id)
    .executeTakeFirstOrThrow();
  assert.equal(dueRow.state, 'due');
  const worklist = await w.client.get(`/follow-ups?team=${w.team}`);
  assert.match(worklist.html.querySelector('tbody')!.text, /Did not attend 26 November 2026 at 09:30/);
  const after = await w.client.get(soon);
  assert.deepEqual(
    after.html.querySelectorAll('tbody .nhsuk-tag').map((t) => t.text),
    ['Attended', 'Did not attend'],
  );
});

test('cancelling needs a reason, and an attended appointment cannot be cancelled', async () => {
  const w = await world();
  const soon = await w.session('26');
  const a = await w.person('02:30');
  await w.client.get(`${a.url}/book`);
  await w.client.post(`${a.url}/appointments`, slot(soon, '2026-11-26T09:00:00.000Z'));
  const appointment = await w.db
    .selectFrom('clinic_appointments')
    .selectAll()
    .where('follow_up_id', '=', a.followUp.id)
    .executeTakeFirstOrThrow();
  const cancel = `${a.url}/appointments/${appointment.id}/cancel`;
  await w.client.get(`${a.url}/book`);
  const bare = await w.client.post(cancel, { reason: '' });
  assert.equal(bare.status, 400);
  assert.match(errorSummary(bare), /Say why the appointment is cancelled/);
  const huge = await w.client.post(cancel, { reason: 'x'.repeat(4001) });
  assert.equal(huge.status, 400);
  await w.later('2026-11-26T09:40:00Z');
  await w.client.get(`/clinics/${appointment.session_id}/appointments/${appointment.id}`);
  await w.client.post(`/clinics/${appointment.session_id}/appointments/${appointment.id}/outcome`, {
    attended: 'yes',
    note: 'Seen; settled; plan working.',
  });
  await w.client.get(a.url);
  const late = await w.client.post(cancel, { reason: 'Changed my mind' });
  assert.equal(late.status, 409);
  const row = await w.db
    .selectFrom('clinic_appointments')
    .selectAll()
    .where('id', '=', appointment.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.state, 'attended');
});

test('another team’s clinic list is not found, and its sessions are not listed', async () => {
  const w = await world();
  const soon = await w.session('26');
  const outsider = await makeUser(w.db, { role: 'liaison-practitioner', teamIds: [await makeTeam(w.db)] });
  const c = new Client(w.app);
  await c.signIn(outsider.username, PASSWORD);
  assert.equal((await c.get(soon)).status, 404);
  const theirs = await c.get('/clinics');
  assert.equal(theirs.status, 200);
  assert.doesNotMatch(theirs.body, new RegExp(soon.split('/').pop()!));
  assert.equal((await c.get(`/clinics?team=${w.team}`)).status, 403);
});
