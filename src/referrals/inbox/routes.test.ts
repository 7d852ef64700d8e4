import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Client, errorSummary } from '../../../test/support/client.ts';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { makeUser, PASSWORD } from '../../../test/support/factories.ts';
import { sentReferralWorld } from '../../../test/support/referrals.ts';

// The closed loop through the pages: the receiving service's inbox (its own referrals only), the
// packet (the letter and only what the person agreed to share), each step from where the referral
// stands, a coded rejection (a NICE conflict shown to both sides), questions answered, two people
// acting at once, and nothing of another service's.

after(closeTestDatabase);

const world = sentReferralWorld;
type World = Awaited<ReturnType<typeof world>>;

async function step(w: World, who: Client, fields: Record<string, string>) {
  const page = await who.get(w.packet);
  const seen = page.html.querySelector('input[name=seen]')?.getAttribute('value') ?? '';
  return who.post(w.packet, { seen, ...fields });
}

test('the service sees its referral and the shared assessment, accepts, books, records attended and discharges', async () => {
  const w = await world();
  const inbox = await w.therapist.get('/inbox');
  assert.equal(inbox.status, 200);
  assert.ok(inbox.html.querySelectorAll('a').some((a) => a.getAttribute('href') === w.packet));
  const packet = await w.therapist.get(w.packet);
  assert.equal(packet.status, 200);
  const words = packet.html.text.replace(/\s+/g, ' ');
  assert.match(words, /The psychosocial assessment/);
  assert.match(words, /whatHappened: with the person/);
  assert.match(words, /Not shared with your service: care plan, safety plan/);
  // Opening it is recorded as received: delivered, not accepted.
  const received = await w.db
    .selectFrom('referrals')
    .select(['stage', 'received_at'])
    .where('id', '=', w.referralId)
    .executeTakeFirstOrThrow();
  assert.equal(received.stage, 'requested');
  assert.ok(received.received_at);

  // Booking before accepting is not offered, and refused if sent.
  assert.equal(
    (
      await step(w, w.therapist, {
        step: 'book',
        'on[day]': '1',
        'on[month]': '12',
        'on[year]': '2026',
        time: '10:00',
        place: 'Room 1',
        how: 'in-person',
      })
    ).status,
    409,
  );
  assert.equal((await step(w, w.therapist, { step: 'accept' })).status, 303);
  const past = await step(w, w.therapist, {
    step: 'book',
    'on[day]': '20',
    'on[month]': '11',
    'on[year]': '2026',
    time: '10:00',
    place: 'Room 1',
    how: 'in-person',
  });
  assert.equal(past.status, 400);
  assert.match(errorSummary(past), /must be in the future/);
  assert.equal((await step(w, w.therapist, { step: 'attended' })).status, 409, 'attended before booked');
  assert.equal(
    (
      await step(w, w.therapist, {
        step: 'book',
        'on[day]': '1',
        'on[month]': '12',
        'on[year]': '2026',
        time: '10:00',
        place: 'Room <b>1</b>',
        how: 'in-person',
      })
    ).status,
    303,
  );
  assert.equal((await step(w, w.therapist, { step: 'attended' })).status, 303);
  const noOutcome = await step(w, w.therapist, { step: 'discharge', outcome: ' ' });
  assert.equal(noOutcome.status, 400);
  assert.equal(
    (await step(w, w.therapist, { step: 'discharge', outcome: 'Six sessions offered; GP told' })).status,
    303,
  );
  const row = await w.db
    .selectFrom('referrals')
    .select(['stage', 'status', 'business_status', 'outcome'])
    .where('id', '=', w.referralId)
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, {
    stage: 'completed',
    status: 'completed',
    business_status: 'discharged',
    outcome: 'Six sessions offered; GP told',
  });
  // The referring team sees each step on the referral and the timeline.
  const referral = (await w.client.get(w.url)).html.text.replace(/\s+/g, ' ');
  assert.match(referral, /Discharged by the service/);
  assert.match(referral, /Six sessions offered; GP told/);
  const timeline = (await w.client.get(w.p)).html.text.replace(/\s+/g, ' ');
  for (const t of ['accepted', ': appointment booked', ': the person was seen', ': discharged by the service'])
    assert.ok(timeline.includes(t), t);
  // The service's inbox no longer lists it: it is closed.
  assert.ok(
    !(await w.therapist.get('/inbox')).html.querySelectorAll('a').some((a) => a.getAttribute('href') === w.packet),
  );
});

test('a rejection needs a coded reason; one NG225 forbids is a NICE conflict on both sides', async () => {
  const w = await world();
  const none = await step(w, w.therapist, { step: 'reject', reason: '', text: '' });
  assert.equal(none.status, 400);
  assert.match(errorSummary(none), /Select why the referral is not accepted/);
  const other = await step(w, w.therapist, { step: 'reject', reason: 'other', text: '' });
  assert.equal(other.status, 400);
  assert.match(errorSummary(other), /Say what the other reason is/);
  assert.equal(
    (await w.db.selectFrom('referrals').select('stage').where('id', '=', w.referralId).executeTakeFirstOrThrow()).stage,
    'requested',
  );
  assert.equal(
    (await step(w, w.therapist, { step: 'reject', reason: 'self-harm', text: 'We do not see <i>active</i> self-harm' }))
      .status,
    303,
  );
  const packet = (await w.therapist.get(w.packet)).html.text.replace(/\s+/g, ' ');
  assert.match(packet, /Not accepted: Because of self-harm/);
  assert.match(packet, /NICE conflict NICE NG225: people who have self-harmed/);
  const referral = await w.client.get(w.url);
  assert.match(referral.html.text.replace(/\s+/g, ' '), /Not accepted: Because of self-harm .* NICE conflict/);
  assert.match(referral.body, /We do not see &lt;i&gt;active&lt;\/i&gt; self-harm/);
  // At once on the referring team's home page, as the start of action.
  const home = (await w.client.get('/')).html.text.replace(/\s+/g, ' ');
  assert.match(home, /Referrals that need you[\s\S]*Not accepted: answer it, refer elsewhere or escalate/);
  // A rejected referral offers only accepting it after all; a forged step is refused, naming where it stands.
  const again = await w.therapist.post(w.packet, { seen: 'rejected', step: 'reject', reason: 'age', text: '' });
  assert.equal(again.status, 409, 'rejecting a rejected referral');
  assert.match(again.body, /This referral was not accepted, so this cannot be done now/);
});

