import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { sentReferralWorld } from '../../../test/support/referrals.ts';

// Alerts through the pages: the referrer hears that a referral was refused or that the service asks
// something — a count in the header, the alert on the home page and the alerts page — and marks it
// seen; nobody can mark another's.

after(closeTestDatabase);

async function serviceStep(w: Awaited<ReturnType<typeof sentReferralWorld>>, fields: Record<string, string>) {
  const page = await w.therapist.get(w.packet);
  const seen = page.html.querySelector('input[name=seen]')?.getAttribute('value') ?? '';
  const r = await w.therapist.post(w.packet, { seen, ...fields });
  assert.equal(r.status, 303, `${fields.step}: ${r.status}`);
}

const headerCount = async (c: {
  get(url: string): Promise<{ html: { querySelector(s: string): { text: string } | null } }>;
}) => (await c.get('/accessibility')).html.querySelector('.nhsuk-header__account')!.text.replace(/\s+/g, ' ');

test('a referral refused, and a question asked: the referrer is alerted in the header, at home and on the alerts page, and marks them seen', async () => {
  const w = await sentReferralWorld();
  assert.match(await headerCount(w.client), /Alerts(?! \d)/, 'no count when nothing is waiting');
  await serviceStep(w, { step: 'ask', question: 'Has she a <b>GP</b>?' });
  await serviceStep(w, { step: 'reject', reason: 'not-severe-enough', text: 'Not unwell enough for us.' });
  assert.match(await headerCount(w.client), /Alerts 2 not seen/);

  const home = await w.client.get('/');
  const links = home.html.querySelectorAll('#alerts + ul a');
  assert.equal(links.length, 2);
  assert.ok(links.every((a) => a.getAttribute('href') === `/patients/${w.patientId}/referrals/${w.referralId}`));
  assert.match(links.map((a) => a.text).join('|'), /did not accept the referral/);
  assert.match(links.map((a) => a.text).join('|'), /asked for more information about the referral/);
  const page = await w.client.get('/alerts');
  assert.equal(page.status, 200);
  assert.match(page.html.querySelector('main')!.text, /Referral not accepted/);

  // Someone else cannot mark them: the therapist's press changes nothing of the nurse's.
  const ids = await w.db.selectFrom('alerts').select(['id', 'user_id']).where('user_id', '=', w.nurse.id).execute();
  await w.therapist.get('/alerts');
  assert.equal((await w.therapist.post(`/alerts/${ids[0]!.id}/seen`, {})).status, 303);
  assert.match(await headerCount(w.client), /Alerts 2 not seen/);
  // One seen, then the rest.
  await w.client.get('/alerts');
  assert.equal((await w.client.post(`/alerts/${ids[0]!.id}/seen`, {})).status, 303);
  assert.match(await headerCount(w.client), /Alerts 1 not seen/);
  await w.client.get('/alerts');
  assert.equal((await w.client.post('/alerts/seen', {})).status, 303);
  assert.doesNotMatch(await headerCount(w.client), /not seen/);
  assert.equal(
    (await w.client.get('/')).html.querySelector('#alerts'),
    null,
    'the home page lists only what is not seen',
  );
  assert.equal((await w.client.post('/alerts/not-an-id/seen', {})).status, 404);
  assert.equal((await w.client.post('/alerts/seen', {}, { csrf: null })).status, 403, 'no form token, nothing changes');
});
