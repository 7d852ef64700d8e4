import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { goodPlan, item, type World, world } from '../../../test/support/care-plans.ts';
import { Client, errorSummary } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { makeTeam, makeUser, PASSWORD } from '../../../test/support/factories.ts';
import { pdfText } from '../../../test/support/pdf.ts';

after(closeTestDatabase);

async function versions(w: World) {
  return (await w.db.selectFrom('record_versions').select('version').where('subject_id', '=', w.planId).execute())
    .length;
}

test('care plan from start to letter: goals with owners and dates, a pharmacist’s input, agreed with the person, shared with them and their GP', async () => {
  const w = await world();
  await w.client.get(`${w.plan}/edit`);
  assert.equal((await w.client.post(w.plan, goodPlan('1'))).status, 303);
  let page = await w.client.get(w.plan);
  assert.match(
    page.html.querySelector('table')!.text,
    /Review medicines that affect sleep\s*Liaison pharmacist\s*27 November 2026/,
  );

  // Ask the pharmacist; the request waits on their home page.
  const asked = await w.client.post(`${w.plan}/input-requests`, {
    colleagueId: w.pharmacist.id,
    question: 'Is her sertraline dose a concern after the overdose?',
  });
  assert.equal(asked.status, 303);
  const pharmacist = new Client(w.app);
  await pharmacist.signIn(w.pharmacist.username, PASSWORD);
  const home = await pharmacist.get('/');
  const link = home.html.querySelector('#input-requests + ul a');
  assert.ok(link, 'the request is on the pharmacist’s home page');
  const requestPage = await pharmacist.get(link.getAttribute('href')!);
  assert.equal(requestPage.status, 200);
  assert.match(requestPage.html.querySelector('main')!.text, /sertraline dose/);
  // An empty answer is refused; then the real one lands, attributed.
  assert.equal((await pharmacist.post(link.getAttribute('href')!, { answer: '  ' })).status, 400);
  assert.equal(
    (
      await pharmacist.post(link.getAttribute('href')!, {
        answer: 'Keep sertraline at 50 mg; dispense weekly for now.',
      })
    ).status,
    303,
  );
  assert.equal(
    (await pharmacist.get('/')).html.querySelector('#input-requests'),
    null,
    'answered requests leave the home page',
  );
  const twice = await pharmacist.post(link.getAttribute('href')!, { answer: 'A second thought' });
  assert.equal(twice.status, 409);
  assert.match(errorSummary(twice), /already given your input/);
  assert.match(
    twice.html.querySelector('main')!.text,
    /Keep sertraline at 50 mg[\s\S]*What you typed now, not saved[\s\S]*A second thought/,
  );
  // The practitioner who asked is alerted: the count in the header, the alert on their home page.
  const asker = await w.client.get('/');
  assert.match(asker.html.querySelector('.nhsuk-header__account')!.text, /Alerts\s*1\s*not seen/);
  const alert = asker.html
    .querySelectorAll('#alerts + ul a')
    .find((a) => /answered your question on the care plan/.test(a.text));
  assert.equal(alert?.getAttribute('href'), w.plan);
  page = await w.client.get(w.plan);
  assert.match(
    page.html.querySelector('#input')!.parentNode!.text,
    /Input from Test mdt-contributor \(Pharmacist\)[\s\S]*Keep sertraline at 50 mg/,
  );

  // Letter before agreement: not yet.
  assert.equal((await w.client.get(`${w.plan}/letter`)).status, 409);
  await w.client.get(w.plan);
  const noConfirm = await w.client.post(`${w.plan}/agreement`, { version: '2', how: 'in-person', gpConsent: 'yes' });
  assert.equal(noConfirm.status, 400);
  assert.match(errorSummary(noConfirm), /Confirm the person has gone through the plan/);
  assert.equal(
    (await w.client.post(`${w.plan}/agreement`, { version: '2', how: 'in-person', gpConsent: 'yes', confirmed: 'yes' }))
      .status,
    303,
  );
  await w.client.get(w.plan);
  assert.equal((await w.client.post(`${w.plan}/sharing`, { version: '2' })).status, 303);
  const row = await w.db.selectFrom('care_plans').selectAll().where('id', '=', w.planId).executeTakeFirstOrThrow();
  assert.deepEqual([row.agreed_version, row.shared_version, row.gp_consent, row.agreed_how], [2, 2, true, 'in-person']);

  const letter = await w.client.get(`${w.plan}/letter`);
  assert.equal(letter.status, 200);
  const text = letter.html.querySelector('main')!.text;
  assert.match(text, /Dear Robin,/);
  assert.match(text, /a copy to your GP/);
  assert.match(text, /Samaritans[\s\S]*116 123/);
  const pdf = await w.client.app.inject({
    method: 'GET',
    url: `${w.plan}/letter.pdf`,
    headers: { cookie: [...w.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  assert.equal(pdf.headers['cache-control'], 'no-store');
  const read = await pdfText(pdf.rawPayload);
  const all = read.text.join('\n');
  assert.match(all, /Dear Robin,/);
  assert.match(all, /Review medicines that affect sleep/);
  assert.match(all, /Shout/);

  const summary = await w.client.get(`/patients/${w.patient.id}`);
  const timeline = summary.html.querySelector('.onward-timeline')!.text;
  assert.match(
    timeline,
    /Care plan, version 2, shared[\s\S]*Care plan, version 2, agreed[\s\S]*Care plan, version 2\b/,
  );
  const events = await w.db
    .selectFrom('record_events')
    .select('type')
    .where('subject_id', '=', w.planId)
    .orderBy('id')
    .execute();
  assert.deepEqual(
    events.map((e) => e.type),
    [
      'care-plan.started',
      'care-plan.saved',
      'care-plan.input-requested',
      'care-plan.input-given',
      'care-plan.agreed',
      'care-plan.shared',
    ],
  );

  // A change after agreement needs agreeing again; the letter keeps showing what was agreed.
  await w.client.get(`${w.plan}/edit`);
  assert.equal((await w.client.post(w.plan, { ...goodPlan('2'), summary: 'Changed later' })).status, 303);
  assert.match((await w.client.get(w.plan)).html.querySelector('main')!.text, /Draft, not yet agreed/);
  assert.match((await w.client.get(`${w.plan}/letter`)).html.querySelector('main')!.text, /get back to work/);
  await w.client.get(w.plan);
  assert.equal((await w.client.post(`${w.plan}/sharing`, { version: '3' })).status, 409);
});

test('an empty plan cannot be agreed, and a version is agreed once', async () => {
  const w = await world();
  const page = await w.client.get(w.plan);
  assert.match(page.html.querySelector('main')!.text, /Write the plan with the person first/);
  const empty = await w.client.post(`${w.plan}/agreement`, {
    version: '1',
    how: 'phone',
    gpConsent: 'no',
    confirmed: 'yes',
  });
  assert.equal(empty.status, 400);
  assert.match(errorSummary(empty), /before recording agreement/);
  await w.client.get(`${w.plan}/edit`);
  assert.equal((await w.client.post(w.plan, goodPlan('1'))).status, 303);
  await w.client.get(w.plan);
  const agree = { version: '2', how: 'phone', gpConsent: 'no', confirmed: 'yes' };
  assert.equal((await w.client.post(`${w.plan}/agreement`, agree)).status, 303);
  const again = await w.client.post(`${w.plan}/agreement`, { ...agree, gpConsent: 'yes' });
  assert.equal(again.status, 409);
  assert.match(errorSummary(again), /already been recorded/);
  const row = await w.db
    .selectFrom('care_plans')
    .select('gp_consent')
    .where('id', '=', w.planId)
    .executeTakeFirstOrThrow();
  assert.equal(row.gp_consent, false);
  // The refused change wrote no event: the state, its event and its audit row go together or not at all.
  const agreements = await w.db
    .selectFrom('record_events')
    .select('id')
    .where('subject_id', '=', w.planId)
    .where('type', '=', 'care-plan.agreed')
    .execute();
  assert.equal(agreements.length, 1);
  assert.equal((await w.client.post(`${w.plan}/sharing`, {})).status, 400);
});

test('bad goals and actions: each problem named against its row, the answers kept, nothing written', async () => {
  const w = await world();
  await w.client.get(`${w.plan}/edit`);
  const markup = '<script>alert(1)</script>';
  const page = await w.client.post(w.plan, {
    version: '1',
    rows: '5',
    summary: markup,
    ...item(0, 'goal', 'No owner or date', '', '', '', ''),
    ...item(1, 'action', 'Before the plan began', 'GP', '1', '1', '2026'),
    ...item(2, 'action', 'Years away', 'GP', '1', '1', '2030'),
    ...item(3, 'risk-tier', 'Unknown kind', 'GP', '31', '2', '2027'),
    ...item(4, 'action', markup, markup, '1', '12', '2026'),
  });
  assert.equal(page.status, 400);
  const summary = errorSummary(page);
  assert.match(summary, /Enter who will do goal or action 1/);
  assert.match(summary, /date for goal or action 1/i);
  assert.match(summary, /goal or action 2 must be on or after the day the plan was started/);
  assert.match(summary, /goal or action 3 must be within a year/);
  assert.match(summary, /Select whether 4 is a goal or an action/);
  assert.match(summary, /date for goal or action 4 must be a real date/i);
  assert.equal(page.html.querySelector('#item-4-text')?.text, markup, 'markup is kept as typed, shown as text');
  assert.ok(page.html.querySelectorAll('script').every((s) => !s.text.includes('alert')));
  assert.equal(await versions(w), 1);
  const tooMany = await w.client.post(w.plan, {
    version: '1',
    rows: '1',
    summary: 'x'.repeat(4001),
    ...item(0, 'goal', 'y'.repeat(1001), 'z'.repeat(121), '1', '12', '2026'),
  });
  assert.equal(tooMany.status, 400);
  assert.match(
    errorSummary(tooMany),
    /4,000 characters or fewer[\s\S]*1,000 characters or fewer[\s\S]*120 characters or fewer/,
  );
  const empty = await w.client.post(w.plan, { version: '1', rows: '0', summary: '' });
  assert.equal(empty.status, 400);
  assert.equal(await versions(w), 1);
});

test('two people editing the plan: the second save is refused with the other version shown and their own text kept', async () => {
  const w = await world();
  const colleague = await makeUser(w.db, { role: 'senior-clinician', teamIds: [w.team] });
  const other = new Client(w.app);
  await other.signIn(colleague.username, PASSWORD);
  await other.get(`${w.plan}/edit`);
  await w.client.get(`${w.plan}/edit`);
  assert.equal((await other.post(w.plan, { ...goodPlan('1'), summary: 'Their summary' })).status, 303);
  const mine = await w.client.post(w.plan, { ...goodPlan('1'), summary: 'My summary' });
  assert.equal(mine.status, 409);
  assert.match(errorSummary(mine), /saved this care plan while you were working on it/);
  assert.match(mine.html.querySelector('#theirs')!.text, /Their summary/);
  assert.equal(mine.html.querySelector('#summary')?.text, 'My summary');
  assert.equal(mine.html.querySelector('input[name="version"]')?.getAttribute('value'), '2');
  assert.equal(await versions(w), 2);
  // Agreement recorded against a version someone has since changed is refused too.
  await w.client.get(w.plan);
  assert.equal(
    (await w.client.post(`${w.plan}/agreement`, { version: '1', how: 'phone', gpConsent: 'no', confirmed: 'yes' }))
      .status,
    409,
  );
});

test('input is asked only of colleagues in the team, and only the named colleague can answer', async () => {
  const w = await world();
  const elsewhere = await makeTeam(w.db);
  const outsider = await makeUser(w.db, { role: 'mdt-contributor', discipline: 'pharmacist', teamIds: [elsewhere] });
  await w.client.get(w.plan);
  const refused = await w.client.post(`${w.plan}/input-requests`, {
    colleagueId: outsider.id,
    question: 'Could you look?',
  });
  assert.equal(refused.status, 400);
  assert.match(errorSummary(refused), /Select a colleague from the list/);
  const noQuestion = await w.client.post(`${w.plan}/input-requests`, { colleagueId: w.pharmacist.id, question: '' });
  assert.equal(noQuestion.status, 400);
  assert.equal(
    (await w.client.post(`${w.plan}/input-requests`, { colleagueId: w.pharmacist.id, question: 'Could you look?' }))
      .status,
    303,
  );
  const request = await w.db
    .selectFrom('input_requests')
    .select('id')
    .where('care_plan_id', '=', w.planId)
    .executeTakeFirstOrThrow();

  // A pharmacist from another team, and a same-team colleague who was not asked: not found, nothing written.
  const ot = await makeUser(w.db, { role: 'mdt-contributor', discipline: 'occupational-therapist', teamIds: [w.team] });
  for (const user of [outsider, ot]) {
    const c = new Client(w.app);
    await c.signIn(user.username, PASSWORD);
    assert.equal((await c.get(`/input-requests/${request.id}`)).status, 404);
    await c.get('/');
    assert.equal((await c.post(`/input-requests/${request.id}`, { answer: 'Mine' })).status, 404);
  }
  const row = await w.db
    .selectFrom('input_requests')
    .selectAll()
    .where('id', '=', request.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.answer, null);
  const refusals = await w.db
    .selectFrom('audit_log')
    .select('detail')
    .where('action', '=', 'input-request.answer')
    .where('outcome', '=', 'refused')
    .where('patient_id', '=', w.patient.id)
    .execute();
  assert.equal(refusals.length, 2);
  // A pharmacist in the team who is later moved away from it cannot answer either.
  await w.db.deleteFrom('team_memberships').where('user_id', '=', w.pharmacist.id).execute();
  const moved = new Client(w.app);
  await moved.signIn(w.pharmacist.username, PASSWORD);
  assert.equal((await moved.get(`/input-requests/${request.id}`)).status, 404);
});

test('a colleague’s new goal is brought into a refused form, and a bad row keeps its message after blank rows', async () => {
  const w = await world();
  const colleague = await makeUser(w.db, { role: 'senior-clinician', teamIds: [w.team] });
  const other = new Client(w.app);
  await other.signIn(colleague.username, PASSWORD);
  await other.get(`${w.plan}/edit`);
  await w.client.get(`${w.plan}/edit`);
  assert.equal(
    (
      await other.post(w.plan, {
        version: '1',
        rows: '1',
        summary: '',
        ...item(0, 'goal', 'Debt advice referral', 'Robin', '1', '12', '2026'),
      })
    ).status,
    303,
  );
  const mine = await w.client.post(w.plan, { version: '1', rows: '0', summary: 'My summary' });
  assert.equal(mine.status, 409);
  assert.match(errorSummary(mine), /Their changes to the goals and actions have been brought into the form/);
  assert.equal(mine.html.querySelector('#summary')?.text, 'My summary');
  assert.equal(mine.html.querySelector('#item-0-text')?.text, 'Debt advice referral');
  assert.equal(
    (
      await w.client.post(w.plan, {
        version: '2',
        rows: '1',
        summary: 'My summary',
        ...item(0, 'goal', 'Debt advice referral', 'Robin', '1', '12', '2026'),
      })
    ).status,
    303,
  );
  const saved = await w.db
    .selectFrom('care_plans')
    .select('content')
    .where('id', '=', w.planId)
    .executeTakeFirstOrThrow();
  assert.deepEqual((saved.content as { summary: string; items: unknown[] }).summary, 'My summary');
  assert.equal((saved.content as { items: unknown[] }).items.length, 1);

  await w.client.get(`${w.plan}/edit`);
  const page = await w.client.post(w.plan, {
    version: '3',
    rows: '3',
    summary: 'x',
    ...item(0, 'goal', 'Fine', 'Robin', '1', '12', '2026'),
    ...item(1, 'goal', '', '', '', '', ''),
    ...item(2, 'action', 'Bad date', 'GP', '31', '2', '2027'),
  });
  assert.equal(page.status, 400);
  assert.match(page.html.querySelector('#item-2-due-error')?.text ?? '', /goal or action 3 must be a real date/);
  assert.equal(page.html.querySelector('#item-2-text')?.text, 'Bad date');
});

test('every earlier version of a care plan can be read, labelled as not the current plan', async () => {
  const w = await world();
  await w.client.get(`${w.plan}/edit`);
  assert.equal((await w.client.post(w.plan, goodPlan('1'))).status, 303);
  const first = await w.client.get(`${w.plan}/versions/1`);
  assert.equal(first.status, 200);
  assert.match(
    first.html.querySelector('main')!.text,
    /This is not the current plan[\s\S]*Not written in this version/,
  );
  const second = await w.client.get(`${w.plan}/versions/2`);
  assert.match(
    second.html.querySelector('main')!.text,
    /This is the current plan[\s\S]*Review medicines that affect sleep/,
  );
  for (const bad of ['3', '0', 'abc', '1.5'])
    assert.equal((await w.client.get(`${w.plan}/versions/${bad}`)).status, 404, bad);
  const summary = await w.client.get(`/patients/${w.patient.id}`);
  assert.ok(summary.html.querySelector(`a[href="${w.plan}/versions/1"]`), 'the timeline links to the earlier version');
  const audit = await w.db
    .selectFrom('audit_log')
    .select('detail')
    .where('patient_id', '=', w.patient.id)
    .where('action', '=', 'care-plan.read-version')
    .where('outcome', '=', 'ok')
    .execute();
  assert.deepEqual(
    audit.map((a) => JSON.parse(a.detail).version),
    [1, 2],
  );
});

test('the plan’s history comes from its events: an agreement to an earlier version stays on the timeline after the plan moves on', async () => {
  const w = await world();
  await w.client.get(`${w.plan}/edit`);
  assert.equal((await w.client.post(w.plan, goodPlan('1'))).status, 303);
  await w.client.get(w.plan);
  const agree = (version: string, gpConsent: string) => ({ version, how: 'in-person', gpConsent, confirmed: 'yes' });
  assert.equal((await w.client.post(`${w.plan}/agreement`, agree('2', 'yes'))).status, 303);
  assert.equal((await w.client.post(`${w.plan}/sharing`, { version: '2' })).status, 303);
  // Changed afterwards, then agreed again without consent to the GP: the row now holds only version 3.
  await w.client.get(`${w.plan}/edit`);
  assert.equal((await w.client.post(w.plan, { ...goodPlan('2'), summary: 'Robin wants to sleep.' })).status, 303);
  await w.client.get(w.plan);
  assert.equal((await w.client.post(`${w.plan}/agreement`, agree('3', 'no'))).status, 303);

  const events = await w.db
    .selectFrom('record_events')
    .select(['type', 'from_state', 'to_state', 'data'])
    .where('subject_id', '=', w.planId)
    .where('type', 'in', ['care-plan.agreed', 'care-plan.shared'])
    .orderBy('id')
    .execute();
  assert.deepEqual(
    events.map((e) => [e.type, e.from_state, e.to_state, (e.data as { version: number }).version]),
    [
      ['care-plan.agreed', 'draft', 'agreed', 2],
      ['care-plan.shared', 'agreed', 'shared', 2],
      ['care-plan.agreed', 'draft', 'agreed', 3],
    ],
  );
  const summary = await w.client.get(`/patients/${w.patient.id}`);
  const titles = summary.html
    .querySelectorAll('ol.onward-timeline > li')
    .map((li) => li.text.replace(/\s+/g, ' ').trim())
    .filter((t) => /Care plan/.test(t));
  assert.ok(
    titles.some((t) => /version 2, agreed/.test(t)),
    titles.join('\n'),
  );
  assert.ok(
    titles.some((t) => /version 2, shared.*Letter shared with the person and their GP/.test(t)),
    titles.join('\n'),
  );
  assert.ok(
    titles.some((t) => /version 3, agreed/.test(t)),
    titles.join('\n'),
  );
  // Newest first: the second agreement comes before the sharing of the first.
  const at = (re: RegExp) => titles.findIndex((t) => re.test(t));
  assert.ok(at(/version 3, agreed/) < at(/version 2, shared/));
  assert.ok(at(/version 2, shared/) < at(/version 2, agreed/));
});
