import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { demoServices } from '../../src/demo/directory.ts';
import { openReferralList, partId, serviceToOpenReferral } from '../../src/directory/open-referral.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import { makePatient, makeService, makeTeam, makeUser, PASSWORD } from '../support/factories.ts';
import { makeFollowUp } from '../support/follow-ups.ts';
import { pdfText } from '../support/pdf.ts';
import { expectAccessible, screenshot } from './browser.ts';
import { expectHeading, findPatientPage, signInPage } from './pages.ts';

// A referral as a practitioner makes it, in Chromium: the services matched to the person's needs,
// one flagged for a NICE conflict; a letter written for it, stopped for want of consent and of what
// the service asks for; consent recorded; the letter completed and sent; its PDF opened. Then an
// administrator changes the service's criteria and the new conflict shows. Axe on every page.

export async function referralWorld(db: Db) {
  const team = await makeTeam(db);
  const practitioner = await makeUser(db, {
    role: 'liaison-practitioner',
    teamIds: [team],
    discipline: 'mental-health-nurse',
  });
  const administrator = await makeUser(db, { role: 'administrator', teamIds: [await makeTeam(db, 'administration')] });
  const patient = await makePatient(db, { teamId: team, givenName: 'Nia', familyName: 'Calloway' });
  const followUp = await makeFollowUp(db, {
    patientId: patient.id,
    teamId: team,
    by: practitioner.id,
    assessedAt: new Date(Date.now() - 3_600_000),
  });
  const { assessment_id: assessmentId } = await db
    .selectFrom('follow_ups')
    .select('assessment_id')
    .where('id', '=', followUp)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('assessment_needs')
    .values({
      assessment_id: assessmentId,
      patient_id: patient.id,
      needs: ['mood', 'talking-therapy'],
      wants: 'Someone to talk to about the panic, not just tablets',
      confirmed_by: practitioner.id,
      confirmed_at: new Date(),
    })
    .execute();
  const serviceName = `Brookside Talking Therapies ${Math.random().toString(36).slice(2, 6)}`;
  const service = await makeService(db, {
    by: practitioner.id,
    name: serviceName,
    mustContain: ['Reason for referral', 'Current medication'],
    criteria: [{ code: 'self-harm-current', kind: 'exclusion', text: 'Active self-harm' }],
  });
  return { practitioner, administrator, patient, assessmentId, service, serviceName };
}

