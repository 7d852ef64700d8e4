import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { systemClock } from '#platform/clock.ts';
import { Client } from '../../test/support/client.ts';
import { closeTestDatabase, testDatabase } from '../../test/support/database.ts';
import { makeTeam, makeUser, PASSWORD } from '../../test/support/factories.ts';
import { another, jobsIn, letterWorld, settled } from '../../test/support/outbox.ts';
import { startSmtp, type TestSmtp } from '../../test/support/smtp.ts';
import { openQueue, type Queue, queueNames } from './queue.ts';
import { deliverMessage, type Outgoing, queueMessage, type Transports } from './service.ts';
import * as store from './store.ts';
import { smtpTransport } from './transports/email.ts';
import { startWorker, type Worker } from './worker.ts';

// The outbox against a real SMTP server (smtp-server) and a real pg-boss queue on the test's own
// engine: a referral letter leaves once, as a PDF; every way a message can fail ends in a state a
// person sees; a retry after a crash between hand-over and acknowledgement never sends twice.

const servers: TestSmtp[] = [];
const workers: Worker[] = [];
const queues: Queue[] = [];
after(async () => {
  for (const w of workers) await w.stop();
  for (const q of queues) await q.stop();
  for (const s of servers) await s.close();
  await closeTestDatabase();
});

const smtp = async (...a: Parameters<typeof startSmtp>) => {
  const s = await startSmtp(...a);
  servers.push(s);
  return s;
};

/** A queue of this test's own, retrying fast: two more tries a second or two apart. */
async function workerQueue(name: string) {
  const q = await openQueue(await testDatabase(), {
    names: queueNames(`outbox-${name}-${process.pid}`),
    retry: { limit: 2, delaySeconds: 1, delayMaxSeconds: 2, expireSeconds: 60 },
  });
  queues.push(q);
  return q;
}

async function work(queue: Queue, transports: Transports) {
  const w = await startWorker(queue, { db: (await testDatabase()).db, clock: systemClock }, transports, {
    pollSeconds: 0.5,
  });
  workers.push(w);
  return w;
}

const email = (s: TestSmtp) => ({
  email: smtpTransport({ url: s.url, from: 'Liaison <liaison@onward.test>', timeoutMs: 2000 }),
});

test('a referral to a service that takes secure email: the letter leaves once, as a PDF, and the referral shows it sent', async () => {
  const queue = await workerQueue('letter');
  const server = await smtp();
  const w = await letterWorld(queue);
  assert.equal(w.message.state, 'queued');
  assert.equal(await jobsIn(w.db, queue), 1, 'the job was created with the referral');
  // Queued again (a retried request), the same message is the same row: nothing new.
  const again = await w.db
    .transaction()
    .execute((tx) =>
      queueMessage(
        tx,
        queue,
        { ...w.message, subjectType: 'referral', version: 1, payload: w.message.payload } as Outgoing,
        null,
        new Date(),
      ),
    );
  assert.equal(again, undefined);
  assert.equal(await jobsIn(w.db, queue), 1);

  await work(queue, email(server));
  const sent = await settled(w.db, w.message.id, ['sent']);
  assert.equal(server.received.length, 1);
  const [mail] = server.received;
  assert.equal(mail!.to, 'tt.referrals@nhs.test');
  assert.equal(mail!.key, w.message.key);
  assert.match(mail!.subject, /^Referral from /);
  // Nothing that names the person outside the attachment.
  const patient = await w.db
    .selectFrom('patients')
    .select(['given_name', 'family_name', 'nhs_number'])
    .where('id', '=', w.patientId)
    .executeTakeFirstOrThrow();
  for (const s of [mail!.subject, mail!.text]) {
    assert.ok(!s.includes(patient.family_name), 'no family name in the subject or body');
    if (patient.nhs_number) assert.ok(!s.replace(/\s/g, '').includes(patient.nhs_number));
  }
  assert.equal(mail!.attachments.length, 1);
  assert.equal(mail!.attachments[0]!.contentType, 'application/pdf');
  assert.equal(mail!.attachments[0]!.content.subarray(0, 5).toString(), '%PDF-');
  assert.equal(sent.attempts, 1);
  assert.ok(sent.transportId?.includes('@onward'));
  // Shown where it matters: on the referral, and in the team's outbox.
  const page = (await w.client.get(w.url)).html.text.replace(/\s+/g, ' ');
  assert.match(page, /The letter by secure email to .*tt\.referrals@nhs\.test.*: Sent/);
  const outbox = (await w.client.get('/outbox')).html.text.replace(/\s+/g, ' ');
  assert.match(outbox, /Referral letter.*\(tt\.referrals@nhs\.test\)\s*Sent/);
});

