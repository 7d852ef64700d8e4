import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { londonWallTime } from '../../src/platform/clock.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import { makePatient, makeTeam, makeUser, PASSWORD } from '../support/factories.ts';
import { makeFollowUp } from '../support/follow-ups.ts';
import { expectAccessible, screenshot } from './browser.ts';
import { expectHeading, findPatientPage, signInPage } from './pages.ts';

// The 48-hour follow-up as a team lives it, in Chromium: the worklist turns a follow-up overdue at
// the moment its 48 hours end (the browser's clock is moved on, the page is not reloaded); a
// clinic session is set up and someone booked into it inside their 48 hours; at the clinic, one
// person did not come (back on the worklist) and one did (done); the manager sees the breach.

const HOUR = 3_600_000;

export async function followUpWorld(db: Db) {
  const team = await makeTeam(db);
  const practitioner = await makeUser(db, { role: 'liaison-practitioner', teamIds: [team] });
  const manager = await makeUser(db, { role: 'team-manager', teamIds: [team] });
  const now = Date.now();
  const person = async (givenName: string, familyName: string, dueInMs: number) => {
    const p = await makePatient(db, { teamId: team, givenName, familyName });
    const id = await makeFollowUp(db, {
      patientId: p.id,
      teamId: team,
      by: practitioner.id,
      assessedAt: new Date(now + dueInMs - 48 * HOUR),
    });
    return { ...p, followUpId: id };
  };
  // Sam's clock is made when the journey starts (samDueIn), so it ends minutes after the page opens
  // however long the journeys before this one took; Kit's ends in 47 hours; Lee's and Ash's are running, and each is
  // booked into a clinic that began an hour ago (seeded, as a clinic under way cannot be booked now).
  /** Sam's follow-up, due this long from now: made at the start of the journey. */
  const samDueIn = async (ms: number) => {
    await person('Sam', 'Ridley', ms);
    return Date.now() + ms;
  };
  const kit = await person('Kit', 'Barnes', 47 * HOUR);
  const lee = await person('Lee', 'Hartley', 30 * HOUR);
  const ash = await person('Ash', 'Penrose', 31 * HOUR);
  const started = new Date(Math.floor((now - HOUR) / (30 * 60_000)) * 30 * 60_000);
  const session = await db
    .insertInto('clinic_sessions')
    .values({
      team_id: team,
      starts_at: started,
      ends_at: new Date(started.getTime() + 3 * HOUR),
      slot_minutes: 30,
      mode: 'in-person',
      place: 'Outpatients block B, room 4',
      clinician_id: practitioner.id,
      created_by: practitioner.id,
      created_at: new Date(now - 2 * HOUR),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [i, p] of [lee, ash].entries())
    await db
      .insertInto('clinic_appointments')
      .values({
        session_id: session.id,
        follow_up_id: p.followUpId,
        patient_id: p.id,
        starts_at: new Date(started.getTime() + i * 30 * 60_000),
        booked_by: practitioner.id,
        booked_at: new Date(now - 2 * HOUR),
      })
      .execute();
  return { team, practitioner, manager, samDueIn, kit, lee, ash, sessionId: session.id };
}

type World = Awaited<ReturnType<typeof followUpWorld>>;

async function signedIn(browser: Browser, base: string, username: string, clockAt?: number): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => assert.fail(`JavaScript error: ${e.message}`));
  if (clockAt !== undefined) await page.clock.install({ time: clockAt });
  await signInPage.open(page, base);
  await signInPage.signIn(page, username, PASSWORD);
  await expectHeading(page, /./);
  return page;
}

