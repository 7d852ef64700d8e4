import { chromium } from 'playwright-core';

const base = 'http://127.0.0.1:3111';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
await page.goto(`${base}/sign-in`);
await page.getByLabel('Username').fill(process.argv[2]!);
await page.getByLabel('Password', { exact: true }).fill('onward-demo-2026');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.goto(base + process.argv[3]!);
const sel = process.argv[4] || 'body';
const y = await page.evaluate((s) => document.querySelector(s)!.getBoundingClientRect().top + window.scrollY, sel);
await page.screenshot({
  path: `/tmp/shots/${process.argv[5] ?? 'x'}.png`,
  fullPage: true,
  clip: { x: 0, y: y + Number(process.argv[6] ?? 0), width: 1100, height: 1400 },
});
await browser.close();
