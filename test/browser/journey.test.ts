import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { formatNhsNumber } from '../../src/patients/model.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { testApp } from '../support/app.ts';
import { closeTestDatabase } from '../support/database.ts';
import {
  makePatient,
  makePresentation,
  makeRegisterPerson,
  makeTeam,
  makeUser,
  PASSWORD,
} from '../support/factories.ts';
import { expectAccessible, launch, screenshot } from './browser.ts';
import { clinicalRecordJourney } from './clinical-journey.ts';
import { followUpJourney, followUpWorld } from './follow-up-journey.ts';
import { frontDoorJourney } from './front-door-journey.ts';
import { loopJourneys, loopWorld } from './loop-journey.ts';
import { expectHeading, findPatientPage, header, signInPage } from './pages.ts';
import { referralJourney, referralWorld } from './referral-journey.ts';
import { sendingJourney, sendingWorld } from './sending-journey.ts';

// The journey a liaison practitioner makes, in a real Chromium against the real server on a port:
// sign in, search, open a patient, sign out — with axe on every page.

let browser: Browser;
let app: FastifyInstance;
let base: string;
let world: Awaited<ReturnType<typeof makeWorld>>;
let followUps: Awaited<ReturnType<typeof followUpWorld>>;
let referrals: Awaited<ReturnType<typeof referralWorld>>;
let loops: Awaited<ReturnType<typeof loopWorld>>;
let sending: Awaited<ReturnType<typeof sendingWorld>>;

async function makeWorld(db: Parameters<typeof makeTeam>[0]) {
  const team = await makeTeam(db);
  const practitioner = await makeUser(db, {
    role: 'liaison-practitioner',
    teamIds: [team],
    discipline: 'mental-health-nurse',
  });
  const manager = await makeUser(db, { role: 'team-manager', teamIds: [team] });
  const pharmacist = await makeUser(db, { role: 'mdt-contributor', teamIds: [team], discipline: 'pharmacist' });
  const assessed = await makePatient(db, { teamId: team, givenName: 'Jo', familyName: 'Marsh' });
  const patient = await makePatient(db, { teamId: team, givenName: 'Robin', familyName: 'Ashworth' });
  const others = {
    receiving: await makeUser(db, { role: 'receiving-clinician', teamIds: [await makeTeam(db, 'talking-therapies')] }),
    analyst: await makeUser(db, { role: 'analyst', teamIds: [await makeTeam(db, 'analytics')] }),
    administrator: await makeUser(db, { role: 'administrator', teamIds: [await makeTeam(db, 'administration')] }),
  };
  const consultant = await makeUser(db, {
    role: 'senior-clinician',
    teamIds: [team],
    discipline: 'liaison-psychiatrist',
  });
  const traced = await makeRegisterPerson(db, { familyName: 'Okonkwo', givenName: 'Adaeze' });
  const known = await makePatient(db, {
    teamId: team,
    nhsNumber: null,
    givenName: 'Bethan',
    familyName: `Lloyd${Math.random()
      .toString(36)
      .replace(/[^a-z]/g, '')
      .slice(0, 6)}`,
    dateOfBirth: '1996-08-21',
    sex: 'female',
  });
  await makePresentation(db, { patientId: known.id, teamId: team, recordedBy: practitioner.id });
  return { team, practitioner, manager, pharmacist, patient, assessed, others, traced, known, consultant };
}

before(async () => {
  // Every journey signs in from this one address, a dozen people within a minute: the sign-in rate
  // limit (tested on its own) would refuse the later ones.
  const t = await testApp({ clock: systemClock, config: { signInRateLimit: 1000 } });
  app = t.app;
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  world = await makeWorld(t.db);
  followUps = await followUpWorld(t.db);
  referrals = await referralWorld(t.db);
  loops = await loopWorld(t.db);
  sending = await sendingWorld(t.db);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await closeTestDatabase();
});

