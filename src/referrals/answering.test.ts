import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { errorSummary } from '../../test/support/client.ts';
import { closeTestDatabase } from '../../test/support/database.ts';
import { makeService } from '../../test/support/factories.ts';
import { sentReferralWorld } from '../../test/support/referrals.ts';

// A rejection is answered, not the end: the referring team asks the service to think again (the
// referral goes back to it, the answer in the thread, started with NG225 where the reason conflicts
// with it), or re-routes it: a new referral to another service replaces it, each linking to the other.

after(closeTestDatabase);

async function rejected() {
  const w = await sentReferralWorld();
  await w.therapist.get(w.packet);
  assert.equal(
    (await w.therapist.post(w.packet, { seen: 'requested', step: 'reject', reason: 'self-harm', text: '' })).status,
    303,
  );
  const stage = async (id = w.referralId) =>
    (await w.db.selectFrom('referrals').select('stage').where('id', '=', id).executeTakeFirstOrThrow()).stage;
  return { ...w, stage };
}

test('asking the service to think again: back to the service with the answer, NG225 offered', async () => {
  const w = await rejected();
  const page = await w.client.get(w.url);
  const box = page.html.querySelector('#challenge');
  assert.match(
    box?.text ?? '',
    /self-harm itself must not be a reason to refuse a service\. Please think again about seeing Alex\./,
  );
  const empty = await w.client.post(`${w.url}/reconsider`, { seen: 'rejected', challenge: ' ' });
  assert.equal(empty.status, 400);
  assert.match(errorSummary(empty), /Say why the service should think again/);
  // A stale page: refused, and the words typed are kept.
  const stale = await w.client.post(`${w.url}/reconsider`, { seen: 'requested', challenge: 'Keep <b>these</b> words' });
  assert.equal(stale.status, 409);
  assert.equal(stale.html.querySelector('#challenge')?.text, 'Keep <b>these</b> words');
  assert.equal(await w.stage(), 'rejected');
  const sent = await w.client.post(`${w.url}/reconsider`, {
    seen: 'rejected',
    challenge: 'NG225 says self-harm must not decide access. She wants <i>therapy</i>.',
  });
  assert.equal(sent.status, 303);
  assert.equal(await w.stage(), 'requested');
  // In the service's inbox again, with the answer in the thread (markup kept as text).
  assert.match((await w.therapist.get('/inbox')).html.text, /Alex/);
  const packet = await w.therapist.get(w.packet);
  assert.match(packet.body, /She wants &lt;i&gt;therapy&lt;\/i&gt;/);
  assert.doesNotMatch((await w.client.get('/')).html.text, /Not accepted: answer it/);
  assert.match((await w.client.get(w.p)).html.text, /the service asked to think again/);
  // The service decides again: it accepts.
  assert.equal((await w.therapist.post(w.packet, { seen: 'requested', step: 'accept' })).status, 303);
  assert.equal(await w.stage(), 'accepted');
});

test('re-routing: a new referral replaces the rejected one, linked both ways, once, to another service', async () => {
  const w = await rejected();
  const page = await w.client.get(w.url);
  const link = page.html.querySelectorAll('a').find((a) => a.text.startsWith('Refer to another service instead'));
  assert.match(link?.getAttribute('href') ?? '', new RegExp(`/services\\?replaces=${w.referralId}$`));
  const other = await makeService(w.db, { by: w.nurse.id, kind: 'voluntary-sector', name: 'Reroute Samaritans' });
  // Not to the service that said no.
  const same = await w.client.post(`${w.p}/referrals`, {
    assessmentId: w.assessmentId,
    serviceId: (
      await w.db.selectFrom('referrals').select('service_id').where('id', '=', w.referralId).executeTakeFirstOrThrow()
    ).service_id,
    replaces: w.referralId,
  });
  assert.equal(same.status, 409);
  assert.match(same.body, /did not accept this referral: choose another service/);
  const made = await w.client.post(`${w.p}/referrals`, {
    assessmentId: w.assessmentId,
    serviceId: other,
    replaces: w.referralId,
  });
  assert.equal(made.status, 303);
  const replacement = String(made.headers.location);
  const newPage = (await w.client.get(replacement)).html.text.replace(/\s+/g, ' ');
  assert.match(newPage, /This referral replaces the referral to Loop TT .*, which was not accepted/);
  const oldPage = (await w.client.get(w.url)).html.text.replace(/\s+/g, ' ');
  assert.match(oldPage, /Re-routed: the referral to Reroute Samaritans replaces this one/);
  assert.doesNotMatch(oldPage, /Refer to another service instead/);
  assert.doesNotMatch((await w.client.get('/')).html.text, /Not accepted: answer it/, 'answered by the re-route');
  // Replaced once; the old one cannot be accepted or sent back now.
  const again = await w.client.post(`${w.p}/referrals`, {
    assessmentId: w.assessmentId,
    serviceId: await makeService(w.db, { by: w.nurse.id, name: 'Reroute another' }),
    replaces: w.referralId,
  });
  assert.equal(again.status, 409);
  assert.match(again.body, /already replaced by one to Reroute Samaritans/);
  const accept = await w.therapist.post(w.packet, { seen: 'rejected', step: 'accept' });
  assert.equal(accept.status, 409);
  assert.match(accept.body, /replaced by a referral to another service/);
  assert.equal((await w.client.post(`${w.url}/reconsider`, { seen: 'rejected', challenge: 'Please' })).status, 409);
  assert.match((await w.client.get(w.p)).html.text, /replaced by a referral to another service/);
  // A forged replaces: refused.
  assert.equal(
    (await w.client.post(`${w.p}/referrals`, { assessmentId: w.assessmentId, serviceId: other, replaces: 'nope' }))
      .status,
    409,
  );
});
