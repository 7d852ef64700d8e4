import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { formatNhsNumber } from '../../src/patients/model.ts';
import { PASSWORD } from '../support/factories.ts';
import { expectAccessible, screenshot } from './browser.ts';
import { expectHeading, findPatientPage, signInPage } from './pages.ts';

// The front door, as a liaison nurse meets it at 3 a.m.: a new referral from the emergency
// department, traced and taken into care, then the presentation; someone untraced registered after
// the duplicate check; and the team manager's list of who was taken on — axe on every page.

export type FrontDoorWorld = {
  practitioner: { username: string };
  manager: { username: string };
  consultant: { username: string };
  /** On the population register, in nobody's care. */
  traced: { nhsNumber: string; familyName: string; givenName: string };
  /** Already a record in the team's care, for the duplicate check to find. */
  known: { familyName: string; givenName: string; dateOfBirth: string };
};

export async function frontDoorJourney(browser: Browser, base: string, w: FrontDoorWorld): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const javascriptErrors: string[] = [];
  page.on('pageerror', (e) => javascriptErrors.push(e.message));
  await signInPage.open(page, base);
  await signInPage.signIn(page, w.practitioner.username, PASSWORD);
  await page.getByRole('link', { name: 'New referral from the emergency department' }).click();
  await expectHeading(page, 'Find the person');
  await expectAccessible(page, 'trace');

  await page.getByLabel('NHS number').fill('943 476 5918');
  await page.getByRole('button', { name: 'Trace by NHS number' }).click();
  assert.match(await findPatientPage.errorSummary(page), /wrong digit/);
  await expectAccessible(page, 'trace with an error');

  await page.getByLabel('NHS number').fill(formatNhsNumber(w.traced.nhsNumber));
  await page.getByRole('button', { name: 'Trace by NHS number' }).click();
  await page.getByRole('heading', { name: '1 person found' }).waitFor();
  await page.getByText('Exact match').waitFor();
  await expectAccessible(page, 'trace results');
  await screenshot(page, '20-trace-results');
  assert.ok(!page.url().includes(w.traced.nhsNumber), 'no NHS number in the address');
  const name = `${w.traced.familyName.toUpperCase()}, ${w.traced.givenName}`;
  await page.getByRole('button', { name: `Take ${name} into care` }).click();
  await expectHeading(page, `Take ${name} into your team’s care`);
  await expectAccessible(page, 'take into care');
  await page.getByRole('button', { name: 'Take into care' }).click();
  assert.match(await findPatientPage.errorSummary(page), /Select why your team is taking this person on/);
  await expectAccessible(page, 'take into care with an error');
  await page.getByLabel('Referred by the emergency department').check();
  await page.getByRole('button', { name: 'Take into care' }).click();
  await expectHeading(page, 'Record a presentation');
  await page.getByText('is now in your team’s care').waitFor();
  await expectAccessible(page, 'presentation after care started');
  await screenshot(page, '21-care-started');

  // Someone who cannot be traced, whose details match a record the team already has.
  await page.goto(`${base}/ed-referrals/untraced`);
  await expectHeading(page, 'Register someone who cannot be traced');
  await expectAccessible(page, 'register untraced');
  const [year, month, day] = w.known.dateOfBirth.split('-');
  await page.getByLabel('Last name').fill(`${w.known.familyName}e`);
  await page.getByLabel('First name').fill(w.known.givenName);
  const birth = page.getByRole('group', { name: 'Date of birth' });
  await birth.getByLabel('Day').fill(String(Number(day)));
  await birth.getByLabel('Month').fill(String(Number(month)));
  await birth.getByLabel('Year').fill(year!);
  await page.getByLabel('Female').check();
  await page.getByLabel('Referred by the emergency department').check();
  await page.getByRole('button', { name: 'Register and take into care' }).click();
  await page.getByText('This person may already have a record').waitFor();
  await expectAccessible(page, 'possible duplicates');
  await screenshot(page, '22-possible-duplicates');
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match(await findPatientPage.errorSummary(page), /Choose one of the records below/);
  await page.getByLabel('None of these: register a new, unverified record').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectHeading(page, 'Record a presentation');
  await page.goto(page.url().replace(/\/presentations\/new.*$/, ''));
  await page.getByText('Unverified identity').first().waitFor();
  await expectAccessible(page, 'unverified record');
  await screenshot(page, '23-unverified-record');
  const registered = page.url();
  await context.close();

  // The consultant merges the earlier untraced record of the same person into this one, then
  // withdraws the presentation that came across with it as entered in error.
  const seniorContext = await browser.newContext();
  const senior = await seniorContext.newPage();
  await signInPage.open(senior, base);
  await signInPage.signIn(senior, w.consultant.username, PASSWORD);
  await senior.goto(registered);
  await senior.getByRole('link', { name: 'Merge another record of this person into this one' }).click();
  await expectHeading(senior, 'Merge another record into this one');
  await expectAccessible(senior, 'merge');
  await senior.getByRole('button', { name: 'Merge into this record' }).click();
  assert.match(await findPatientPage.errorSummary(senior), /Select the record to merge/);
  await senior.getByLabel(new RegExp(`${w.known.familyName.toUpperCase()}, ${w.known.givenName}, born`)).check();
  await senior
    .getByLabel('Why are these the same person?')
    .fill('Both registered untraced on the same night; she confirmed her name.');
  await senior.getByRole('button', { name: 'Merge into this record' }).click();
  await senior.getByRole('heading', { name: 'Records merged into this one' }).waitFor();
  await senior.getByText('From a merged record').first().waitFor();
  await expectAccessible(senior, 'summary after a merge');
  await screenshot(senior, '25-merged');
  await senior
    .locator('.onward-timeline')
    .getByRole('link', { name: /Presentation at/ })
    .first()
    .click();
  await senior.getByRole('link', { name: /Withdraw/ }).click();
  await expectHeading(senior, 'Withdraw a presentation entered in error');
  await expectAccessible(senior, 'withdraw');
  await senior
    .getByLabel('Why was it entered in error?')
    .fill('Recorded twice: the same attendance is on the other record.');
  await senior.getByRole('button', { name: 'Withdraw as entered in error' }).click();
  await senior.getByText('Withdrawn: entered in error').first().waitFor();
  await expectAccessible(senior, 'withdrawn presentation');
  await seniorContext.close();

  // The team manager reviews who was taken on.
  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await signInPage.open(manager, base);
  await signInPage.signIn(manager, w.manager.username, PASSWORD);
  await manager.getByRole('link', { name: 'Who your team has taken into care' }).click();
  await expectHeading(manager, 'Who your team has taken into care');
  await manager.getByRole('cell', { name: name }).waitFor();
  await manager.getByText('Registered as untraced').first().waitFor();
  await expectAccessible(manager, 'care starts');
  await screenshot(manager, '24-care-starts');
  await managerContext.close();
  assert.deepEqual(javascriptErrors, []);
}
