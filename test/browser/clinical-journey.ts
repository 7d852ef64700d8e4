import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD } from '../support/factories.ts';
import { pdfText } from '../support/pdf.ts';
import { expectAccessible, screenshot, screenshots } from './browser.ts';
import { expectHeading, findPatientPage, header, signInPage } from './pages.ts';

// The heart of the work, in Chromium: a liaison practitioner records a presentation, assesses the
// person over two sittings, asks a pharmacist for input, the pharmacist gives it, the plan is
// agreed and shared, and a safety plan is written and its copy printed — axe on every page.

export type ClinicalWorld = {
  practitioner: { username: string };
  pharmacist: { username: string };
  patient: { id: string };
};

function dateParts(d: Date): [string, string, string] {
  const [y, m, day] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d).split('-');
  return [String(Number(day)), String(Number(m)), y!];
}

async function signedIn(browser: Browser, base: string, username: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => assert.fail(`JavaScript error: ${e.message}`));
  await signInPage.open(page, base);
  await signInPage.signIn(page, username, PASSWORD);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

async function fetchPdf(page: Page, url: string, name: string) {
  const response = await page.request.get(url);
  assert.equal(response.status(), 200);
  assert.equal(response.headers()['content-type'], 'application/pdf');
  const body = await response.body();
  writeFileSync(join(screenshots, `${name}.pdf`), body);
  return pdfText(body);
}

