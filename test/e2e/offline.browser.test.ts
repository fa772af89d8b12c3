/**
 * Issue 4 in Chromium, the visitor's side: the leave-a-message form when nobody can answer (SPEC T1), the
 * composer coming back live, and End chat with its rating, transcript download and transcript e-mail
 * (SPEC R8, T5, T6), against a real server and a real SMTP server.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../../server/test/harness';
import { startSmtp, type TestSmtp } from '../../server/test/smtp';
import { agentOnDuty, browserDescribe, launchChromium, newPage, signInToConsole, widget } from './browser';

let smtp: TestSmtp;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startTestServer({ env: smtp.env, ticketing: 'product' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
});

async function openWidget() {
  const visitor = await newPage(browser);
  await visitor.page.goto(`${server.url}/`);
  const w = widget(visitor.page);
  await w.launcher.click();
  return { ...visitor, w, form: w.root.locator('form.card'), composer: w.root.locator('#papo-compose') };
}

browserDescribe('the widget when nobody can answer, and at the end of a chat', () => {
  it('T1: nobody available: the widget says so, and the message left becomes a ticket with its number', async () => {
    const { context, errors, w, form, composer } = await openWidget();
    await form.waitFor();
    expect(await w.root.locator('.head .sub').textContent()).toBe('Ninguém disponível agora');
    expect(await composer.isVisible()).toBe(false);

    // Proper labels, required marks, and 16px inputs (iOS does not zoom).
    const email = w.root.getByRole('textbox', { name: 'E-mail', exact: true });
    expect(await w.root.locator('label[for=papo-f-email]').textContent()).toBe('E-mail *');
    expect(await w.root.locator('label[for=papo-f-name]').textContent()).toBe('Nome');
    expect(await email.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
    expect(await w.root.getByRole('textbox', { name: 'Mensagem', exact: true }).evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');

    // Checked before sending: the problem is named by its field, which takes the focus.
    await email.fill('ana@');
    await form.locator('button[type=submit]').click();
    await w.root.locator('#papo-f-email-err', { hasText: 'Informe um e-mail válido.' }).waitFor();
    await w.root.locator('#papo-f-message-err', { hasText: 'Preencha este campo.' }).waitFor();
    expect(await email.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);

    await w.root.getByRole('textbox', { name: 'Nome', exact: true }).fill('Ana Souza');
    await email.fill('ana@example.com');
    await w.root.getByRole('textbox', { name: 'Mensagem', exact: true }).fill('Vocês entregam em Curitiba?');
    await form.locator('button[type=submit]').click();
    const confirmation = w.root.locator('.card.ok');
    await confirmation.waitFor();
    const number = /chamado #(\d+)/.exec((await confirmation.textContent()) ?? '')?.[1];
    expect(number).toMatch(/^\d+$/);
    expect(await form.count()).toBe(0);

    // SPEC T8: the requester gets the confirmation by e-mail.
    const mail = await smtp.waitFor((m) => m.to.includes('ana@example.com'));
    expect(`${mail.subject}\n${mail.text}`).toContain(`#${number}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('T1: the composer replaces the form when an agent becomes available, and the form comes back when none is', async () => {
    const { context, errors, form, composer } = await openWidget();
    await form.waitFor();
    const offDuty = await agentOnDuty(server);
    await composer.waitFor();
    expect(await form.count()).toBe(0);
    offDuty();
    await form.waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('R8/T5/T6: End chat asks first; then the visitor rates, downloads and e-mails the transcript, and starts anew', async () => {
    const offDuty = await agentOnDuty(server);
    const agent = await newPage(browser);
    await signInToConsole(agent.page, server.url);
    const { page, context, errors, w, composer } = await openWidget();
    await composer.fill('Olá! Vocês entregam em Curitiba?');
    await composer.press('Enter');
    const item = agent.page.locator('#inbox-waiting ~ ul .item', { hasText: 'Curitiba' });
    await item.waitFor();
    await item.click();
    await agent.page.locator('#reply').fill('Entregamos sim, em 2 dias úteis.');
    await agent.page.locator('#reply').press('Enter');
    await w.bubble('Entregamos sim, em 2 dias úteis.').waitFor();

    // A confirmation inside the widget; Escape takes it back without closing the chat.
    await composer.fill('Um rascunho');
    const end = w.root.locator('.head button.quit');
    await end.click();
    const confirm = w.root.locator('.confirm button.send');
    await w.root.locator('.confirm', { hasText: 'Encerrar esta conversa?' }).waitFor();
    await expect.poll(() => confirm.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => w.root.locator('.confirm').count()).toBe(0);
    expect(await w.panel.isVisible()).toBe(true);
    await end.click();
    await confirm.click();

    const panel = w.root.locator('.card.ended');
    await panel.waitFor();
    await w.root.locator('.notice', { hasText: 'Você encerrou a conversa' }).waitFor();
    expect(await composer.isVisible()).toBe(false);
    expect(await end.count()).toBe(0);
    await agent.page.locator('.messages', { hasText: /encerrou|ended/i }).waitFor();

    // Rating by keyboard: the stars are buttons with aria-pressed.
    const four = w.root.getByRole('button', { name: '4 de 5' });
    await four.focus();
    await page.keyboard.press('Space');
    expect(await four.getAttribute('aria-pressed')).toBe('true');
    expect(await w.root.locator('.stars [aria-pressed=true]').count()).toBe(1);
    await w.root.getByLabel('Comentário (opcional)').fill('Muito rápido!');
    await panel.locator('form button[type=submit]').first().click();
    await panel.locator('[role=status]', { hasText: 'Obrigado pela avaliação!' }).waitFor();

    // The transcript of what the widget holds, as a file.
    const [download] = await Promise.all([page.waitForEvent('download'), panel.locator('a[download]').click()]);
    expect(download.suggestedFilename()).toBe('transcript.txt');
    const text = readFileSync(await download.path(), 'utf8');
    expect(text).toContain('Transcrição da conversa');
    expect(text).toContain('Você: Olá! Vocês entregam em Curitiba?');
    expect(text).toContain('Ana Admin: Entregamos sim, em 2 dias úteis.');
    expect(text).toContain('Você encerrou a conversa');

    // And by e-mail, through the server.
    await w.root.getByLabel('Receber a transcrição por e-mail').fill('ana.transcript@example.com');
    await w.root.getByLabel('Receber a transcrição por e-mail').press('Enter');
    await panel.locator('[role=status]', { hasText: 'Transcrição enviada para ana.transcript@example.com.' }).waitFor();
    const mail = await smtp.waitFor((m) => m.to.includes('ana.transcript@example.com'));
    expect(mail.text).toContain('Entregamos sim, em 2 dias úteis.');

    // New conversation: the composer is back, with the focus and the draft, and the old messages are gone.
    await panel.getByRole('button', { name: 'Nova conversa' }).click();
    await composer.waitFor();
    // The focus moves once the composer is drawn: wait for it (a loaded machine draws late), never assume it.
    await expect.poll(() => composer.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), { timeout: 10_000 }).toBe(true);
    expect(await w.messages.count()).toBe(1); // the greeting
    expect(await composer.inputValue()).toBe('Um rascunho'); // a draft outlives the end
    await composer.fill('Outra pergunta: e para Porto Alegre?');
    await composer.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'Porto Alegre' }).waitFor();
    await end.waitFor(); // a new, open conversation

    expect([...errors, ...agent.errors]).toEqual([]);
    offDuty();
    await agent.context.close();
    await context.close();
  });
});
