import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { londonWallTime } from '../../src/platform/clock.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import { makePatient, makeService, makeTeam, makeUser, PASSWORD } from '../support/factories.ts';
import { makeFollowUp } from '../support/follow-ups.ts';
import { makeReferral } from '../support/referrals.ts';
import { expectAccessible, screenshot } from './browser.ts';
import { expectHeading, signInPage } from './pages.ts';

// The closed loop in Chromium, from both sides, axe on every page:
// (a) a practitioner refers to Talking Therapies; the service rejects for "self-harm" and sees the
//     NICE conflict as it chooses it; the practitioner escalates; the consultant records a call;
//     the service accepts after all, books and records the person attended;
// (b) one person refused by Talking Therapies as too risky and by the crisis team as not unwell
//     enough: Onward flags them on the caseload and opens an escalation for the consultant;
// (c) a clinician of another service opens that referral by its address: not found.

const suffix = () => Math.random().toString(36).slice(2, 6);

async function assessed(db: Db, team: string, by: string, givenName: string, familyName: string) {
  const patient = await makePatient(db, { teamId: team, givenName, familyName });
  const followUp = await makeFollowUp(db, {
    patientId: patient.id,
    teamId: team,
    by,
    assessedAt: new Date(Date.now() - 3 * 3_600_000),
  });
  const { assessment_id: assessmentId } = await db
    .selectFrom('follow_ups')
    .select('assessment_id')
    .where('id', '=', followUp)
    .executeTakeFirstOrThrow();
  return { patient, assessmentId };
}

async function receivingService(db: Db, by: string, kind: 'talking-therapies' | 'crisis-home-treatment', name: string) {
  const team = await makeTeam(db, kind);
  const clinician = await makeUser(db, { role: 'receiving-clinician', teamIds: [team] });
  const service = await makeService(db, { by, kind, name });
  await db.updateTable('healthcare_services').set({ receiving_team_id: team }).where('id', '=', service).execute();
  return { service, clinician, name };
}

export async function loopWorld(db: Db) {
  const team = await makeTeam(db);
  const practitioner = await makeUser(db, {
    role: 'liaison-practitioner',
    teamIds: [team],
    discipline: 'mental-health-nurse',
  });
  const consultant = await makeUser(db, {
    role: 'senior-clinician',
    teamIds: [team],
    discipline: 'liaison-psychiatrist',
  });
  const tt = await receivingService(db, practitioner.id, 'talking-therapies', `Meadow Talking Therapies ${suffix()}`);
  const crisis = await receivingService(db, practitioner.id, 'crisis-home-treatment', `Meadow Crisis Team ${suffix()}`);
  const elsewhere = await receivingService(
    db,
    practitioner.id,
    'talking-therapies',
    `Hilltop Talking Therapies ${suffix()}`,
  );
  // (a) Kai: assessed, needs confirmed, consent to share with Talking Therapies recorded.
  const kai = await assessed(db, team, practitioner.id, 'Kai', `Brennan${suffix().replace(/\d/g, 'x')}`);
  await db
    .insertInto('assessment_needs')
    .values({
      assessment_id: kai.assessmentId,
      patient_id: kai.patient.id,
      needs: ['mood', 'talking-therapy'],
      wants: 'Someone to talk to',
      confirmed_by: practitioner.id,
      confirmed_at: new Date(),
    })
    .execute();
  await db
    .insertInto('consents')
    .values({
      patient_id: kai.patient.id,
      service_id: tt.service,
      shares: ['letter', 'assessment'],
      way: 'in-person',
      given_on: londonWallTime(new Date()).date,
      recorded_by: practitioner.id,
      recorded_at: new Date(),
    })
    .execute();
  // (b) Sol: referred to both, each waiting for the service.
  const sol = await assessed(db, team, practitioner.id, 'Sol', `Ferris${suffix().replace(/\d/g, 'x')}`);
  const sent = { patientId: sol.patient.id, teamId: team, assessmentId: sol.assessmentId, by: practitioner.id };
  const solTt = await makeReferral(db, {
    ...sent,
    serviceId: tt.service,
    stage: 'requested',
    sentAt: new Date(Date.now() - 2 * 3_600_000),
  });
  const solCrisis = await makeReferral(db, {
    ...sent,
    serviceId: crisis.service,
    stage: 'requested',
    sentAt: new Date(Date.now() - 3_600_000),
  });
  return { team, practitioner, consultant, tt, crisis, elsewhere, kai, sol, solTt, solCrisis };
}