test('a question from the service is answered by the referring team; two people acting at once: one wins', async () => {
  const w = await world();
  assert.equal((await step(w, w.therapist, { step: 'ask', question: 'Is there a GP letter?' })).status, 303);
  const referral = await w.client.get(w.url);
  assert.match(referral.html.text, /Is there a GP letter\?/);
  assert.match((await w.client.get('/')).html.text, /The service asked a question/);
  const blank = await w.client.post(`${w.url}/answer`, { seen: 'on-hold', answer: '' });
  assert.equal(blank.status, 400);
  assert.equal(
    (await w.client.post(`${w.url}/answer`, { seen: 'on-hold', answer: 'Yes, attached today' })).status,
    303,
  );
  assert.match((await w.therapist.get(w.packet)).html.text, /Yes, attached today/);
  // Both read it waiting; one accepts, the other's rejection is refused and sees where it stands.
  const colleague = new Client(w.app);
  const team = (
    await w.db
      .selectFrom('healthcare_services as s')
      .select('s.receiving_team_id')
      .innerJoin('referrals as r', 'r.service_id', 's.id')
      .where('r.id', '=', w.referralId)
      .executeTakeFirstOrThrow()
  ).receiving_team_id!;
  await colleague.signIn((await makeUser(w.db, { role: 'receiving-clinician', teamIds: [team] })).username, PASSWORD);
  await colleague.get(w.packet);
  await w.therapist.get(w.packet);
  assert.equal((await w.therapist.post(w.packet, { seen: 'requested', step: 'accept' })).status, 303);
  const late = await colleague.post(w.packet, { seen: 'requested', step: 'reject', reason: 'no-capacity', text: '' });
  assert.equal(late.status, 409);
  assert.match(late.body, /Someone else has just changed this referral: it now has been accepted/);
});

test('the referring team asks to cancel; the service confirms; a draft is discarded at once', async () => {
  const w = await world();
  await w.client.get(w.url);
  const why = await w.client.post(`${w.url}/cancel`, { seen: 'requested', cancelReason: '' });
  assert.equal(why.status, 400);
  assert.equal(
    (await w.client.post(`${w.url}/cancel`, { seen: 'requested', cancelReason: 'Admitted to the ward' })).status,
    303,
  );
  assert.equal(
    (await w.db.selectFrom('referrals').select('stage').where('id', '=', w.referralId).executeTakeFirstOrThrow()).stage,
    'requested',
  );
  assert.equal((await step(w, w.therapist, { step: 'confirm-cancel' })).status, 303);
  assert.equal(
    (await w.db.selectFrom('referrals').select('stage').where('id', '=', w.referralId).executeTakeFirstOrThrow()).stage,
    'cancelled',
  );
});

test('another service’s clinician cannot see or act on the referral; a bad step is refused and audited', async () => {
  const w = await world();
  assert.equal((await w.outsider.get(w.packet)).status, 404);
  assert.ok(
    !(await w.outsider.get('/inbox')).html.querySelectorAll('a').some((a) => a.getAttribute('href') === w.packet),
  );
  await w.outsider.get('/inbox');
  assert.equal((await w.outsider.post(w.packet, { seen: 'requested', step: 'accept' })).status, 404);
  // Nor anything of the hospital's record.
  assert.equal((await w.outsider.get(w.p)).status, 403);
  assert.equal((await w.therapist.get(w.p)).status, 403);
  const forged = await step(w, w.therapist, { step: 'teleport' });
  assert.equal(forged.status, 400);
  const refusals = await w.db
    .selectFrom('audit_log')
    .select('action')
    .where('outcome', '=', 'refused')
    .where('action', '=', 'referral.step')
    .execute();
  assert.ok(refusals.length >= 1);
  assert.equal((await w.therapist.get('/inbox?order=sideways')).status, 400);
  assert.equal((await w.therapist.get('/inbox?after=notacursor')).status, 400);
});

test('consent withdrawn after sending: the service is told, keeps what it received, and sees no more', async () => {
  const w = await world();
  const consent = await w.db
    .selectFrom('consents')
    .select('id')
    .where('patient_id', '=', w.patientId)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirstOrThrow();
  await w.client.get(`${w.p}/consents`);
  const withdrawn = await w.client.post(`${w.p}/consents/${consent.id}/withdraw`, {
    reason: 'Does not want <b>them</b> told more',
  });
  assert.equal(withdrawn.status, 303);
  const packet = (await w.therapist.get(w.packet)).html.text.replace(/\s+/g, ' ');
  assert.match(packet, /Consent withdrawn on/);
  assert.match(packet, /The person has withdrawn their consent to share their information with your service/);
  // What was sent stays: the letter and the assessment.
  assert.match(packet, /The psychosocial assessment/);
  assert.match((await w.client.get(w.p)).html.text, /the service told consent was withdrawn/);
  // The referral is still open: the service may still act (talking with the team first).
  assert.equal(
    (await w.db.selectFrom('referrals').select('stage').where('id', '=', w.referralId).executeTakeFirstOrThrow()).stage,
    'requested',
  );
});