test('a change that is refused queues nothing: the letter and its job are written with the referral, or not at all', async () => {
  const queue = await workerQueue('rollback');
  const w = await letterWorld(queue);
  const before = await jobsIn(w.db, queue);
  const boom = new Error('the change failed after the message was queued');
  await assert.rejects(
    w.db.transaction().execute(async (tx) => {
      await queueMessage(
        tx,
        queue,
        { ...(w.message as unknown as Outgoing), subjectType: 'referral', version: 99 },
        null,
        new Date(),
      );
      throw boom;
    }),
    boom,
  );
  assert.equal(await jobsIn(w.db, queue), before);
  assert.equal((await store.messagesAbout(w.db, w.referralId)).length, 1);
});

test('an address no mail server takes, and one the server refuses: failed at once, with why, never tried again', async () => {
  const queue = await workerQueue('failures');
  const server = await smtp({ refuse: ['nobody@nhs.test'] });
  const w = await letterWorld(queue);
  await work(queue, email(server));
  await settled(w.db, w.message.id, ['sent']);

  const badAddress = await another(w, queue, { recipient: 'referrals<script>@nhs' });
  const refused = await another(w, queue, { recipient: 'nobody@nhs.test' });

  const failed = await settled(w.db, badAddress, ['failed']);
  assert.match(failed.lastError!, /is not an email address a mail server will take/);
  const bounced = await settled(w.db, refused, ['failed']);
  assert.match(bounced.lastError!, /550|No such mailbox/);
  assert.equal(bounced.attempts, 1, 'a refusal is not tried again');
  assert.ok(!server.received.some((m) => m.to === 'nobody@nhs.test'));
  assert.equal(server.received.filter((m) => m.to === 'tt.referrals@nhs.test').length, 1);
});

test('consent withdrawn after the letter was queued, or its words changed: not sent, and recorded why', async () => {
  const queue = await workerQueue('withheld');
  const server = await smtp();
  const w = await letterWorld(queue);
  await w.db
    .updateTable('consents')
    .set({ withdrawn_at: new Date(), withdrawn_by: w.nurse.id, withdrawn_reason: 'Changed their mind' })
    .where('id', '=', w.message.consentId!)
    .execute();
  const tampered = await another(w, queue, { recipient: 'changed@nhs.test', consentId: null });
  await w.db
    .updateTable('outbox_messages')
    .set({ payload: JSON.stringify({ facts: { changed: true } }) })
    .where('id', '=', tampered)
    .execute();
  await work(queue, email(server));
  const withheld = await settled(w.db, w.message.id, ['withheld']);
  assert.match(withheld.lastError!, /Consent to share was withdrawn/);
  const refused = await settled(w.db, tampered, ['refused']);
  assert.match(refused.lastError!, /changed after it was queued/);
  assert.equal(server.received.length, 0);
  const page = (await w.client.get(w.url)).html.text.replace(/\s+/g, ' ');
  assert.match(page, /Not sent: consent withdrawn/);
});

test('greylisted twice, then taken: tried again with back-off and sent once; too big for the server: refused', async () => {
  const queue = await workerQueue('greylist');
  const server = await smtp({ greylist: 2 });
  const small = await smtp({ size: 2000 });
  const w = await letterWorld(queue);
  await work(queue, email(server));
  const sent = await settled(w.db, w.message.id, ['sent']);
  assert.equal(sent.attempts, 3);
  assert.equal(server.attempts, 3);
  assert.equal(server.received.length, 1);
  // The PDF is bigger than this server's 2,000-byte limit: 552, a permanent refusal.
  const tooBig = await another(w, queue, { recipient: 'small@nhs.test' });
  await workers.pop()!.stop();
  await work(queue, email(small));
  const failed = await settled(w.db, tooBig, ['failed']);
  assert.match(failed.lastError!, /552|too big|size/i);
  assert.equal(small.received.length, 0);
});