async function signedIn(browser: Browser, base: string, username: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signInPage.open(page, base);
  await signInPage.signIn(page, username, PASSWORD);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { context, page, errors };
}

/** The service's step on a packet: the step's button, after filling what it asks. */
async function serviceStep(page: Page, button: string, label: string) {
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  await expectAccessible(page, label);
}

export async function loopJourneys(browser: Browser, base: string, w: Awaited<ReturnType<typeof loopWorld>>) {
  // (a) The practitioner refers Kai to Talking Therapies.
  const nurse = await signedIn(browser, base, w.practitioner.username);
  // The whole list of services that fit ("show all"): on a PostgreSQL shared by every test file there
  // are hundreds, and the page shows the first 25 until asked.
  await nurse.page.goto(`${base}/patients/${w.kai.patient.id}/assessments/${w.kai.assessmentId}/services?all=fits`);
  await nurse.page
    .getByRole('listitem')
    .filter({ hasText: w.tt.name })
    .getByRole('button', { name: `Write a referral to ${w.tt.name}` })
    .click();
  await expectHeading(nurse.page, `Referral to ${w.tt.name}`);
  await nurse.page.getByRole('button', { name: 'Send the referral' }).click();
  await nurse.page.getByRole('heading', { name: 'Referral sent' }).waitFor();
  const referralUrl = nurse.page.url().split('?')[0]!;
  const referralId = referralUrl.split('/').pop()!;

  // The service opens its inbox and does not accept it, for self-harm: the conflict shows as it is chosen.
  const therapist = await signedIn(browser, base, w.tt.clinician.username);
  await therapist.page.goto(`${base}/inbox`);
  await expectAccessible(therapist.page, 'the service’s inbox');
  await therapist.page
    .getByRole('link', { name: new RegExp(`^${w.kai.patient.familyName.toUpperCase()}, Kai`) })
    .click();
  await expectHeading(therapist.page, `Referral of Kai ${w.kai.patient.familyName}`);
  await expectAccessible(therapist.page, 'the referral packet');
  await therapist.page.getByLabel('Because of self-harm').check();
  await therapist.page
    .getByText(/NICE conflict NICE NG225: people who have self-harmed/)
    .first()
    .waitFor();
  await therapist.page.getByLabel('In your words').fill('We do not see people with current self-harm.');
  await serviceStep(therapist.page, 'Do not accept the referral', 'a rejection recorded');
  await therapist.page.getByText('Not accepted: Because of self-harm').waitFor();
  await screenshot(therapist.page, '50-service-rejects-self-harm');

  // The practitioner sees the rejection and its conflict at once, and escalates to the consultant.
  await nurse.page.goto(`${base}/`);
  await nurse.page.getByText('Not accepted: answer it, refer elsewhere or escalate').first().waitFor();
  await nurse.page.goto(referralUrl);
  await nurse.page.getByText('Not accepted: Because of self-harm').waitFor();
  await nurse.page
    .getByText(/self-harm itself must not be a reason to refuse a service/)
    .first()
    .waitFor();
  await expectAccessible(nurse.page, 'a rejected referral');
  await screenshot(nurse.page, '51-rejection-with-conflict');
  await nurse.page.getByText('Escalate to a senior clinician').click();
  await nurse.page
    .getByLabel('What to take up with the service')
    .fill('Self-harm is why we refer: NICE NG225 says it must not decide access.');
  await nurse.page.getByRole('button', { name: 'Escalate' }).click();
  await expectHeading(nurse.page, `Escalation: referral to ${w.tt.name}`);
  await expectAccessible(nurse.page, 'an escalation');

  // The consultant records the call with the service.
  const consultant = await signedIn(browser, base, w.consultant.username);
  await consultant.page
    .getByRole('table', { name: 'Escalations you are taking up' })
    .getByRole('link', { name: new RegExp(`^${w.kai.patient.familyName.toUpperCase()}, Kai`) })
    .click();
  await expectHeading(consultant.page, `Escalation: referral to ${w.tt.name}`);
  const now = londonWallTime(new Date(Date.now() - 5 * 60_000));
  const [y, m, d] = now.date.split('-');
  await consultant.page.getByLabel('Who you spoke to').fill('Dr Lee, clinical lead');
  await consultant.page.getByLabel('On the phone').check();
  await consultant.page.getByLabel('Day').fill(d!);
  await consultant.page.getByLabel('Month').fill(m!);
  await consultant.page.getByLabel('Year').fill(y!);
  await consultant.page.getByLabel('The time you spoke').fill(now.time);
  await consultant.page
    .getByLabel('What was said and agreed')
    .fill('They will accept Kai and offer an appointment this week.');
  await consultant.page.getByRole('button', { name: 'Record the conversation' }).click();
  await consultant.page.getByText('They will accept Kai and offer an appointment this week.').waitFor();
  await expectAccessible(consultant.page, 'an escalation with a call');
  await screenshot(consultant.page, '52-consultant-call');

  // The service accepts after all, books and records that Kai attended.
  await therapist.page.goto(`${base}/inbox/referrals/${referralId}`);
  await serviceStep(therapist.page, 'Accept the referral', 'accepted after the call');
  const tomorrow = londonWallTime(new Date(Date.now() + 86_400_000)).date.split('-');
  const book = therapist.page
    .locator('form')
    .filter({ has: therapist.page.getByRole('button', { name: 'Book the appointment' }) });
  await book.getByLabel('Day').fill(tomorrow[2]!);
  await book.getByLabel('Month').fill(tomorrow[1]!);
  await book.getByLabel('Year').fill(tomorrow[0]!);
  await book.getByLabel('Time').fill('14:30');
  await book.getByLabel('Where, or the number you will call').fill('Meadow Centre, room 3');
  await book.getByLabel('In person').check();
  await serviceStep(therapist.page, 'Book the appointment', 'an appointment booked');
  await therapist.page.getByText(/Appointment: .*Meadow Centre, room 3/).waitFor();
  await serviceStep(therapist.page, 'The person attended', 'attended');
  await therapist.page.getByText('Seen by the service').first().waitFor();
  await screenshot(therapist.page, '53-service-attended');
  await nurse.page.goto(referralUrl);
  await nurse.page.getByText('Seen by the service').first().waitFor();

  // (b) Sol: refused by Talking Therapies as too risky, then by the crisis team as not unwell enough.
  await therapist.page.goto(`${base}/inbox/referrals/${w.solTt}`);
  await therapist.page.getByLabel('Risk too high for the service').check();
  await serviceStep(therapist.page, 'Do not accept the referral', 'Sol not accepted by Talking Therapies');
  const crisisTeam = await signedIn(browser, base, w.crisis.clinician.username);
  await crisisTeam.page.goto(`${base}/inbox/referrals/${w.solCrisis}`);
  await expectAccessible(crisisTeam.page, 'the crisis team’s packet');
  await crisisTeam.page.getByLabel('Not unwell enough for the service').check();
  await serviceStep(crisisTeam.page, 'Do not accept the referral', 'Sol not accepted by the crisis team');
  // Flagged on the caseload and the home page, in the words clinicians use.
  await nurse.page.goto(`${base}/`);
  await nurse.page.getByRole('heading', { name: 'People stuck between services' }).waitFor();
  await nurse.page.getByText('Rock and a hard place: no aftercare').first().waitFor();
  await expectAccessible(nurse.page, 'home with a person stuck between services');
  await screenshot(nurse.page, '54-stuck-between-services');
  // The escalation the rule opened is the consultant's.
  await consultant.page.goto(`${base}/`);
  const stuck = consultant.page.getByRole('table', { name: 'People stuck between services' });
  await stuck.getByRole('link', { name: 'Escalation open' }).first().click();
  await consultant.page.getByText(/by Onward’s rock-and-a-hard-place rule/).waitFor();
  await consultant.page
    .getByText(/Too risky for .*, not unwell enough for /)
    .first()
    .waitFor();
  await expectAccessible(consultant.page, 'an escalation the rule opened');
  await screenshot(consultant.page, '55-escalation-opened-by-rule');

  // (c) Another service's clinician types the address of Kai's referral: not found.
  const outsider = await signedIn(browser, base, w.elsewhere.clinician.username);
  const response = await outsider.page.goto(`${base}/inbox/referrals/${referralId}`);
  assert.equal(response?.status(), 404);
  await expectHeading(outsider.page, 'Page not found');
  await expectAccessible(outsider.page, 'another service’s referral');
  assert.equal(await outsider.page.getByText('Kai').count(), 0);

  for (const s of [nurse, therapist, consultant, crisisTeam, outsider]) {
    assert.deepEqual(s.errors, []);
    await s.context.close();
  }
}
