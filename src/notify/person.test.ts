import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { systemClock } from '#platform/clock.ts';
import { closeTestDatabase, testQueue } from '../../test/support/database.ts';
import { startNotify, type TestNotify } from '../../test/support/notify.ts';
import { sentReferralWorld } from '../../test/support/referrals.ts';
import type { Db } from '../platform/db/schema.ts';
import type { Queue } from './queue.ts';
import { deliverMessage, pollReceipts, type Transports } from './service.ts';
import * as store from './store.ts';
import { neverSaid, personKinds } from './texts.ts';

// Texts and emails to the person, through GOV.UK Notify's official client against a local stand-in
// of its API: sent only the ways the person agreed to, in words safe on a lock screen, once each
// however the hand-over fails, and their delivery receipts recorded.

const standIns: TestNotify[] = [];
const queues: Queue[] = [];
const apps: { close(): Promise<unknown> }[] = [];
after(async () => {
  for (const a of apps) await a.close();
  for (const s of standIns) await s.close();
  for (const q of queues) await q.stop();
  await closeTestDatabase();
});

async function notify(o: Parameters<typeof startNotify>[0] = {}) {
  const n = await startNotify(o);
  standIns.push(n);
  return n;
}

const CALLBACK_TOKEN = 'a-receipt-token-that-is-long-enough-0123456789';

async function world(contact: { mobile?: string | null; email?: string | null; nameServices?: boolean } | null) {
  const queue = await testQueue();
  queues.push(queue);
  const w = await sentReferralWorld({
    queue,
    config: {
      notify: { apiKey: 'unused', url: 'http://127.0.0.1:9', callbackToken: CALLBACK_TOKEN, templates: {} },
    },
  });
  if (contact)
    await w.db
      .insertInto('contact_preferences')
      .values({
        patient_id: w.patientId,
        mobile: contact.mobile === undefined ? '07700900123' : contact.mobile,
        email: contact.email === undefined ? 'person@example.test' : contact.email,
        name_services: contact.nameServices ?? false,
        way: 'in-person',
        given_on: '2026-11-25',
        recorded_by: w.nurse.id,
        recorded_at: new Date('2026-11-25T09:40:00Z'),
      })
      .execute();
  return w;
}

type World = Awaited<ReturnType<typeof world>>;

async function serviceStep(w: World, fields: Record<string, string>) {
  const page = await w.therapist.get(w.packet);
  const seen = page.html.querySelector('input[name=seen]')?.getAttribute('value') ?? '';
  const r = await w.therapist.post(w.packet, { seen, ...fields });
  assert.equal(r.status, 303, `${fields.step}: ${r.status}`);
}

const book = (w: World, day: string) =>
  serviceStep(w, {
    step: 'book',
    'on[day]': day,
    'on[month]': '12',
    'on[year]': '2026',
    time: '14:30',
    place: 'Room 4, Kestrel House',
    how: 'in-person',
  });

const toPerson = async (db: Db, referralId: string) =>
  (await store.messagesAbout(db, referralId)).filter((m) => m.kind in personKinds);

const deliver = (db: Db, transports: Transports, m: store.Message, lastTry = false) =>
  deliverMessage({ db, clock: systemClock }, transports, { messageId: m.id, payloadHash: m.payloadHash, lastTry });