test('a practitioner signs in, finds a patient, opens the record and signs out', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const javascriptErrors: string[] = [];
  page.on('pageerror', (e) => javascriptErrors.push(e.message));

  await signInPage.open(page, base);
  await expectAccessible(page, 'sign-in');
  await screenshot(page, '01-sign-in');

  await signInPage.signIn(page, world.practitioner.username, 'wrong password');
  assert.match(await findPatientPage.errorSummary(page), /username or password is not right/);
  await expectAccessible(page, 'sign-in with an error');

  await signInPage.signIn(page, world.practitioner.username, PASSWORD);
  await expectHeading(page, 'Test liaison-practitioner');
  await expectAccessible(page, 'home');
  await screenshot(page, '02-home');

  await header.go(page, 'Find a patient');
  await expectHeading(page, 'Find a patient');
  await expectAccessible(page, 'find a patient');

  await findPatientPage.byNhsNumber(page, '999 000 0019');
  assert.match(await findPatientPage.errorSummary(page), /valid NHS number/);
  await expectAccessible(page, 'find a patient with an error');
  await screenshot(page, '03-search-error');
  // The error summary's link moves focus to the field, as the design system intends.
  await page.getByRole('alert').getByRole('link').click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'nhsNumber');

  await findPatientPage.byNhsNumber(page, formatNhsNumber(world.patient.nhsNumber));
  await page.getByRole('heading', { name: '1 patient found' }).waitFor();
  await expectAccessible(page, 'search results');
  await screenshot(page, '04-search-results');

  await findPatientPage.openResult(page, 'ASHWORTH, Robin');
  await page.getByText(formatNhsNumber(world.patient.nhsNumber)).first().waitFor();
  await expectAccessible(page, 'patient summary');
  await screenshot(page, '05-patient-summary');
  assert.ok(!page.url().includes(world.patient.nhsNumber), 'no NHS number in the address');

  // Record a presentation: first with leaving before arriving, then put right.
  await page.getByRole('button', { name: 'Record a presentation' }).click();
  await expectHeading(page, 'Record a presentation');
  await expectAccessible(page, 'record a presentation');
  const yesterday = new Date(Date.now() - 86_400_000);
  const [d, m, y] = [yesterday.getUTCDate(), yesterday.getUTCMonth() + 1, yesterday.getUTCFullYear()].map(String) as [
    string,
    string,
    string,
  ];
  const arrival = page.getByRole('group', { name: 'Arrival at the emergency department' });
  await arrival.getByLabel('Day').fill(d);
  await arrival.getByLabel('Month').fill(m);
  await arrival.getByLabel('Year').fill(y);
  await arrival.getByLabel('Time').fill('10:15');
  await page.getByLabel('Paracetamol, aspirin, ibuprofen or other non-opioid painkillers (X60)').check();
  await page.getByLabel('Alcohol (X65)').check();
  const leaving = page.getByRole('group', { name: 'Leaving the emergency department' });
  await leaving.getByLabel('Day', { exact: true }).fill(d);
  await leaving.getByLabel('Month').fill(m);
  await leaving.getByLabel('Year').fill(y);
  await leaving.getByLabel('Time', { exact: true }).fill('09:00');
  await page.getByLabel('Discharged home').check();
  await page.getByRole('button', { name: 'Save presentation' }).click();
  assert.match(await findPatientPage.errorSummary(page), /Time of leaving must be after arrival/);
  await expectAccessible(page, 'record a presentation with an error');
  await screenshot(page, '05a-presentation-error');
  assert.equal(await page.getByLabel('Alcohol (X65)').isChecked(), true, 'answers are kept');
  await leaving.getByLabel('Time', { exact: true }).fill('16:45');
  await page.getByRole('button', { name: 'Save presentation' }).click();
  await page.getByRole('heading', { name: 'Timeline' }).waitFor();
  const entry = (await page.locator('.onward-timeline li').first().textContent()) ?? '';
  assert.match(entry, /at 10:15/);
  assert.match(entry, /\(X60\); Alcohol \(X65\)/);
  assert.match(entry, /Discharged home, .* at 16:45/);
  await expectAccessible(page, 'patient summary with a timeline');
  await screenshot(page, '05b-timeline');

  await header.signOut(page);
  await expectHeading(page, 'Sign in to Onward');
  await page.getByText('You have signed out.').waitFor();

  // After signing out, the browser's back button cannot show the record again.
  await page.goBack();
  await page.reload();
  await expectHeading(page, 'Sign in to Onward');
  assert.deepEqual(javascriptErrors, []);
  await context.close();
});

