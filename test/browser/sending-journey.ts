import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { raiseAlerts } from '../../src/platform/alerts/store.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../support/factories.ts';
import { makeMessage } from '../support/outbox.ts';
import { expectAccessible, screenshot } from './browser.ts';
import { expectHeading, header, signInPage } from './pages.ts';

// What Onward sends and tells, in Chromium with axe on every page: an alert waiting in the header
// (opened, marked seen), how the person wants to hear from us (a wrong number refused, then saved),
// and the outbox with a message that needs the practitioner.

export async function sendingWorld(db: Db) {
  const team = await makeTeam(db);
  const practitioner = await makeUser(db, { role: 'liaison-practitioner', teamIds: [team] });
  const patient = await makePatient(db, { teamId: team, givenName: 'Noor', familyName: 'Hadley' });
  const at = new Date();
  await raiseAlerts(db, [
    {
      kind: 'referral-rejected',
      key: `journey:${patient.id}`,
      userId: practitioner.id,
      patientId: patient.id,
      href: `/patients/${patient.id}`,
      text: 'Meadow Talking Therapies did not accept the referral',
      at,
    },
  ]);
  const message = await makeMessage(db, {
    teamId: team,
    patientId: patient.id,
    subjectId: crypto.randomUUID(),
    state: 'dead',
    at,
  });
  return { practitioner, patient, message };
}

export async function sendingJourney(browser: Browser, base: string, w: Awaited<ReturnType<typeof sendingWorld>>) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInPage.open(page, base);
  await signInPage.signIn(page, w.practitioner.username, PASSWORD);
  const account = page.getByRole('navigation', { name: 'Your account' });
  await account.getByRole('link', { name: 'Alerts 1 not seen' }).click();
  await expectHeading(page, 'Alerts');
  await expectAccessible(page, 'alerts');
  await screenshot(page, '40-alerts');
  await page.getByRole('button', { name: /Mark as seen.*Meadow Talking Therapies did not accept/ }).click();
  await expectHeading(page, 'Alerts');
  assert.equal(await account.getByRole('link', { name: 'Alerts', exact: true }).count(), 1, 'no count once seen');

  await page.goto(`${base}/patients/${w.patient.id}`);
  await page.getByRole('link', { name: 'How they want to hear from us' }).click();
  await expectHeading(page, 'How they want to hear from us');
  await expectAccessible(page, 'contact preferences');
  await page.getByLabel('Mobile number for texts').fill('0161 496 0000');
  await page
    .getByRole('group', { name: /name the service/ })
    .getByLabel('No')
    .check();
  await page.getByRole('group', { name: 'How they told you' }).getByLabel('Said so in person').check();
  await page.getByRole('button', { name: 'Save' }).click();
  const summary = page.getByRole('alert');
  await summary.waitFor();
  assert.match((await summary.textContent()) ?? '', /Enter a UK mobile number/);
  await expectAccessible(page, 'contact preferences with an error');
  await page.getByLabel('Mobile number for texts').fill('07700 900123');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  await expectAccessible(page, 'contact preferences saved');
  await screenshot(page, '41-contact');

  await header.go(page, 'Outbox');
  await expectHeading(page, 'Outbox');
  await expectAccessible(page, 'outbox');
  await page.goto(`${base}/outbox/${w.message}`);
  await expectHeading(page, /Referral letter to/);
  await page.getByRole('button', { name: 'Send it again' }).waitFor();
  await expectAccessible(page, 'a message that needs you');
  await screenshot(page, '42-message');
  await context.close();
}