export async function referralJourney(browser: Browser, base: string, w: Awaited<ReturnType<typeof referralWorld>>) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const javascriptErrors: string[] = [];
  page.on('pageerror', (e) => javascriptErrors.push(e.message));
  await signInPage.open(page, base);
  await signInPage.signIn(page, w.practitioner.username, PASSWORD);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();

  // The services for Nia's needs: this one would exclude her for self-harm, flagged as a NICE conflict.
  // The whole list of those that would exclude her ("show all"): on a PostgreSQL shared by every test
  // file there are hundreds, and the page shows the first 25 until asked.
  await page.goto(`${base}/patients/${w.patient.id}/assessments/${w.assessmentId}/services?all=excluded`);
  await expectHeading(page, 'Aftercare services for this person');
  const entry = page.getByRole('listitem').filter({ hasText: w.serviceName });
  await entry.getByText('NICE conflict: Excludes: self-harm now or recently').waitFor();
  await expectAccessible(page, 'matched services');
  await screenshot(page, '40-matched-services');
  await entry.getByRole('button', { name: `Write a referral to ${w.serviceName}` }).click();

  await expectHeading(page, `Referral to ${w.serviceName}`);
  await page.getByText('Not written yet').first().waitFor();
  await expectAccessible(page, 'draft referral');
  await screenshot(page, '41-draft-referral');

  // Sent too soon: every reason at once.
  await page.getByRole('button', { name: 'Send the referral' }).click();
  const problems = await findPatientPage.errorSummary(page);
  assert.match(problems, /Record Nia’s consent to share with Brookside/);
  assert.match(problems, /Write “Current medication”/);
  await expectAccessible(page, 'referral refused');
  await screenshot(page, '42-referral-refused');

  // Consent, recorded from the referral, leads back to it.
  await page.getByRole('link', { name: `Record consent to share with ${w.serviceName}` }).click();
  await expectHeading(page, `Consent to share with ${w.serviceName}`);
  await page.getByLabel('The psychosocial assessment').check();
  await page.getByLabel('Said so in person').check();
  await expectAccessible(page, 'consent form');
  await page.getByRole('button', { name: 'Record consent' }).click();
  await expectHeading(page, `Referral to ${w.serviceName}`);
  await page
    .getByText(/agreed on .* to share with this service: The referral letter, The psychosocial assessment/)
    .waitFor();

  // The letter completed.
  await page.getByRole('button', { name: 'Change the letter' }).click();
  await expectHeading(page, `Letter to ${w.serviceName}`);
  await expectAccessible(page, 'letter form');
  assert.equal(await page.getByLabel('Keep the sentence naming NICE NG225').isChecked(), true);
  await page.getByLabel('Current medication').fill('Sertraline 50 mg each morning');
  await page.getByRole('button', { name: 'Save the letter' }).click();
  await expectHeading(page, `Referral to ${w.serviceName}`);
  assert.equal(await page.getByText('Before it can be sent').count(), 0);

  await page.getByRole('button', { name: 'Send the referral' }).click();
  await page.getByRole('heading', { name: 'Referral sent' }).waitFor();
  await expectAccessible(page, 'referral sent');
  await screenshot(page, '43-referral-sent');

  // The PDF, as the service's secretary would open it.
  const href = await page.getByRole('link', { name: 'The letter as sent, as a PDF' }).getAttribute('href');
  const pdf = await page.request.get(`${base}${href}`);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  const text = (await pdfText(await pdf.body())).text.join('\n');
  assert.match(text, /Referral to Brookside Talking Therapies/);
  assert.match(text, /Sertraline 50 mg each morning/);
  assert.match(text, /NICE guideline NG225/);
  assert.match(text, /Mental health nurse/);

  await page.getByRole('link', { name: 'The person’s own copy, in plain words' }).click();
  await expectHeading(page, `Your referral to ${w.serviceName}`);
  await expectAccessible(page, 'the person’s copy');
  await screenshot(page, '44-person-copy');
  assert.deepEqual(javascriptErrors, []);
  await context.close();

  // An administrator adds a criterion the guideline forbids: the conflict shows on the service.
  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await signInPage.open(adminPage, base);
  await signInPage.signIn(adminPage, w.administrator.username, PASSWORD);
  await adminPage.getByRole('button', { name: 'Sign out' }).waitFor();
  await adminPage.goto(`${base}/directory/${w.service}/edit`);
  await adminPage.locator('#use-risk-high').selectOption('exclusion');
  await adminPage.locator('#words-risk-high').fill('High risk of suicide');
  await adminPage.getByLabel('Why are you changing it?').fill('The service’s new referral policy');
  await expectAccessible(adminPage, 'service form');
  await adminPage.getByRole('button', { name: 'Save the service' }).click();
  await expectHeading(adminPage, w.serviceName);
  await adminPage
    .getByText(/Excludes: judged high risk/)
    .first()
    .waitFor();
  await expectAccessible(adminPage, 'service with a new conflict');
  await screenshot(adminPage, '45-service-new-conflict');

  // The directory exported as Open Referral UK is imported from the page: a broken copy first.
  await adminPage.goto(`${base}/directory`);
  await adminPage.getByRole('link', { name: 'Import services from a file' }).click();
  await expectHeading(adminPage, 'Import services');
  await expectAccessible(adminPage, 'import page');
  const service = serviceToOpenReferral(
    { ...demoServices[5]!, name: `Imported ${w.serviceName}`, id: partId(w.service, 'copy') },
    null,
  );
  await adminPage.getByLabel('The file to import').setInputFiles({
    name: 'directory.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(openReferralList([{ ...service, minimum_age: 65, maximum_age: 18 }]))),
  });
  await adminPage.getByRole('button', { name: 'Import the services' }).click();
  assert.match(await findPatientPage.errorSummary(adminPage), /Nothing was imported: 1 problem in the file/);
  await adminPage.getByText(/The oldest age must be the same as or more than the youngest/).waitFor();
  await expectAccessible(adminPage, 'import refused');
  await screenshot(adminPage, '46-import-refused');
  await adminPage.getByLabel('The file to import').setInputFiles({
    name: 'directory.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(openReferralList([service]))),
  });
  await adminPage.getByRole('button', { name: 'Import the services' }).click();
  await adminPage.getByRole('heading', { name: 'Services imported' }).waitFor();
  await expectAccessible(adminPage, 'import done');
  await admin.close();
}