export async function followUpJourney(browser: Browser, base: string, w: World) {
  // The worklist, left open: Sam's follow-up is due within minutes, then overdue, with no reload.
  const samDue = await w.samDueIn(10 * 60_000);
  const page = await signedIn(browser, base, w.practitioner.username, Date.now());
  await page.goto(`${base}/follow-ups`);
  await expectHeading(page, /^Follow-ups due/);
  const samRow = page.getByRole('row', { name: /Sam Ridley|RIDLEY, Sam/ });
  const samTime = samRow.locator('[data-onward-due]');
  assert.match((await samTime.textContent()) ?? '', /minutes? left/);
  assert.equal(await samTime.getAttribute('data-onward-state'), 'within-12-hours');
  // Past Sam's due time by the browser's clock (Chromium's, moved on; the page is not reloaded).
  await page.clock.fastForward(samDue - Date.now() + 60_000);
  await page.waitForFunction(() =>
    document.querySelector('[data-onward-announcer]')?.textContent?.includes('Follow-up now overdue'),
  );
  assert.match((await samTime.textContent()) ?? '', /minutes? over/);
  assert.equal(await samTime.getAttribute('data-onward-state'), 'overdue');
  assert.match((await samTime.getAttribute('class')) ?? '', /nhsuk-tag--red/);
  assert.match((await page.locator('[data-onward-announcer]').textContent()) ?? '', /Sam/);
  await expectAccessible(page, 'worklist after a breach');
  await screenshot(page, '20-worklist-breach');

  // A clinic session tomorrow morning, set up from the clinic page.
  await page.goto(`${base}/clinics`);
  await expectHeading(page, /^Follow-up clinic/);
  await expectAccessible(page, 'clinic sessions');
  await page.getByRole('link', { name: 'Set up a clinic session' }).click();
  await expectHeading(page, 'Set up a clinic session');
  await page.getByRole('button', { name: 'Set up the session' }).click();
  assert.match(await findPatientPage.errorSummary(page), /Enter the start time/);
  await expectAccessible(page, 'clinic session form with errors');
  const tomorrow = londonWallTime(new Date(Date.now() + 24 * HOUR)).date.split('-');
  const day = page.getByRole('group', { name: 'Day' });
  await day.getByLabel('Day').fill(String(Number(tomorrow[2])));
  await day.getByLabel('Month').fill(String(Number(tomorrow[1])));
  await day.getByLabel('Year').fill(tomorrow[0]!);
  await page.getByLabel('Start time (24-hour, UK time)').fill('09:00');
  await page.getByLabel('End time').fill('12:00');
  await page.getByLabel('In person').check();
  await page.getByLabel('Where').fill('Outpatients block B, room 4');
  await page.getByRole('button', { name: 'Set up the session' }).click();
  await expectHeading(page, 'Follow-up clinic');
  assert.equal(await page.getByRole('cell', { name: 'Free' }).count(), 6);

  // Kit booked into it from the worklist, inside the 48 hours.
  await page.goto(`${base}/follow-ups`);
  await page
    .getByRole('row', { name: /Kit Barnes|BARNES, Kit/ })
    .getByRole('link', { name: /^Book an appointment/ })
    .click();
  await expectHeading(page, 'Book a follow-up appointment');
  await page.getByRole('button', { name: 'Book this time' }).click();
  assert.match(await findPatientPage.errorSummary(page), /Choose a time/);
  await expectAccessible(page, 'booking with an error');
  await page.getByRole('group', { name: 'Inside the 48 hours' }).getByRole('radio').first().check();
  await page.getByRole('button', { name: 'Book this time' }).click();
  await expectHeading(page, '48-hour follow-up');
  await page.getByText(/^Booked/).waitFor();
  await expectAccessible(page, 'follow-up with a booking');
  await screenshot(page, '21-follow-up-booked');

  // The clinic under way: Lee did not come, Ash did.
  await page.goto(`${base}/clinics/${w.sessionId}`);
  await expectHeading(page, 'Follow-up clinic');
  await expectAccessible(page, 'clinic list');
  await screenshot(page, '22-clinic-list');
  await page.getByRole('link', { name: /Record attendance for .*Lee/i }).click();
  await expectHeading(page, 'What happened at the appointment');
  await page.getByLabel('No, they did not attend').check();
  await page.getByRole('button', { name: 'Record attendance' }).click();
  await page.getByRole('link', { name: /Record attendance for .*Ash/i }).click();
  await page.getByLabel('Yes, they came').check();
  await page.getByRole('button', { name: 'Record attendance' }).click();
  assert.match(await findPatientPage.errorSummary(page), /how the person is/);
  await expectAccessible(page, 'attendance with an error');
  await page.getByLabel('Note').fill('Calmer; used the safety plan on Tuesday night; GP appointment on Friday.');
  await page.getByRole('button', { name: 'Record attendance' }).click();
  await expectHeading(page, 'Follow-up clinic');
  const tags = await page.locator('tbody .nhsuk-tag').allTextContents();
  assert.deepEqual(tags.sort(), ['Attended', 'Did not attend']);
  await page.goto(`${base}/follow-ups`);
  await page
    .getByRole('row', { name: /Lee Hartley|HARTLEY, Lee/ })
    .getByText(/^Did not attend/)
    .waitFor();
  assert.equal(await page.getByRole('row', { name: /Ash Penrose|PENROSE, Ash/ }).count(), 0, 'Ash is done');
  await page.context().close();

  // The manager's home page, a few minutes on (the browser's clock: the server's has not moved): the
  // breach is marked as the page opens.
  const manager = await signedIn(browser, base, w.manager.username, samDue + 2 * 60_000);
  await manager.goto(`${base}/`);
  const breach = manager.getByRole('row', { name: /Sam Ridley|RIDLEY, Sam/ }).locator('[data-onward-due]');
  await manager.waitForFunction(
    () => document.querySelector('[data-onward-due]')?.getAttribute('data-onward-state') === 'overdue',
  );
  assert.match((await breach.textContent()) ?? '', /over$/);
  await expectAccessible(manager, 'manager’s home with a breach');
  await screenshot(manager, '23-manager-home-breach');
  await manager.goto(`${base}/figures`);
  await manager.getByRole('heading', { name: 'Follow-up within 48 hours' }).waitFor();
  await expectAccessible(manager, 'figures with the 48-hour follow-up');
  await screenshot(manager, '24-figures-follow-up');
  await manager.context().close();
}
