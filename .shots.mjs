import { chromium } from 'playwright-core';
const url = process.argv[2] ?? 'http://127.0.0.1:8915';
const out = '/work/wt/shots/site';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
for (const [locale, tag] of [['pt-BR', 'pt'], ['en-US', 'en']]) {
  for (const [w, h, size] of [[1280, 2200, "desktop"], [390, 3200, "phone"]]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.log('pageerror', e.message));
    await page.goto(`${url}/console/`);
    await page.fill('input[name=email]', 'admin@example.com');
    await page.fill('input[name=password]', 'secret-pass-123');
    await page.click('button[type=submit]');
    await page.locator('.workspace').waitFor();
    await page.locator('.topbar .sections button').last().click().catch(async () => { await page.locator('button.section').last().click(); });
    await page.locator('#adm-tab-sites').click();
    await page.locator('.adm-site').waitFor();
    await page.waitForTimeout(700);
    await page.screenshot({ path: `${out}/sites-${tag}-${size}.png`, fullPage: true });
    await ctx.close();
  }
}
await browser.close();