test('the clinical record: presentation, assessment over two sittings, a pharmacist’s input, a shared care plan and a printed safety plan', async () => {
  await clinicalRecordJourney(browser, base, {
    practitioner: world.practitioner,
    pharmacist: world.pharmacist,
    patient: world.assessed,
  });
});

test('the front door: a referral traced and taken into care, an untraced person registered after the duplicate check, and the manager’s review', async () => {
  await frontDoorJourney(browser, base, {
    practitioner: world.practitioner,
    manager: world.manager,
    consultant: world.consultant,
    traced: world.traced,
    known: world.known,
  });
});

test('the 48-hour follow-up: a breach marked as it happens, a clinic set up and booked, did not attend and attended, the manager sees the breach', async () => {
  await followUpJourney(browser, base, followUps);
});

test('a referral: a NICE conflict flagged, stopped for consent and completeness, consent recorded, sent, its PDF opened; an administrator adds a conflict', async () => {
  await referralJourney(browser, base, referrals);
});

test('the closed loop: a rejection for self-harm escalated and taken back; a person refused by both sides flagged; another service sees nothing', async () => {
  await loopJourneys(browser, base, loops);
});

test('sending: an alert in the header opened and seen, how the person wants to hear from us, and the outbox', async () => {
  await sendingJourney(browser, base, sending);
});

test('a team manager sees who opened the record; refusals and missing pages are accessible too', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInPage.open(page, base);
  await signInPage.signIn(page, world.manager.username, PASSWORD);
  await page.goto(`${base}/patients/${world.patient.id}`);
  await page.getByRole('link', { name: 'Who has opened this record' }).click();
  await expectHeading(page, 'Who has opened this record');
  await page
    .getByRole('cell', { name: new RegExp(world.practitioner.username) })
    .first()
    .waitFor();
  await expectAccessible(page, 'access log');
  await screenshot(page, '06-access-log');

  await page.goto(`${base}/admin/accounts`);
  await expectHeading(page, 'You do not have access to this page');
  await expectAccessible(page, '403');
  await screenshot(page, '07-forbidden');

  await page.goto(`${base}/no-such-page`);
  await expectHeading(page, 'Page not found');
  await expectAccessible(page, '404');

  await header.go(page, 'Figures');
  await expectHeading(page, 'Figures');
  await expectAccessible(page, 'figures');
  await screenshot(page, '08-figures');
  await context.close();
});

test('every other role’s home page and menu pages pass axe, and the menu offers only what the role may open', async () => {
  const expectedMenus = {
    receiving: ['Home', 'Referrals to your service'],
    analyst: ['Home', 'Figures'],
    administrator: ['Home', 'Aftercare services', 'Accounts'],
  } as const;
  for (const [who, user] of Object.entries(world.others) as [keyof typeof expectedMenus, { username: string }][]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInPage.open(page, base);
    await signInPage.signIn(page, user.username, PASSWORD);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expectAccessible(page, `${who} home`);
    await screenshot(page, `09-home-${who}`);
    const menu = await page.getByRole('navigation', { name: 'Menu' }).getByRole('link').allInnerTexts();
    assert.deepEqual(
      menu.map((t) => t.trim()),
      expectedMenus[who],
      who,
    );
    for (const link of expectedMenus[who].slice(1)) {
      await header.go(page, link);
      await expectHeading(page, link);
      await expectAccessible(page, `${who} ${link}`);
    }
    await page.goto(`${base}/accessibility`);
    await expectAccessible(page, 'accessibility statement');
    await context.close();
  }
});
