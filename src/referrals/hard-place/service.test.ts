import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Client } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { PASSWORD } from '../../../test/support/factories.ts';
import { sendAnother, sentReferralWorld } from '../../../test/support/referrals.ts';

// The rock-and-a-hard-place detector through the pages: refused by Talking Therapies as too risky
// and by the crisis team as not unwell enough, the person is flagged on the caseload and to the
// team, an escalation is opened by the rule and given to the senior clinician; a service taking the
// person on clears the flag. One refusal alone is not a pattern.

after(closeTestDatabase);

const flags = (w: { db: Awaited<ReturnType<typeof sentReferralWorld>>['db'] }, patientId: string) =>
  w.db
    .selectFrom('hard_place_flags')
    .select(['pattern', 'cleared_at', 'cleared_because', 'escalation_id'])
    .where('patient_id', '=', patientId)
    .execute();

test('too risky for Talking Therapies, not unwell enough for the crisis team: flagged, and an escalation opened', async () => {
  const w = await sentReferralWorld({ withSenior: true });
  await w.therapist.get(w.packet);
  const tt = await w.therapist.post(w.packet, { seen: 'requested', step: 'reject', reason: 'self-harm', text: '' });
  assert.equal(tt.status, 303);
  assert.deepEqual(await flags(w, w.patientId), [], 'one refusal is not a pattern');
  const crisis = await sendAnother(w, 'crisis-home-treatment');
  await crisis.receiving.get(crisis.packet);
  const no = await crisis.receiving.post(crisis.packet, {
    seen: 'requested',
    step: 'reject',
    reason: 'not-severe-enough',
    text: 'Not in crisis today',
  });
  assert.equal(no.status, 303);
  const [flag] = await flags(w, w.patientId);
  assert.equal(flag?.pattern, 'between-services');
  assert.equal(flag?.cleared_at, null);
  // The escalation the rule opened: on the crisis referral, given to the team's senior clinician, opened by no one.
  const escalation = await w.db
    .selectFrom('escalations')
    .select(['id', 'referral_id', 'owner_id', 'opened_by', 'opened_by_rule', 'status'])
    .where('patient_id', '=', w.patientId)
    .executeTakeFirstOrThrow();
  assert.deepEqual(
    { ...escalation, id: undefined },
    {
      id: undefined,
      referral_id: crisis.referralId,
      owner_id: w.senior!.id,
      opened_by: null,
      opened_by_rule: 'hard-place',
      status: 'open',
    },
  );
  assert.equal(flag?.escalation_id, escalation.id);
  // On the caseload and the home pages of the team, in the words clinicians use.
  const home = (await w.client.get('/')).html.text.replace(/\s+/g, ' ');
  assert.match(home, /People stuck between services/);
  assert.match(home, /Rock and a hard place: no aftercare/);
  const consultant = new Client(w.app);
  const senior = await w.db
    .selectFrom('users')
    .select('username')
    .where('id', '=', w.senior!.id)
    .executeTakeFirstOrThrow();
  await consultant.signIn(senior.username, PASSWORD);
  const seniorHome = (await consultant.get('/')).html.text.replace(/\s+/g, ' ');
  assert.match(seniorHome, /Escalations you are taking up/);
  assert.match(seniorHome, /People stuck between services/);
  const page = (await consultant.get(`${w.p}/escalations/${escalation.id}`)).html.text.replace(/\s+/g, ' ');
  assert.match(page, /by Onward’s rock-and-a-hard-place rule/);
  assert.match(page, /Too risky for .*, not unwell enough for crisis-home-treatment/);
  const timeline = (await w.client.get(w.p)).html.text.replace(/\s+/g, ' ');
  assert.match(timeline, /Flagged by Onward: Rock and a hard place/);
  assert.match(timeline, /Opened by Onward’s rock-and-a-hard-place rule, given to/);
  // Another refusal while flagged: no second flag, no second escalation.
  const cmht = await sendAnother(w, 'community-mental-health');
  await cmht.receiving.get(cmht.packet);
  await cmht.receiving.post(cmht.packet, { seen: 'requested', step: 'reject', reason: 'not-severe-enough', text: '' });
  assert.equal((await flags(w, w.patientId)).length, 1);
  assert.equal(
    (await w.db.selectFrom('escalations').select('id').where('patient_id', '=', w.patientId).execute()).length,
    1,
  );
  // Talking Therapies thinks again and accepts: the flag is cleared, with why.
  await w.therapist.get(w.packet);
  assert.equal((await w.therapist.post(w.packet, { seen: 'rejected', step: 'accept' })).status, 303);
  const [cleared] = await flags(w, w.patientId);
  assert.notEqual(cleared?.cleared_at, null);
  assert.equal(cleared?.cleared_because, 'A service took the person on');
  assert.doesNotMatch((await w.client.get('/')).html.text, /People stuck between services/);
  assert.match((await w.client.get(w.p)).html.text, /Flag cleared: no longer stuck between services/);
});

test('every service said no, and no senior clinician in the team: flagged without an escalation', async () => {
  const w = await sentReferralWorld();
  await w.therapist.get(w.packet);
  await w.therapist.post(w.packet, { seen: 'requested', step: 'reject', reason: 'out-of-area', text: '' });
  const other = await sendAnother(w, 'voluntary-sector');
  await other.receiving.get(other.packet);
  assert.equal(
    (await other.receiving.post(other.packet, { seen: 'requested', step: 'reject', reason: 'no-capacity', text: '' }))
      .status,
    303,
  );
  const [flag] = await flags(w, w.patientId);
  assert.equal(flag?.pattern, 'every-referral-rejected');
  assert.equal(flag?.escalation_id, null);
  assert.match((await w.client.get('/')).html.text.replace(/\s+/g, ' '), /No senior clinician to escalate to/);
});
