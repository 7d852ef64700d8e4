import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../test/support/app.ts';
import { Client, errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makePatient, makeService, makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';
import { assessedFollowUp } from '../../test/support/follow-ups.ts';
import { pdfText } from '../../test/support/pdf.ts';

// Referral letters through the pages: drafted for the service from the assessment, stopped by the
// completeness check and by missing consent, changed (two at once: one wins, nothing lost), sent
// once, then fixed; a PDF on the letterhead and the person's plain-words copy; early conversations.

after(closeTestDatabase);

async function world(o: { conflict?: boolean } = {}) {
  const t = await testApp();
  const team = await makeTeam(t.db);
  await t.db
    .updateTable('teams')
    .set({ address: '1 Hospital Road\nSalford M6 8HD', phone: '0161 496 0999', secure_email: 'liaison@nhs.net' })
    .where('id', '=', team)
    .execute();
  const nurse = await makeUser(t.db, {
    role: 'liaison-practitioner',
    teamIds: [team],
    discipline: 'mental-health-nurse',
  });
  const patient = await makePatient(t.db, { teamId: team });
  const client = new Client(t.app);
  await client.signIn(nurse.username, PASSWORD);
  const { assessment } = await assessedFollowUp(t.db, client, {
    patientId: patient.id,
    teamId: team,
    recordedBy: nurse.id,
    day: '2026-11-25',
    time: '09:00',
  });
  const serviceName = `Riverside Talking Therapies ${Math.random().toString(36).slice(2, 7)}`;
  const service = await makeService(t.db, {
    by: nurse.id,
    name: serviceName,
    mustContain: ['Reason for referral', 'Current medication', 'Physical health'],
    criteria: o.conflict ? [{ code: 'self-harm-current', kind: 'exclusion', text: 'Active self-harm' }] : [],
  });
  const p = `/patients/${patient.id}`;
  const assessmentId = assessment.split('/').pop()!;
  await client.get(`${p}/assessments/${assessmentId}/services`);
  return { ...t, team, nurse, patient, client, p, assessmentId, service, serviceName };
}
type World = Awaited<ReturnType<typeof world>>;

async function start(w: World, client = w.client) {
  await client.get(`${w.p}/referrals`);
  const started = await client.post(`${w.p}/referrals`, { assessmentId: w.assessmentId, serviceId: w.service });
  assert.equal(started.status, 303, started.body.slice(0, 300));
  return String(started.headers.location);
}

async function letterForm(client: Client, url: string) {
  const page = await client.get(`${url}/edit`);
  assert.equal(page.status, 200);
  const fields: Record<string, string> = {};
  for (const t of page.html.querySelectorAll('textarea')) fields[t.getAttribute('name')!] = t.text;
  fields.version = page.html.querySelector('input[name=version]')!.getAttribute('value')!;
  return { page, fields };
}

async function consentTo(w: World, url: string) {
  const form = await w.client.get(`${w.p}/consents/new?service=${w.service}&referral=${url.split('/').pop()}`);
  assert.equal(form.status, 200);
  const given = await w.client.post(`${w.p}/consents`, {
    serviceId: w.service,
    referralId: form.html.querySelector('input[name=referralId]')!.getAttribute('value')!,
    shares: 'letter',
    way: 'in-person',
    'givenOn[day]': '25',
    'givenOn[month]': '11',
    'givenOn[year]': '2026',
  });
  assert.equal(given.status, 303);
  return String(given.headers.location);
}

async function bytes(w: World, url: string) {
  const response = await w.app.inject({
    method: 'GET',
    url,
    headers: { cookie: [...w.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return response;
}

test('a letter drafted for the service is stopped by missing consent and by what the service asks for, then sent once', async () => {
  const w = await world();
  const url = await start(w);
  const page = await w.client.get(url);
  assert.equal(page.status, 200);
  const text = page.html.text.replace(/\s+/g, ' ');
  // Drafted from the record: why, with the day they came; physical health from the assessment.
  assert.match(
    text,
    /came to Test Trust \w+ on 24 November 2026 after self-harm\. We assessed Alex on 25 November 2026/,
  );
  assert.match(text, /physicalHealth: with the person/);
  // What the service asks for and the record does not hold is named.
  assert.match(text, /Before it can be sent, write: Write “Current medication”: .* asks for it in every referral/);

  // Sent with no consent: refused, and nothing moves.
  const noConsent = await w.client.post(`${url}/send`, {
    version: page.html.querySelector('input[name=version]')!.getAttribute('value')!,
  });
  assert.equal(noConsent.status, 400);
  const summary = errorSummary(noConsent);
  assert.match(summary, /consent to share with .* before sending/);
  assert.match(summary, /Current medication/);

  // Consent recorded from the referral leads back to it.
  assert.equal(await consentTo(w, url), `${url}#consent`);
  const stillIncomplete = await w.client.post(`${url}/send`, { version: '1' });
  assert.equal(stillIncomplete.status, 400);
  assert.doesNotMatch(errorSummary(stillIncomplete), /consent/);
  assert.match(errorSummary(stillIncomplete), /Write “Current medication”/);

  // The letter written, markup and all, kept as text.
  const { fields } = await letterForm(w.client, url);
  const medication = Object.keys(fields).find((k) => fields[k] === '' && k.startsWith('section-'))!;
  const saved = await w.client.post(url, {
    ...fields,
    [medication]: 'Sertraline 50 mg <script>alert(1)</script>',
  });
  assert.equal(saved.status, 303, saved.body.slice(0, 400));
  const ready = await w.client.get(url);
  assert.match(ready.body, /Sertraline 50 mg &lt;script&gt;/);
  assert.doesNotMatch(ready.body, /Before it can be sent/);

  const sent = await w.client.post(`${url}/send`, { version: '2' });
  assert.equal(sent.status, 303);
  assert.equal(sent.headers.location, `${url}?sent=1`);
  const row = await w.db
    .selectFrom('referrals')
    .selectAll()
    .where('id', '=', url.split('/').pop()!)
    .executeTakeFirstOrThrow();
  assert.equal(row.status, 'requested');
  assert.equal(row.business_status, 'letter-sent');
  assert.deepEqual(row.shared, ['letter']);
  assert.ok(row.consent_id);

  // Sent is final: no second sending, no change to the letter.
  assert.equal((await w.client.post(`${url}/send`, { version: '3' })).status, 409);
  assert.equal((await w.client.get(`${url}/edit`)).status, 409);
  assert.equal((await w.client.post(url, { ...fields, version: '3' })).status, 409);

  // On the timeline.
  const summaryPage = (await w.client.get(w.p)).html.text.replace(/\s+/g, ' ');
  assert.match(summaryPage, /Referral to Riverside Talking Therapies \w+ sent/);
  assert.match(summaryPage, /Referral to Riverside Talking Therapies \w+ started/);
  const events = await w.db
    .selectFrom('record_events')
    .select(['type', 'from_state', 'to_state'])
    .where('subject_id', '=', row.id)
    .orderBy('id')
    .execute();
  assert.deepEqual(
    events.map((e) => e.type),
    ['referral.drafted', 'referral.letter-saved', 'referral.sent'],
  );
  assert.deepEqual([events[2]!.from_state, events[2]!.to_state], ['draft', 'requested']);
});

test('the sent letter is a PDF on the team’s letterhead, and the person gets a copy in plain words', async () => {
  const w = await world();
  const url = await start(w);
  await consentTo(w, url);
  const { fields } = await letterForm(w.client, url);
  for (const k of Object.keys(fields)) if (k.startsWith('section-') && fields[k] === '') fields[k] = 'None';
  assert.equal((await w.client.post(url, fields)).status, 303);
  assert.equal((await w.client.post(`${url}/send`, { version: '2' })).status, 303);
  // The team's letterhead changes after sending: the sent letter does not.
  await w.db.updateTable('teams').set({ phone: '0000 000 0000' }).where('id', '=', w.team).execute();

  const pdf = await bytes(w, `${url}/letter.pdf`);
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const read = await pdfText(pdf.rawPayload);
  const all = read.text.join('\n');
  assert.match(all, /Phone: 0161 496 0999/);
  assert.doesNotMatch(all, /0000 000 0000/);
  assert.match(all, /Secure email: liaison@nhs\.net/);
  assert.match(all, /Referral to Riverside Talking Therapies/);
  assert.match(all, /Mental health nurse/);
  assert.match(all, /NHS number/);
  assert.match(all, /Sent on 25 November 2026/);
  assert.equal(read.title?.startsWith('Referral to Riverside'), true);
  assert.ok(read.roles.includes('H1') && read.roles.includes('H2'));

  const copy = await w.client.get(`${url}/copy`);
  assert.equal(copy.status, 200);
  const words = copy.html.text.replace(/\s+/g, ' ');
  assert.match(words, /we asked Riverside Talking Therapies \w+ .* to see you/);
  assert.match(words, /We will check that they reply/);
  assert.match(words, /\(NHS Talking Therapies\)/);
  assert.match(words, /Samaritans/);
  const copyPdf = await bytes(w, `${url}/copy.pdf`);
  assert.equal(copyPdf.statusCode, 200);
  assert.match((await pdfText(copyPdf.rawPayload)).text.join('\n'), /What happens next/);
});

test('a draft has a draft PDF and no copy for the person yet', async () => {
  const w = await world();
  const url = await start(w);
  const pdf = await bytes(w, `${url}/letter.pdf`);
  assert.equal(pdf.statusCode, 200);
  assert.match((await pdfText(pdf.rawPayload)).text.join('\n'), /Draft: not sent/);
  assert.equal((await w.client.get(`${url}/copy`)).status, 409);
});

test('one referral is open with a service at a time: two at once make one, and asking again opens it', async () => {
  const w = await world();
  await w.client.get(`${w.p}/referrals`);
  const post = () =>
    w.app.inject({
      method: 'POST',
      url: `${w.p}/referrals`,
      headers: {
        cookie: [...w.client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({
        assessmentId: w.assessmentId,
        serviceId: w.service,
        _csrf: w.client.csrfToken,
      }).toString(),
    });
  const both = await Promise.all([post(), post()]);
  assert.deepEqual(
    both.map((r) => r.statusCode),
    [303, 303],
  );
  assert.equal(both[0]!.headers.location, both[1]!.headers.location);
  assert.equal(await start(w), both[0]!.headers.location);
  const rows = await w.db.selectFrom('referrals').select('id').where('patient_id', '=', w.patient.id).execute();
  assert.equal(rows.length, 1);
});

test('two people changing one letter: the second is told, and keeps their words', async () => {
  const w = await world();
  const url = await start(w);
  const colleague = await makeUser(w.db, { role: 'liaison-practitioner', teamIds: [w.team] });
  const other = new Client(w.app);
  await other.signIn(colleague.username, PASSWORD);
  const mine = await letterForm(w.client, url);
  const theirs = await letterForm(other, url);
  assert.equal((await other.post(url, { ...theirs.fields, 'section-0': 'Their reason' })).status, 303);
  const stale = await w.client.post(url, { ...mine.fields, 'section-0': 'My reason, typed with care' });
  assert.equal(stale.status, 409);
  assert.match(errorSummary(stale), /Someone else changed this letter/);
  assert.equal(stale.html.querySelector('#section-0')!.text, 'My reason, typed with care');
  const row = await w.db
    .selectFrom('referrals')
    .select(['letter', 'version'])
    .where('id', '=', url.split('/').pop()!)
    .executeTakeFirstOrThrow();
  assert.equal(row.version, 2);
  assert.match(JSON.stringify(row.letter), /Their reason/);
  // Sending the version someone has since changed is refused too.
  await consentTo(w, url);
  const late = await w.client.post(`${url}/send`, { version: '1' });
  assert.equal(late.status, 409);
  assert.match(late.body, /Someone changed this letter since you read it/);
});

test('consent withdrawn before sending stops the sending', async () => {
  const w = await world();
  const url = await start(w);
  await consentTo(w, url);
  const { fields } = await letterForm(w.client, url);
  for (const k of Object.keys(fields)) if (k.startsWith('section-') && fields[k] === '') fields[k] = 'None';
  await w.client.post(url, fields);
  const consent = await w.db
    .selectFrom('consents')
    .select('id')
    .where('patient_id', '=', w.patient.id)
    .executeTakeFirstOrThrow();
  await w.client.get(`${w.p}/consents`);
  assert.equal(
    (await w.client.post(`${w.p}/consents/${consent.id}/withdraw`, { reason: 'Changed their mind' })).status,
    303,
  );
  await w.client.get(url);
  const refused = await w.client.post(`${url}/send`, { version: '2' });
  assert.equal(refused.status, 400);
  assert.match(errorSummary(refused), /consent to share/);
  const row = await w.db
    .selectFrom('referrals')
    .select('status')
    .where('id', '=', url.split('/').pop()!)
    .executeTakeFirstOrThrow();
  assert.equal(row.status, 'draft');
});

test('a service whose criteria conflict with NICE NG225: the letter may name the guidance, or not', async () => {
  const w = await world({ conflict: true });
  const url = await start(w);
  const page = await w.client.get(url);
  assert.match(page.html.text, /NICE guideline NG225/);
  assert.match(page.html.text.replace(/\s+/g, ' '), /Your published criteria include self-harm now or recently/);
  const { fields } = await letterForm(w.client, url);
  // Unticked: the sentence leaves the letter.
  assert.equal((await w.client.post(url, fields)).status, 303);
  const without = await w.client.get(url);
  assert.doesNotMatch(without.html.querySelector('.onward-letter')!.text, /NICE guideline NG225/);
  const pdf = await pdfText((await bytes(w, `${url}/letter.pdf`)).rawPayload);
  assert.doesNotMatch(pdf.text.join('\n'), /NG225/);
  const again = await letterForm(w.client, url);
  assert.equal((await w.client.post(url, { ...again.fields, keepNice: 'yes' })).status, 303);
  assert.match((await w.client.get(url)).html.querySelector('.onward-letter')!.text, /NICE guideline NG225/);
});

test('bad answers: a clear message, a 4xx, and nothing written', async () => {
  const w = await world();
  const url = await start(w);
  const { fields } = await letterForm(w.client, url);
  const cases: [Record<string, string>, number, RegExp][] = [
    [{ 'section-0': 'x'.repeat(8001) }, 400, /must be 8,000 characters or fewer/],
    [{ version: 'abc' }, 400, /Open the letter again/],
    [{ version: '0' }, 400, /Open the letter again/],
  ];
  for (const [over, status, message] of cases) {
    const refused = await w.client.post(url, { ...fields, ...over });
    assert.equal(refused.status, status, JSON.stringify(over).slice(0, 80));
    assert.match(errorSummary(refused), message);
  }
  const row = await w.db
    .selectFrom('referrals')
    .select('version')
    .where('id', '=', url.split('/').pop()!)
    .executeTakeFirstOrThrow();
  assert.equal(row.version, 1);
  // Starting: an unknown service, a forged id, a closed service, an assessment not finalised.
  await w.client.get(`${w.p}/referrals`);
  assert.equal(
    (await w.client.post(`${w.p}/referrals`, { assessmentId: w.assessmentId, serviceId: crypto.randomUUID() })).status,
    404,
  );
  assert.equal((await w.client.post(`${w.p}/referrals`, { assessmentId: 'x', serviceId: w.service })).status, 409);
  const closed = await makeService(w.db, { by: w.nurse.id, status: 'temporarily-closed', name: 'Closed service' });
  const refusedClosed = await w.client.post(`${w.p}/referrals`, { assessmentId: w.assessmentId, serviceId: closed });
  assert.equal(refusedClosed.status, 409);
  assert.match(refusedClosed.body, /Closed service is temporarily closed to referrals/);
  assert.equal(
    (await w.client.post(`${w.p}/referrals`, { assessmentId: crypto.randomUUID(), serviceId: w.service })).status,
    404,
  );
  assert.equal((await w.client.post(`${url}/send`, { version: 'x' })).status, 400);
  assert.equal((await w.client.get(`${w.p}/referrals/${crypto.randomUUID()}`)).status, 404);
});

test('an early conversation with the service is kept with the referral and on the timeline', async () => {
  const w = await world();
  const url = await start(w);
  await w.client.get(`${url}/conversations/new`);
  const answer = {
    withWhom: 'Dr Amy Shah, duty consultant',
    way: 'phone',
    'on[day]': '25',
    'on[month]': '11',
    'on[year]': '2026',
    time: '09:30',
    agreed: 'They will take the referral <b>today</b>',
  };
  const cases: [Record<string, string>, RegExp][] = [
    [{ withWhom: '  ' }, /Enter who you spoke to/],
    [{ way: 'carrier pigeon' }, /Select how you spoke/],
    [{ 'on[year]': '2027' }, /must be today or in the past/],
    [{ time: '25:00' }, /real time/],
    [{ time: '10:30' }, /now or in the past/],
    [{ agreed: '' }, /Enter what was said and agreed/],
  ];
  for (const [over, message] of cases) {
    const refused = await w.client.post(`${url}/conversations`, { ...answer, ...over });
    assert.equal(refused.status, 400, JSON.stringify(over));
    assert.match(errorSummary(refused), message);
  }
  assert.equal(
    (await w.db.selectFrom('referral_conversations').select('id').where('patient_id', '=', w.patient.id).execute())
      .length,
    0,
  );
  const ok = await w.client.post(`${url}/conversations`, answer);
  assert.equal(ok.status, 303);
  const page = await w.client.get(url);
  assert.match(page.body, /Dr Amy Shah, duty consultant/);
  assert.match(page.body, /They will take the referral &lt;b&gt;today&lt;\/b&gt;/);
  assert.match((await w.client.get(w.p)).html.text, /Conversation with Riverside/);
});

test('another team’s patient: no referral pages', async () => {
  const w = await world();
  const url = await start(w);
  const outsider = await makeUser(w.db, { role: 'liaison-practitioner', teamIds: [await makeTeam(w.db)] });
  const c = new Client(w.app);
  await c.signIn(outsider.username, PASSWORD);
  for (const path of [`${w.p}/referrals`, url, `${url}/letter.pdf`, `${url}/edit`])
    assert.equal((await c.get(path)).status, 404, path);
  await c.get('/');
  assert.equal((await c.post(`${url}/send`, { version: '1' })).status, 404);
});
