import { chromium } from 'playwright-core';
const url = process.env.URL;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
async function signIn(page, email, password) {
  await page.goto(`${url}/console/`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.locator('.workspace .status.online').waitFor();
}
// Seed: Bruno agent
const admin = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 800 } });
const ap = await admin.newPage();
await signIn(ap, 'admin@example.com', 'secret-pass-123');
await ap.evaluate(async () => {
  for (const [email, name] of [['bruno@example.com', 'Bruno Lima'], ['carla@example.com', 'Carla Souza Mendes']]) {
    await fetch('/api/v1/agents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, name, password: 'bruno-password-long', role: 'agent', capacity: 3, queueIds: [] }) });
  }
});
const bruno = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 800 } });
const bp = await bruno.newPage();
await signIn(bp, 'bruno@example.com', 'bruno-password-long');
await ap.getByRole('button', { name: 'Equipe' }).click();
await ap.getByLabel('Mensagem para a equipe').fill('Bom dia, equipe! Quem cobre o chat das 14h? Tenho consulta médica e volto às 16h.');
await ap.getByLabel('Mensagem para a equipe').press('Enter');
await bp.locator('.topbar .section .badge').waitFor();
await bp.screenshot({ path: '/work/wt/shots/team/en-1280-badge.png' });
await bp.getByRole('button', { name: 'Team' }).click();
await bp.getByLabel('Message to the team').fill('I can cover it.');
await bp.getByLabel('Message to the team').press('Enter');
await bp.getByLabel('New direct message').selectOption({ label: 'Admin' }).catch(async () => {
  const opts = await bp.locator('#team-start option').allTextContents(); console.log(opts);
  await bp.locator('#team-start').selectOption({ index: 1 });
});
await bp.getByRole('textbox').fill('Ana, do you want me to take the Loja queue too?');
await bp.getByRole('textbox').press('Enter');
await bp.waitForTimeout(500);
await ap.waitForTimeout(500);
await ap.screenshot({ path: '/work/wt/shots/team/pt-1280-team.png' });
await bp.screenshot({ path: '/work/wt/shots/team/en-1280-dm.png' });
// phone
const phone = await browser.newContext({ locale: 'pt-BR', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
const pp = await phone.newPage();
await signIn(pp, 'bruno@example.com', 'bruno-password-long');
await pp.getByRole('button', { name: 'Equipe' }).click();
await pp.locator('.team .msg').first().waitFor();
await pp.screenshot({ path: '/work/wt/shots/team/pt-390-chat.png', fullPage: false });
await pp.locator('.team-back').click();
await pp.screenshot({ path: '/work/wt/shots/team/pt-390-list.png' });
const phoneEn = await browser.newContext({ locale: 'en', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
const pe = await phoneEn.newPage();
await signIn(pe, 'admin@example.com', 'secret-pass-123');
await pe.getByRole('button', { name: 'Team' }).click();
await pe.locator('.team .msg').first().waitFor();
await pe.screenshot({ path: '/work/wt/shots/team/en-390-chat.png' });
await pe.locator('.team-back').click();
await pe.screenshot({ path: '/work/wt/shots/team/en-390-list.png' });
await browser.close();
