import { chromium, type Page, type Browser } from 'playwright-core';
const URL_ = process.env.URL!;
const OUT = '/work/wt/shots/flow';
const ADMIN = { email: 'admin@example.com', password: 'secret-pass-123' };
let n = 0;
async function ctx(browser: Browser, locale: string, width: number) {
  const context = await browser.newContext({ viewport: { width, height: width < 500 ? 844 : 800 }, locale });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e.message));
  return page;
}
async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${URL_}/console/`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.locator('.workspace .status.online').waitFor();
  if ((await page.locator('#availability').inputValue()) !== 'available') await page.selectOption('#availability', 'available');
}
async function run(browser: Browser, locale: string, width: number) {
  const tag = `${locale}-${width}`;
  const ana = await ctx(browser, locale, width);
  await signIn(ana, ADMIN.email, ADMIN.password);
  const i = ++n;
  const carla = { email: `carla${i}@example.com`, password: 'carla-password-123', name: 'Carla Souza' };
  const res = await ana.request.post(`${URL_}/api/v1/agents`, { data: { ...carla, role: 'agent', queueIds: [] } });
  if (!res.ok()) throw new Error(await res.text());
  const c = await ctx(browser, locale, width);
  await signIn(c, carla.email, carla.password);
  const v = await ctx(browser, locale, width);
  await v.goto(`${URL_}/`);
  const w = v.locator('papo-widget');
  await w.locator('button.launcher').click();
  const text = `Meu pedido ${i} não chegou.`;
  await w.locator('textarea').fill(text);
  await w.locator('textarea').press('Enter');
  await ana.locator('button.item', { hasText: text }).first().click();
  await ana.locator('.actions button').first().click();
  await ana.waitForTimeout(500);
  await ana.locator('.actions button', { hasText: locale === 'en' ? 'Conference' : 'Conferência' }).click();
  const dialog = ana.locator('dialog[open]');
  await dialog.locator('textarea').fill(locale === 'en' ? 'Can you confirm the delivery date?' : 'Pode confirmar o prazo de entrega?');
  await ana.screenshot({ path: `${OUT}/${tag}-1-invite-dialog.png` });
  await dialog.locator('.pick', { hasText: carla.name }).click();
  await c.locator('.popover.request').waitFor();
  await c.screenshot({ path: `${OUT}/${tag}-2-invite-card.png` });
  await c.locator('.popover.request button.decline').click();
  await ana.locator('.handoff-notice.declined').waitFor();
  await ana.screenshot({ path: `${OUT}/${tag}-3-declined-notice.png` });
  await ana.locator('.actions button', { hasText: locale === 'en' ? 'Transfer' : 'Transferir' }).click();
  await dialog.locator('textarea').fill(locale === 'en' ? 'VIP customer' : 'Cliente VIP');
  await dialog.locator('.pick', { hasText: carla.name }).click();
  await c.locator('.popover.request').waitFor();
  await c.screenshot({ path: `${OUT}/${tag}-4-transfer-card.png` });
  await c.locator('.popover.request button.primary').click();
  await ana.locator('.popover.wrap-up-card').waitFor();
  await ana.screenshot({ path: `${OUT}/${tag}-5-wrapup.png` });
  await c.locator('#side-events').click().catch(() => {});
  await c.waitForTimeout(500);
  await c.screenshot({ path: `${OUT}/${tag}-6-timeline.png`, fullPage: width < 500 });
  for (const p of [ana, c, v]) await p.context().close();
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const locale of ['pt-BR', 'en']) for (const width of [1280, 390]) await run(browser, locale, width);
} finally {
  await browser.close();
}