test('accepted, then booked: a text and an email each, in words that name nothing the person did not agree to; a reminder waits for the day before', async () => {
  const n = await notify();
  const w = await world({});
  await serviceStep(w, { step: 'accept' });
  await book(w, '3');
  const messages = await toPerson(w.db, w.referralId);
  assert.deepEqual(messages.map((m) => `${m.kind}:${m.channel}`).sort(), [
    'appointment-booked:email',
    'appointment-booked:sms',
    'appointment-reminder:email',
    'appointment-reminder:sms',
    'referral-accepted:email',
    'referral-accepted:sms',
  ]);
  const reminder = messages.find((m) => m.kind === 'appointment-reminder')!;
  assert.equal(reminder.sendAfter?.toISOString(), '2026-12-02T14:30:00.000Z', 'the day before, at the same time');
  const job = await w.db
    .selectFrom('pgboss.job' as never)
    .select(['start_after' as never])
    .where(
      'id' as never,
      '=',
      (
        await w.db
          .selectFrom('outbox_messages')
          .select('job_id')
          .where('id', '=', reminder.id)
          .executeTakeFirstOrThrow()
      ).job_id as never,
    )
    .executeTakeFirstOrThrow();
  assert.equal(
    new Date((job as { start_after: Date }).start_after).toISOString(),
    '2026-12-02T14:30:00.000Z',
    'its job waits too',
  );

  const transports = { notify: n.transport() };
  for (const m of messages) assert.equal((await deliver(w.db, transports, m)).outcome, 'sent');
  assert.equal(n.notifications.length, 6, 'each message once');
  const serviceName = (
    await w.db.selectFrom('healthcare_services').select('name').where('id', '=', w.serviceId).executeTakeFirstOrThrow()
  ).name;
  for (const sent of n.notifications) {
    assert.equal(sent.reference !== null, true);
    assert.doesNotMatch(sent.body, new RegExp(serviceName), 'the service is not named');
    assert.doesNotMatch(sent.body, /Kestrel House/, 'nor where it is');
    for (const word of neverSaid) assert.ok(!sent.body.toLowerCase().includes(word), `“${word}” in ${sent.body}`);
    assert.doesNotMatch(sent.body, /\(\(/, 'every placeholder filled');
  }
  const accepted = n.notifications.find(
    (x) => x.type === 'sms' && x.template.id === n.templateIds['referral-accepted:sms'],
  )!;
  assert.match(accepted.body, /^Hello \S+, the service you were referred to has accepted the referral/);
  assert.equal(accepted.phone_number, '07700900123');
  const booked = n.notifications.find((x) => x.template.id === n.templateIds['appointment-booked:email'])!;
  assert.match(booked.body, /on Thursday 3 December at 2:30pm\. They will tell you where\./);
  assert.equal(booked.email_address, 'person@example.test');
  const rows = await toPerson(w.db, w.referralId);
  assert.ok(rows.every((m) => m.state === 'sent' && m.transportId));
});

test('a person who agreed the service may be named hears its name and where; one who agreed to nothing hears nothing', async () => {
  const n = await notify();
  const named = await world({ email: null, nameServices: true });
  await serviceStep(named, { step: 'accept' });
  await book(named, '4');
  const messages = await toPerson(named.db, named.referralId);
  assert.deepEqual(new Set(messages.map((m) => m.channel)), new Set(['sms']), 'no email address: texts only');
  for (const m of messages) await deliver(named.db, { notify: n.transport() }, m);
  const serviceName = (
    await named.db
      .selectFrom('healthcare_services')
      .select('name')
      .where('id', '=', named.serviceId)
      .executeTakeFirstOrThrow()
  ).name;
  const booked = n.notifications.find((x) => x.template.id === n.templateIds['appointment-booked:sms'])!;
  assert.match(
    booked.body,
    new RegExp(
      `^Hello \\S+, ${serviceName} has booked an appointment for you on Friday 4 December at 2:30pm\\. It is at Room 4, Kestrel House\\.`,
    ),
  );

  const silent = await world(null);
  await serviceStep(silent, { step: 'accept' });
  await book(silent, '4');
  assert.deepEqual(await toPerson(silent.db, silent.referralId), [], 'nothing recorded: nothing queued');
});

test('a number changed after a text was queued: the text is withheld, not sent to the old number', async () => {
  const n = await notify();
  const w = await world({ email: null });
  await serviceStep(w, { step: 'accept' });
  const [text] = await toPerson(w.db, w.referralId);
  await w.db
    .updateTable('contact_preferences')
    .set({ mobile: '07700900456' })
    .where('patient_id', '=', w.patientId)
    .execute();
  assert.equal((await deliver(w.db, { notify: n.transport() }, text!)).outcome, 'withheld');
  assert.equal(n.notifications.length, 0);
  assert.match((await store.findMessage(w.db, text!.id))!.lastError!, /no longer agrees to texts to this number/);
});

test('the appointment cancelled: its reminder is called off in the same transaction and never sent', async () => {
  const n = await notify();
  const w = await world({ email: null });
  await serviceStep(w, { step: 'accept' });
  await book(w, '5');
  await serviceStep(w, { step: 'cancel-appointment' });
  const reminder = (await toPerson(w.db, w.referralId)).find((m) => m.kind === 'appointment-reminder')!;
  assert.equal(reminder.state, 'cancelled');
  assert.deepEqual(await deliver(w.db, { notify: n.transport() }, reminder), {
    outcome: 'settled',
    state: 'cancelled',
  });
  assert.equal(n.notifications.length, 0);
});

test('Notify took it but the answer was lost (a 500, a timeout): the next try asks Notify by reference and sends nothing twice', async () => {
  const n = await notify({ hangMs: 1500 });
  const w = await world({});
  await serviceStep(w, { step: 'accept' });
  const both = await toPerson(w.db, w.referralId);
  const sms = both.find((m) => m.channel === 'sms');
  const email = both.find((m) => m.channel === 'email');
  const transports = { notify: n.transport({ timeoutMs: 400 }) };

  n.faults.push('take-then-500');
  assert.equal((await deliver(w.db, transports, sms!)).outcome, 'retrying');
  assert.equal((await deliver(w.db, transports, sms!)).outcome, 'sent');
  n.faults.push('take-then-hang');
  assert.equal((await deliver(w.db, transports, email!)).outcome, 'retrying');
  assert.equal((await deliver(w.db, transports, email!)).outcome, 'sent');
  assert.equal(n.notifications.length, 2, 'one notification each, not two');
  for (const m of [sms!, email!]) {
    const row = (await store.findMessage(w.db, m.id))!;
    assert.equal(
      row.transportId,
      n.notifications.find((x) => x.reference === m.id)!.id,
      'the id Notify gave it, found by reference',
    );
  }
});

test('Notify refuses: a 400 fails the message at once; a key it does not accept is retried, then given up, visibly', async () => {
  const n = await notify();
  const w = await world({ email: null });
  await serviceStep(w, { step: 'accept' });
  await book(w, '6');
  const mine = await toPerson(w.db, w.referralId);
  const accepted = mine.find((m) => m.kind === 'referral-accepted');
  const booked = mine.find((m) => m.kind === 'appointment-booked');
  // A template id Notify does not have: its 400 says so.
  const noTemplate = n.transport();
  // (The transport reads the same template map, as it reads its configuration.)
  n.templateIds['referral-accepted:sms'] = crypto.randomUUID();
  assert.equal((await deliver(w.db, { notify: noTemplate }, accepted!)).outcome, 'failed');
  assert.match((await store.findMessage(w.db, accepted!.id))!.lastError!, /400.*Template not found/);
  // A revoked key: 403, tried again, and on the last try dead.
  const revoked = { notify: n.transport({ apiKey: `onward_test-${crypto.randomUUID()}-${crypto.randomUUID()}` }) };
  assert.equal((await deliver(w.db, revoked, booked!)).outcome, 'retrying');
  assert.equal((await deliver(w.db, revoked, booked!, true)).outcome, 'dead');
  assert.match((await store.findMessage(w.db, booked!.id))!.lastError!, /403.*Check NOTIFY_API_KEY/);
  assert.equal(n.notifications.length, 0);
});

test('with no Notify set up, messages to the person are kept in the outbox, not dropped', async () => {
  const w = await world({});
  await serviceStep(w, { step: 'accept' });
  for (const m of await toPerson(w.db, w.referralId)) assert.equal((await deliver(w.db, {}, m)).outcome, 'kept');
  const kept = await toPerson(w.db, w.referralId);
  assert.ok(kept.every((m) => m.state === 'kept' && /NOTIFY_API_KEY/.test(m.lastError ?? '')));
});

test('delivery receipts: Notify posts them to /notify/receipts with its token; delivered, not delivered (a task), and every bad receipt refused', async () => {
  const n = await notify();
  const w = await world({ mobile: '07700900002' });
  await w.app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(w.app);
  n.callback = {
    url: `http://127.0.0.1:${(w.app.server.address() as AddressInfo).port}/notify/receipts`,
    token: CALLBACK_TOKEN,
  };
  await serviceStep(w, { step: 'accept' });
  for (const m of await toPerson(w.db, w.referralId)) await deliver(w.db, { notify: n.transport() }, m);
  await n.settled();
  assert.deepEqual(
    n.receipts.map((r) => r.answered),
    [204, 204],
    'both receipts taken',
  );
  const after = await toPerson(w.db, w.referralId);
  const sms = after.find((m) => m.channel === 'sms');
  const email = after.find((m) => m.channel === 'email');
  assert.equal(email!.state, 'delivered');
  assert.equal(email!.receipt, 'delivered');
  assert.equal(sms!.state, 'undelivered', '07700900002 is Notify’s number that never arrives');
  assert.match(sms!.lastError!, /does not exist or is no longer used/);
  // It is the team's task: in the outbox's "needs you", and on the person's contact page.
  const page = await w.client.get(`/patients/${w.patientId}/contact`);
  assert.equal(page.status, 200);
  assert.match(page.html.text, /Sent but not delivered/);
  const alerts = await w.db
    .selectFrom('alerts')
    .select(['kind', 'href', 'text'])
    .where('user_id', '=', w.nurse.id)
    .execute();
  assert.deepEqual(
    alerts.map((a) => [a.kind, a.href]),
    [['message-not-sent', `/outbox/${sms!.id}`]],
    'the practitioner who referred is alerted, once',
  );
  assert.match(
    alerts[0]!.text,
    /Referral accepted: message to the person \(text to The person\): sent but not delivered/,
  );
  const outbox = await w.client.get('/outbox?show=needs-you');
  assert.ok(outbox.html.querySelectorAll('a').some((a) => a.getAttribute('href') === `/outbox/${sms!.id}`));

  const post = (body: unknown, token: string | null = CALLBACK_TOKEN) =>
    w.app.inject({
      method: 'POST',
      url: '/notify/receipts',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      payload: JSON.stringify(body),
    });
  const again = { id: email!.transportId, reference: email!.id, status: 'permanent-failure' };
  assert.equal((await post(again)).statusCode, 204, 'a late or repeated receipt is taken');
  assert.equal((await store.findMessage(w.db, email!.id))!.state, 'delivered', 'but does not undo delivered');
  assert.equal((await post(again, null)).statusCode, 401);
  assert.equal((await post(again, `${CALLBACK_TOKEN}x`)).statusCode, 401);
  assert.equal((await post({ ...again, id: 'not-a-uuid' })).statusCode, 400);
  assert.equal((await post({ id: again.id })).statusCode, 400);
  assert.equal((await post({ ...again, id: crypto.randomUUID(), reference: crypto.randomUUID() })).statusCode, 404);
  const refused = await w.db
    .selectFrom('audit_log')
    .select('detail')
    .where('action', '=', 'notify.receipt')
    .where('outcome', '=', 'refused')
    .execute();
  assert.ok(refused.length >= 2, 'a receipt without the token is audited as refused');
});

test('receipts asked for: where Notify cannot call back, the scheduled job asks how each message ended, once each', async () => {
  const n = await notify();
  const w = await world({ mobile: '07700900003' });
  await serviceStep(w, { step: 'accept' });
  const transports = { notify: n.transport() };
  for (const m of await toPerson(w.db, w.referralId)) await deliver(w.db, transports, m);
  await n.settled();
  const deps = { db: w.db, clock: systemClock };
  // (A wide batch: the tests before it, and on PostgreSQL other files, leave sent messages of their own.)
  assert.equal(await pollReceipts(deps, transports.notify, 1000), 2);
  const after = await toPerson(w.db, w.referralId);
  assert.equal(after.find((m) => m.channel === 'email')!.state, 'delivered');
  const sms = after.find((m) => m.channel === 'sms')!;
  assert.equal(sms.state, 'undelivered', '07700900003: the phone was off for days');
  assert.match(sms.lastError!, /could not be delivered for 72 hours/);
  assert.equal(
    await pollReceipts(deps, transports.notify),
    0,
    'a message with its final word is not asked about again',
  );
});