test('a mail server down: tried again, then given up as dead, visible, and sent again by a person once it is back', async () => {
  const queue = await workerQueue('down');
  const gone = await startSmtp();
  const port = gone.port;
  await gone.close();
  const w = await letterWorld(queue);
  await work(queue, {
    email: smtpTransport({ url: `smtp://127.0.0.1:${port}`, from: 'a@onward.test', timeoutMs: 1000 }),
  });
  const dead = await settled(w.db, w.message.id, ['dead']);
  assert.equal(dead.attempts, 3, 'the first try and two more');
  assert.match(dead.lastError!, /ECONNREFUSED|connect/i);
  // A task for the team: on the referral, in the outbox's "needs you", and its own page.
  const referral = (await w.client.get(w.url)).html.text.replace(/\s+/g, ' ');
  assert.match(referral, /Not sent: gave up after trying again/);
  const needsYou = (await w.client.get('/outbox?show=needs-you')).html.text.replace(/\s+/g, ' ');
  assert.match(needsYou, /Not sent: gave up after trying again/);
  const page = await w.client.get(`/outbox/${w.message.id}`);
  assert.match(page.html.text, /Send it again/);
  // Back up on the same port; a person sends it again. A colleague pressing the same button a moment
  // later is told it has moved on.
  const back = await smtp({}, port);
  assert.equal((await w.client.post(`/outbox/${w.message.id}/send-again`, { seen: 'dead' })).status, 303);
  const late = await w.client.post(`/outbox/${w.message.id}/send-again`, { seen: 'dead' });
  assert.equal(late.status, 409);
  assert.match(late.html.text, /changed since you looked/);
  await settled(w.db, w.message.id, ['sent']);
  assert.equal(back.received.length, 1);
  // Bad input to the button: a state that is not one, and a message of nobody's: 400 and 404.
  assert.equal((await w.client.post(`/outbox/${w.message.id}/send-again`, { seen: '<b>x</b>' })).status, 400);
  assert.equal((await w.client.post(`/outbox/${w.message.id}/send-again`, { seen: 'sent' })).status, 409);
  assert.equal((await w.client.get('/outbox/00000000-0000-4000-8000-000000000000')).status, 404);
  // Another team's clinician does not see it; a receiving clinician has no outbox.
  const otherTeam = await makeUser(w.db, { role: 'liaison-practitioner', teamIds: [await makeTeam(w.db)] });
  const stranger = new Client(w.app);
  await stranger.signIn(otherTeam.username, PASSWORD);
  assert.equal((await stranger.get(`/outbox/${w.message.id}`)).status, 404);
  assert.equal((await stranger.post(`/outbox/${w.message.id}/send-again`, { seen: 'sent' })).status, 404);
  assert.doesNotMatch((await stranger.get('/outbox')).html.text, /tt\.referrals@nhs\.test/);
  assert.equal((await w.therapist.get('/outbox')).status, 403);
});

test('no mail service set up: the message is kept in the outbox and shown, not dropped', async () => {
  const queue = await workerQueue('kept');
  const w = await letterWorld(queue);
  await work(queue, {});
  const kept = await settled(w.db, w.message.id, ['kept']);
  assert.match(kept.lastError!, /No mail service is set up/);
  const outbox = (await w.client.get('/outbox')).html.text.replace(/\s+/g, ' ');
  assert.match(outbox, /Kept here: no mail service is set up/);
});

test('a worker that dies between handing over and acknowledging: the retry never sends twice', async () => {
  const queue = await workerQueue('crash');
  const server = await smtp();
  const w = await letterWorld(queue);
  const deps = { db: w.db, clock: systemClock };
  const transports = email(server);
  const job = { messageId: w.message.id, payloadHash: w.message.payloadHash, lastTry: false };
  class Died extends Error {}
  // Dies after recording, before the job is acknowledged: the retry finds it sent and sends nothing.
  await assert.rejects(
    deliverMessage(deps, transports, job, {
      afterRecord: () => {
        throw new Died();
      },
    }),
    Died,
  );
  assert.deepEqual(await deliverMessage(deps, transports, job), { outcome: 'settled', state: 'sent' });
  assert.equal(server.received.length, 1);
  // Dies after the server took it, before recording: the retry cannot know, so it asks a person.
  const second = await another(w, queue, { recipient: 'second@nhs.test' });
  const m2 = (await store.findMessage(w.db, second))!;
  const job2 = { messageId: second, payloadHash: m2.payloadHash, lastTry: false };
  await assert.rejects(
    deliverMessage(deps, transports, job2, {
      afterHandover: () => {
        throw new Died();
      },
    }),
    Died,
  );
  const retried = await deliverMessage(deps, transports, job2);
  assert.deepEqual(retried, { outcome: 'uncertain', retry: false });
  assert.equal(server.received.filter((m) => m.to === 'second@nhs.test').length, 1);
  const m = (await store.findMessage(w.db, second))!;
  assert.match(m.lastError!, /may have arrived/);
});
