import { chromium } from 'playwright-core';

const base = 'http://127.0.0.1:3111';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
async function as(user: string, paths: string[]) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password', { exact: true }).fill('onward-demo-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  for (const p of paths) {
    await page.goto(base + p);
    const name = `${user}${p.replace(/[^a-z0-9]+/gi, '_')}`;
    await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
    console.log(name, await page.title());
  }
  await page.close();
}
await as('consultant', ['/']);
await as('manager', ['/figures']);
await as('analyst', ['/figures']);
await browser.close();