export async function clinicalRecordJourney(browser: Browser, base: string, w: ClinicalWorld): Promise<void> {
  // First sitting.
  let page = await signedIn(browser, base, w.practitioner.username);
  await page.goto(`${base}/patients/${w.patient.id}`);
  await page.getByRole('button', { name: 'Record a presentation' }).click();
  const [d, m, y] = dateParts(new Date(Date.now() - 86_400_000));
  const arrival = page.getByRole('group', { name: 'Arrival at the emergency department' });
  await arrival.getByLabel('Day').fill(d);
  await arrival.getByLabel('Month').fill(m);
  await arrival.getByLabel('Year').fill(y);
  await arrival.getByLabel('Time').fill('21:40');
  await page.getByLabel('Cutting or stabbing with a sharp object (X78)').check();
  await page.getByRole('button', { name: 'Save presentation' }).click();
  await page.getByRole('heading', { name: 'Timeline' }).waitFor();

  await page.getByRole('button', { name: /Start psychosocial assessment/ }).click();
  await expectHeading(page, 'Psychosocial assessment');
  await expectAccessible(page, 'assessment form');
  await page.getByLabel('What happened and why').fill('Cut her arm after a row with her landlord about rent arrears.');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByText(/Last saved by/).waitFor();
  // More typed, then the tab is hidden on the way to closing: the draft saves itself.
  await page.getByLabel('In the person’s own words').fill('“I didn’t want to die, I wanted it to stop.”');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  // Whatever the autosave says, it says in the status: wait for any answer (generously, on a loaded
  // machine the save may queue behind other tests), then check it is the saved one.
  const said = page.getByRole('status').filter({ hasText: /saved automatically|could not be saved|Someone else/ });
  await said.waitFor({ timeout: 90_000 });
  assert.match((await said.textContent()) ?? '', /Draft saved automatically/);
  await page.context().close(); // the browser is closed between sittings

  // Second sitting: the draft is waiting on the server.
  page = await signedIn(browser, base, w.practitioner.username);
  await page.goto(`${base}/patients/${w.patient.id}`);
  await page.getByRole('link', { name: 'Psychosocial assessment (draft)' }).click();
  assert.equal(
    await page.getByLabel('What happened and why').inputValue(),
    'Cut her arm after a row with her landlord about rent arrears.',
  );
  assert.equal(
    await page.getByLabel('In the person’s own words').inputValue(),
    '“I didn’t want to die, I wanted it to stop.”',
  );
  await page.getByRole('button', { name: 'Finalise assessment' }).click();
  assert.match(await findPatientPage.errorSummary(page), /Write something under “Risk formulation”/);
  await expectAccessible(page, 'assessment with errors');
  await screenshot(page, '10-assessment-errors');
  const rest: Record<string, string> = {
    'What the person wants': 'Help with the arrears and someone to talk to.',
    'Mental health': 'Low mood for two months. No psychotic symptoms.',
    'Physical health': 'Wound closed with steri-strips. Asthma.',
    'Alcohol and drug use': 'About 20 units a week.',
    'Social circumstances': 'Rents alone; two months in arrears.',
    'Relationships, family and carers': 'Close to her brother, who she would like involved.',
    Safeguarding: 'No children or adults at risk connected to her.',
    'Strengths and reasons for living': 'Her cat, and her brother.',
    'Previous self-harm and what helped': 'Cut at 17; school counselling helped.',
    'Risk formulation':
      'Worse when alone at night and when money worries peak; better with her brother around and a plan for the debt.',
  };
  for (const [label, text] of Object.entries(rest)) await page.getByLabel(label, { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Finalise assessment' }).click();
  await page.getByText('Follow-up is due by').waitFor();
  await expectAccessible(page, 'finalised assessment');
  await screenshot(page, '11-assessment-finalised');
  const assessmentUrl = page.url();

  // The 48-hour follow-up: its own page, a first call not answered (so it says when to try again),
  // then the team's worklist with the person on it.
  await page.getByRole('link', { name: 'open the follow-up' }).click();
  await expectHeading(page, '48-hour follow-up');
  await expectAccessible(page, 'follow-up');
  await page.getByLabel('Phone call').check();
  await page.getByLabel('No answer').check();
  await page.getByRole('button', { name: 'Record the attempt' }).click();
  assert.match(await findPatientPage.errorSummary(page), /Say when to try again/);
  await expectAccessible(page, 'follow-up with an error');
  const [td, tm, ty] = dateParts(new Date(Date.now() + 86_400_000));
  const nextTry = page.getByRole('group', { name: 'If you did not speak with them: when to try again' });
  await nextTry.getByLabel('Day').fill(td);
  await nextTry.getByLabel('Month').fill(tm);
  await nextTry.getByLabel('Year').fill(ty);
  await nextTry.getByLabel('Time').fill('10:00');
  await page.getByRole('button', { name: 'Record the attempt' }).click();
  await page.getByRole('heading', { name: 'Attempts' }).waitFor();
  await page.getByText('No answer').first().waitFor();
  await screenshot(page, '11a-follow-up');
  await page.goto(new URL('/follow-ups', page.url()).toString());
  await expectHeading(page, /^Follow-ups due/);
  await page
    .getByRole('cell', { name: /No answer/ })
    .first()
    .waitFor();
  await expectAccessible(page, 'follow-up worklist');
  await screenshot(page, '11b-follow-up-worklist');
  await page.goto(assessmentUrl);

  // The care plan, and a question for the pharmacist.
  await page.getByRole('button', { name: 'Start the care plan' }).click();
  await expectHeading(page, 'Care plan');
  await page.getByRole('link', { name: 'Edit the care plan' }).click();
  await expectAccessible(page, 'care plan form');
  await page.getByLabel('What matters to the person').fill('Sorting out the rent arrears and sleeping better.');
  const first = page.getByRole('group', { name: 'Goal or action 1' });
  await first.getByLabel('What').fill('Call Citizens Advice about the arrears');
  await first.getByLabel('Who').fill('Jo, with her brother');
  await first.getByLabel('Type').selectOption('action');
  const [dd, mm, yy] = dateParts(new Date(Date.now() + 7 * 86_400_000));
  const due = first.getByRole('group', { name: 'By when' });
  await due.getByLabel('Day').fill(dd);
  await due.getByLabel('Month').fill(mm);
  await due.getByLabel('Year').fill(yy);
  await page.getByRole('button', { name: 'Save care plan' }).click();
  await page.getByRole('cell', { name: /Call Citizens Advice/ }).waitFor();
  await page.getByLabel('Colleague').selectOption({ label: 'Test mdt-contributor, Pharmacist' });
  await page
    .getByLabel('What would you like their input on?')
    .fill('She takes sertraline and has paracetamol at home: any advice?');
  await page.getByRole('button', { name: 'Ask for input' }).click();
  await page.getByText('Waiting for input').waitFor();
  await expectAccessible(page, 'care plan waiting for input');
  await screenshot(page, '12-care-plan-waiting');
  await header.signOut(page);
  await page.context().close();

  // The pharmacist finds the request on their home page and answers it.
  page = await signedIn(browser, base, w.pharmacist.username);
  await page.getByRole('heading', { name: 'Care plans waiting for your input' }).waitFor();
  await expectAccessible(page, 'pharmacist home');
  await page
    .getByRole('heading', { name: 'Care plans waiting for your input' })
    .locator('xpath=following-sibling::ul[1]')
    .getByRole('link')
    .first()
    .click();
  await expectHeading(page, 'Give your input to a care plan');
  await expectAccessible(page, 'input request');
  await page
    .getByLabel('Your input')
    .fill('Sertraline 50 mg is fine to continue. Suggest weekly dispensing and removing spare paracetamol for now.');
  await page.getByRole('button', { name: 'Add your input' }).click();
  await page.getByText('It is on the care plan with your name and discipline.').waitFor();
  await expectAccessible(page, 'input given');
  await page.context().close();

  // Back to the practitioner: the plan carries the input; it is agreed and shared.
  page = await signedIn(browser, base, w.practitioner.username);
  await page.goto(`${base}/patients/${w.patient.id}`);
  await page.getByRole('link', { name: 'Care plan, version 2' }).first().click();
  await page.getByText(/Input from Test mdt-contributor \(Pharmacist\)/).waitFor();
  await page.getByLabel('In person').check();
  await page
    .getByRole('group', { name: 'Does the person agree to a copy going to their GP?' })
    .getByLabel('Yes')
    .check();
  await page.getByLabel(/has gone through version 2 of this plan with me/).check();
  await page.getByRole('button', { name: 'Record agreement' }).click();
  await page.getByRole('button', { name: 'Record that the plan was shared' }).click();
  await page.getByText('Agreed and shared').waitFor();
  await expectAccessible(page, 'care plan agreed and shared');
  await screenshot(page, '13-care-plan-shared');
  await page.getByRole('link', { name: 'Letter to the person and their GP' }).click();
  await expectHeading(page, 'Your care plan');
  await expectAccessible(page, 'care plan letter');
  await screenshot(page, '14-care-plan-letter');
  const letter = await fetchPdf(page, page.url().replace(/\/letter$/, '/letter.pdf'), '14-care-plan-letter');
  const letterText = letter.text.join('\n');
  assert.match(letterText, /Call Citizens Advice about the arrears/);
  assert.match(letterText, /Samaritans/);

  // The safety plan, written with her, and the copy she keeps.
  await page.goto(`${base}/patients/${w.patient.id}`);
  await page.getByRole('link', { name: 'Write a safety plan with the person' }).click();
  await expectAccessible(page, 'safety plan form');
  const plan: Record<string, string> = {
    'My reasons for living': 'My cat, Pepper. My brother Sam.',
    'My warning signs': 'Lying awake worrying about money. Not answering the phone.',
    'Things I can do on my own': 'A hot shower, then music with headphones.',
    'People and places that distract me': 'The café on Mill Street. Pub quiz on Thursdays.',
    'People I can ask for help': 'Sam (brother), 07700 900123',
    'Making my surroundings safer': 'Sam keeps my spare tablets; razor blades out of the flat.',
  };
  for (const [label, text] of Object.entries(plan)) await page.getByLabel(label, { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Save safety plan' }).click();
  await page.getByRole('button', { name: 'Open the person’s copy' }).click();
  await page.getByText('Samaritans').first().waitFor();
  await expectAccessible(page, 'safety plan copy');
  await screenshot(page, '15-safety-plan-copy');
  await page.getByRole('button', { name: 'Print this plan' }).waitFor();
  await page.emulateMedia({ media: 'print' });
  await screenshot(page, '16-safety-plan-copy-printed');
  await page.emulateMedia({ media: 'screen' });
  const copy = await fetchPdf(page, page.url().replace(/\/copy$/, '/copy.pdf'), '16-safety-plan');
  assert.equal(copy.pages, 1, 'the copy she keeps is one page');
  const copyText = copy.text.join('\n');
  assert.match(copyText, /My cat, Pepper/);
  for (const line of ['111', '116 123', '85258', '999']) assert.ok(copyText.includes(line), line);

  await page.goto(`${base}/patients/${w.patient.id}`);
  const timeline = await page.locator('.onward-timeline').textContent();
  assert.match(
    timeline ?? '',
    /Safety plan, version 1[\s\S]*Care plan, version 2, shared[\s\S]*Psychosocial assessment[\s\S]*Presentation at/,
  );
  await expectAccessible(page, 'summary with the whole timeline');
  await screenshot(page, '17-timeline');

  // Putting the record right: she left the department late that evening.
  await page.getByRole('link', { name: /Add when they left and how/ }).click();
  await expectHeading(page, 'Complete or correct a presentation');
  await expectAccessible(page, 'presentation completion form');
  const leaving = page.getByRole('group', { name: 'Leaving the emergency department' });
  await leaving.getByLabel('Day').fill(d);
  await leaving.getByLabel('Month').fill(m);
  await leaving.getByLabel('Year').fill(y);
  await leaving.getByLabel('Time').fill('23:50');
  await page.getByLabel('Discharged home').check();
  await page.getByRole('button', { name: 'Save presentation' }).click();
  await page.getByRole('heading', { name: 'History' }).waitFor();
  assert.match((await page.locator('main').textContent()) ?? '', /Completed: when they left and how/);
  await expectAccessible(page, 'presentation with its history');
  await screenshot(page, '18-presentation-history');

  // Something learned after the assessment was signed: an addendum, never an edit.
  await page.goto(`${base}/patients/${w.patient.id}`);
  await page.getByRole('link', { name: 'Psychosocial assessment' }).click();
  await page.getByLabel('Add to this assessment').fill('Her brother Sam rang: he will stay with her this week.');
  await page.getByRole('button', { name: 'Add addendum' }).click();
  await page.getByText(/Added by .* on /).waitFor();
  await expectAccessible(page, 'assessment with an addendum');
  await screenshot(page, '19-assessment-addendum');

  // Care ends with a recorded decision; the follow-up is still due, so it must say why.
  await page.goto(`${base}/patients/${w.patient.id}`);
  await page.getByRole('link', { name: 'Discharge from your team’s caseload' }).click();
  await expectHeading(page, 'Discharge from the caseload');
  await page.getByText('The 48-hour follow-up is still due').waitFor();
  await expectAccessible(page, 'discharge form');
  await screenshot(page, '20-discharge');
  await page.getByLabel('Admitted to hospital').check();
  const [ld, lm, ly] = dateParts(new Date());
  const ended = page.getByRole('group', { name: 'When did care end?' });
  await ended.getByLabel('Day').fill(ld);
  await ended.getByLabel('Month').fill(lm);
  await ended.getByLabel('Year').fill(ly);
  await page.getByRole('button', { name: 'Discharge from the caseload' }).click();
  await page
    .getByText(/48-hour follow-up is still due: say why/)
    .first()
    .waitFor();
  await expectAccessible(page, 'discharge refused');
  await page.getByLabel('Why is the 48-hour follow-up not needed?').fill('Admitted to Ward 4 this morning.');
  await page.getByRole('button', { name: 'Discharge from the caseload' }).click();
  await page.getByText(/has been discharged from your team’s caseload/).waitFor();
  await expectAccessible(page, 'caseload after a discharge');
  await screenshot(page, '21-caseload-after-discharge');
  await page.context().close();
}
