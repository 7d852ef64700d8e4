import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

// Page objects: each finds things the way a person does, by role and label, never by CSS class.

export const signInPage = {
  async open(page: Page, base: string) {
    await page.goto(`${base}/sign-in`);
    await page.getByRole('heading', { level: 1, name: 'Sign in to Onward' }).waitFor();
  },
  async signIn(page: Page, username: string, password: string) {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  },
};

export const header = {
  async signOut(page: Page) {
    await page.getByRole('button', { name: 'Sign out' }).click();
  },
  async go(page: Page, link: string) {
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: link }).click();
  },
};

export const findPatientPage = {
  async byNhsNumber(page: Page, nhsNumber: string) {
    await page.getByLabel('NHS number').fill(nhsNumber);
    await page.getByRole('button', { name: 'Search by NHS number' }).click();
  },
  async errorSummary(page: Page) {
    const summary = page.getByRole('alert');
    await summary.waitFor();
    return ((await summary.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  },
  async openResult(page: Page, name: string) {
    await page.getByRole('link', { name }).click();
  },
};

export async function heading(page: Page): Promise<string> {
  const h1 = page.getByRole('heading', { level: 1 });
  return ((await h1.textContent()) ?? '').trim();
}

export async function expectHeading(page: Page, expected: string | RegExp) {
  const text = await heading(page);
  if (typeof expected === 'string') assert.equal(text, expected);
  else assert.match(text, expected);
}
