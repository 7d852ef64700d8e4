import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Client, errorSummary } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { PASSWORD } from '../../../test/support/factories.ts';
import { sentReferralWorld } from '../../../test/support/referrals.ts';

// Escalation through the pages: a rejected referral given to a senior clinician of the team, who
// records a call with the service and resolves it; on both sides' pages, the timeline and the
// senior's home page; only a senior clinician takes it up; bad answers change nothing.

after(closeTestDatabase);

async function rejected() {
  const w = await sentReferralWorld({ withSenior: true });
  const packet = await w.therapist.get(w.packet);
  assert.equal(packet.status, 200);
  const r = await w.therapist.post(w.packet, { seen: 'requested', step: 'reject', reason: 'self-harm', text: '' });
  assert.equal(r.status, 303);
  const consultant = new Client(w.app);
  const senior = await w.db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('id', '=', w.senior!.id)
    .executeTakeFirstOrThrow();
  await consultant.signIn(senior.username, PASSWORD);
  await w.client.get(w.url);
  return { ...w, consultant, seniorId: senior.id };
}

const due = { 'dueOn[day]': '27', 'dueOn[month]': '11', 'dueOn[year]': '2026' };

test('a rejected referral is escalated to the consultant, who speaks with the service and resolves it', async () => {
  const w = await rejected();
  const bad: [Record<string, string>, RegExp][] = [
    [{ ownerId: w.seniorId, escalationReason: '', ...due }, /Say what the senior clinician should take up/],
    [
      { ownerId: crypto.randomUUID(), escalationReason: 'Challenge it', ...due },
      /Choose a senior clinician of the team/,
    ],
    [
      {
        ownerId: w.seniorId,
        escalationReason: 'Challenge it',
        'dueOn[day]': '20',
        'dueOn[month]': '11',
        'dueOn[year]': '2026',
      },
      /today or later/,
    ],
  ];
  for (const [fields, message] of bad) {
    const refused = await w.client.post(`${w.url}/escalate`, fields);
    assert.equal(refused.status, 400, JSON.stringify(fields));
    assert.match(errorSummary(refused), message);
  }
  assert.equal(
    (await w.db.selectFrom('escalations').select('id').where('referral_id', '=', w.referralId).execute()).length,
    0,
  );
  const made = await w.client.post(`${w.url}/escalate`, {
    ownerId: w.seniorId,
    escalationReason: 'Challenge the <b>self-harm</b> exclusion: NG225',
    ...due,
  });
  assert.equal(made.status, 303);
  const escalation = String(made.headers.location);
  // Asking again opens the one there.
  await w.client.get(w.url);
  assert.equal(
    (await w.client.post(`${w.url}/escalate`, { ownerId: w.seniorId, escalationReason: 'Again', ...due })).headers
      .location,
    escalation,
  );
  // On the consultant's home page.
  assert.match((await w.consultant.get('/')).html.text, /Escalations you are taking up/);
  // A practitioner cannot take it up; the consultant records a call and resolves it.
  await w.client.get(escalation);
  const notSenior = await w.client.post(`${escalation}/resolve`, { outcome: 'accepted', resolution: 'Done' });
  assert.equal(notSenior.status, 403, errorSummary(notSenior) || notSenior.body.slice(0, 300));
  const page = await w.consultant.get(escalation);
  assert.match(page.body, /Challenge the &lt;b&gt;self-harm&lt;\/b&gt; exclusion/);
  const call = {
    withWhom: 'Dr Lee, clinical lead',
    way: 'phone',
    'on[day]': '25',
    'on[month]': '11',
    'on[year]': '2026',
    time: '09:45',
    agreed: 'They will see Alex next week',
  };
  assert.equal((await w.consultant.post(`${escalation}/notes`, { ...call, agreed: '' })).status, 400);
  assert.equal((await w.consultant.post(`${escalation}/notes`, call)).status, 303);
  const noOutcome = await w.consultant.post(`${escalation}/resolve`, { outcome: '', resolution: '' });
  assert.equal(noOutcome.status, 400);
  assert.match(errorSummary(noOutcome), /Select how it was resolved/);
  assert.equal(
    (await w.consultant.post(`${escalation}/resolve`, { outcome: 'accepted', resolution: 'Seen next Tuesday' })).status,
    303,
  );
  const row = await w.db
    .selectFrom('escalations')
    .select(['status', 'outcome'])
    .where('referral_id', '=', w.referralId)
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, { status: 'resolved', outcome: 'accepted' });
  assert.equal(
    (await w.consultant.post(`${escalation}/resolve`, { outcome: 'accepted', resolution: 'Again' })).status,
    409,
  );
  const timeline = (await w.client.get(w.p)).html.text.replace(/\s+/g, ' ');
  for (const t of [
    ': escalated to a senior clinician',
    ': a senior clinician spoke with the service',
    ': escalation resolved',
  ])
    assert.ok(timeline.includes(t), t);
});

test('an accepted referral is not escalated; another team’s practitioner cannot open the escalation', async () => {
  const w = await sentReferralWorld({ withSenior: true });
  await w.therapist.get(w.packet);
  assert.equal((await w.therapist.post(w.packet, { seen: 'requested', step: 'accept' })).status, 303);
  await w.client.get(w.url);
  const refused = await w.client.post(`${w.url}/escalate`, {
    ownerId: w.senior!.id,
    escalationReason: 'Why not',
    ...due,
  });
  assert.equal(refused.status, 409);
  assert.equal((await w.outsider.get(`${w.p}/escalations/${crypto.randomUUID()}`)).status, 403);
});
