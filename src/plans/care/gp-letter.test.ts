import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { systemClock } from '#platform/clock.ts';
import { goodPlan, world } from '../../../test/support/care-plans.ts';
import { closeTestDatabase, testQueue } from '../../../test/support/database.ts';
import { pdfText } from '../../../test/support/pdf.ts';
import { startSmtp, type TestSmtp } from '../../../test/support/smtp.ts';
import type { Queue } from '../../notify/queue.ts';
import { deliverMessage } from '../../notify/service.ts';
import * as outbox from '../../notify/store.ts';
import { smtpTransport } from '../../notify/transports/email.ts';
import type { Db } from '../../platform/db/schema.ts';

// The agreed care plan to the GP (NICE NG225: share the care plan with the GP, with consent): the
// sharing queues the practice's copy by secure email in its own transaction, the outbox sends it as
// a PDF naming nobody outside the attachment, and the plan's page shows where it stands.

const servers: TestSmtp[] = [];
const queues: Queue[] = [];
after(async () => {
  for (const s of servers) await s.close();
  for (const q of queues) await q.stop();
  await closeTestDatabase();
});

async function practice(db: Db, secureEmail: string | null) {
  const ods = `P${String(Math.floor(Math.random() * 90_000) + 10_000)}`;
  await db
    .insertInto('organisations')
    .values({ ods_code: ods, name: `Kestrel Surgery ${ods}`, kind: 'gp-practice', secure_email: secureEmail })
    .execute();
  return ods;
}

/** The worker's one attempt at the letter, through the test's SMTP server. */
async function sendThrough(server: TestSmtp, db: Db, letter: outbox.Message) {
  const email = smtpTransport({ url: server.url, from: 'Liaison <liaison@onward.test>', timeoutMs: 2000 });
  try {
    return await deliverMessage(
      { db, clock: systemClock },
      { email },
      { messageId: letter.id, payloadHash: letter.payloadHash, lastTry: false },
    );
  } finally {
    email.close();
  }
}

async function agreeAndShare(w: Awaited<ReturnType<typeof world>>, gpConsent: 'yes' | 'no') {
  await w.client.get(`${w.plan}/edit`);
  assert.equal((await w.client.post(w.plan, goodPlan('1'))).status, 303);
  await w.client.get(w.plan);
  const agreed = await w.client.post(`${w.plan}/agreement`, {
    version: '2',
    how: 'in-person',
    gpConsent,
    confirmed: 'yes',
  });
  assert.equal(agreed.status, 303);
  await w.client.get(w.plan);
  assert.equal((await w.client.post(`${w.plan}/sharing`, { version: '2' })).status, 303);
  return outbox.messagesAbout(w.db, w.planId);
}

test('shared with consent: the GP practice gets the agreed plan once, as a PDF, and the plan shows it sent', async () => {
  const queue = await testQueue();
  const server = await startSmtp();
  servers.push(server);
  const probe = await world({ queue });
  const ods = await practice(probe.db, 'kestrel.surgery@nhs.test');
  const w = await world({ queue, gpPracticeOds: ods });
  const [letter, ...more] = await agreeAndShare(w, 'yes');
  assert.equal(more.length, 0);
  assert.equal(letter!.kind, 'care-plan-letter');
  assert.equal(letter!.recipient, 'kestrel.surgery@nhs.test');
  assert.equal(letter!.subjectType, 'care-plan');

  const delivered = await sendThrough(server, w.db, letter!);
  assert.equal(delivered.outcome, 'sent');
  assert.equal(server.received.length, 1);
  const got = server.received[0]!;
  assert.match(got.subject, /^Care plan from /);
  assert.doesNotMatch(`${got.subject}\n${got.text}`, /Robin|Testperson/, 'nobody named outside the attachment');
  assert.match(got.text, new RegExp(`Dear colleagues at Kestrel Surgery ${ods}`));
  const pdf = got.attachments.find((a) => a.contentType === 'application/pdf')!;
  const read = (await pdfText(pdf.content)).text.join('\n');
  assert.match(read, /Dear Robin,/);
  assert.match(read, /Review medicines that affect sleep/);

  const page = await w.client.get(w.plan);
  assert.match(
    page.html.querySelector('#delivery')!.text,
    /The letter to the GP by secure email, Kestrel Surgery .* \(kestrel\.surgery@nhs\.test\):\s*Sent/,
  );
});

test('no consent to the GP, or a practice with no secure address: nothing is queued, and the page says to send it yourself', async () => {
  const queue = await testQueue();
  const probe = await world({ queue });
  const withAddress = await practice(probe.db, 'another.surgery@nhs.test');
  const noConsent = await world({ queue, gpPracticeOds: withAddress });
  assert.deepEqual(await agreeAndShare(noConsent, 'no'), []);
  const noAddress = await world({ queue, gpPracticeOds: await practice(probe.db, null) });
  await noAddress.client.get(`${noAddress.plan}/edit`);
  await noAddress.client.post(noAddress.plan, goodPlan('1'));
  await noAddress.client.get(noAddress.plan);
  await noAddress.client.post(`${noAddress.plan}/agreement`, {
    version: '2',
    how: 'in-person',
    gpConsent: 'yes',
    confirmed: 'yes',
  });
  const before = await noAddress.client.get(noAddress.plan);
  assert.match(before.html.querySelector('main')!.text, /otherwise send it yourself/);
  await noAddress.client.post(`${noAddress.plan}/sharing`, { version: '2' });
  assert.deepEqual(await outbox.messagesAbout(noAddress.db, noAddress.planId), []);
});

test('agreed again without consent to the GP before the copy left: it is withheld, not sent', async () => {
  const queue = await testQueue();
  const server = await startSmtp();
  servers.push(server);
  const probe = await world({ queue });
  const w = await world({ queue, gpPracticeOds: await practice(probe.db, 'heron.surgery@nhs.test') });
  const [letter] = await agreeAndShare(w, 'yes');
  // The person changes their mind: the plan is agreed again, this time without a copy for the GP.
  await w.db.updateTable('care_plans').set({ gp_consent: false }).where('id', '=', w.planId).execute();
  const outcome = await sendThrough(server, w.db, letter!);
  assert.equal(outcome.outcome, 'withheld');
  assert.equal(server.received.length, 0);
  assert.match(
    (await outbox.findMessage(w.db, letter!.id))!.lastError!,
    /without the person’s consent to a copy for their GP/,
  );
});
