/**
 * SPEC W5 in Chromium: with the site's pre-chat form on, a new visitor answers it before the first message
 * (form first, its last field being that message); required fields block sending with inline errors; the
 * answers name the visitor, the requester e-mail and the queue the agent sees; the form comes back for a new
 * conversation; a refusal by the server shows on the form; an identified visitor skips it.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SiteWidget } from '../../shared/api';
import type { ConversationSummary } from '../../shared/protocol';
import { login, openAgent, type TestSocket } from '../../server/test/clients';
import { adminApi, makeQueue, waitFrames } from '../../server/test/agents';
import { startTestServer, type TestServer } from '../../server/test/harness';
import { agentOnDuty, browserDescribe, launchChromium, newPage, setWidget, widget } from './browser';

let server: TestServer;
let offDuty: (() => void) | undefined;
let browser: Browser;
let agent: TestSocket;
let queue: { id: string; name: string };
const CONSENT = 'Li e aceito a política de privacidade.';

const prechat = (patch: Partial<SiteWidget['prechat']> = {}): Partial<SiteWidget> => ({
  prechat: { enabled: true, name: 'required', email: 'required', queues: [queue.id], consent: CONSENT, ...patch },
});

/** The conversation summary the agent socket received whose first message is `text`. */
const conversationOf = (text: string) =>
  waitFrames<ConversationSummary>(
    agent,
    (frames) => frames.flatMap((f) => ((f.type === 'conversation' || f.type === 'event') && f.conversation?.firstMessage === text ? [f.conversation] : [])).at(-1),
    `the conversation "${text}"`,
  );

async function open(page: Page) {
  page.setDefaultTimeout(10_000); // a step that hangs fails by its own name, before the test's timeout
  await page.goto(`${server.url}/`);
  const w = widget(page);
  await w.launcher.click();
  const form = w.root.locator('form.card', { has: page.locator('#papo-p-message') });
  return { w, form, field: (name: string) => w.root.locator(`#papo-p-${name}`) };
}

beforeAll(async () => {
  server = await startTestServer();
  offDuty = await agentOnDuty(server);
  const cookie = await login(server);
  ({ socket: agent } = await openAgent(server, cookie));
  const me = (await (await adminApi(server)).get('/me')).body as { agent: { id: string } };
  queue = await makeQueue(server, { name: 'Financeiro', agentIds: [me.agent.id] });
  browser = await launchChromium();
});
afterAll(async () => {
  agent?.ws.close();
  offDuty?.();
  await browser?.close();
  await server?.stop();
});

browserDescribe('W5 the pre-chat form in the widget (Chromium)', () => {
  it('shows first, blocks on required fields with inline errors, then starts the conversation with the answers', async () => {
    await setWidget(server, prechat());
    const { page, context, errors } = await newPage(browser);
    const { w, form, field } = await open(page);
    await form.waitFor();
    // The form stands in for the composer; its first field has the focus.
    expect(await w.root.locator('.composer').isVisible()).toBe(false);
    await expect.poll(() => field('name').evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    expect(await form.getByLabel('Nome').count()).toBe(1);
    expect(await form.getByLabel('E-mail').count()).toBe(1);
    expect(await form.getByLabel('Assunto').locator('option').allTextContents()).toEqual(['Financeiro']);
    expect(await form.getByLabel(CONSENT).count()).toBe(1);
    for (const name of ['name', 'email', 'message']) expect(await field(name).evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');

    await form.getByRole('button', { name: 'Iniciar conversa' }).click();
    for (const name of ['name', 'email', 'message']) {
      expect(await field(name).getAttribute('aria-invalid')).toBe('true');
      expect(await field(name).getAttribute('aria-describedby')).toBe(`papo-p-${name}-err`);
      expect(await w.root.locator(`#papo-p-${name}-err`).textContent()).toBe('Preencha este campo.');
    }
    expect(await w.root.locator('#papo-p-consent-err').textContent()).toBe('Marque para continuar.');
    // The focus goes to the first problem.
    expect(await field('name').evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);

    // Keyboard only from here: type, Tab along, tick with Space, send with Enter.
    await page.keyboard.type('Joana Lima');
    await page.keyboard.press('Tab');
    await page.keyboard.type('joana@');
    expect(await field('name').getAttribute('aria-invalid')).toBeNull(); // fixed fields lose their error
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Minha fatura veio em dobro.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await form.getByRole('button', { name: 'Iniciar conversa' }).press('Enter');
    expect(await w.root.locator('#papo-p-email-err').textContent()).toBe('Informe um e-mail válido.');
    expect(await w.root.locator('.log li.msg.mine').count()).toBe(0); // nothing left the form
    await field('email').fill('Joana@Example.com');
    await form.getByRole('button', { name: 'Iniciar conversa' }).click();

    await w.root.locator('.log li.msg.mine .bubble', { hasText: 'Minha fatura veio em dobro.' }).waitFor();
    await form.waitFor({ state: 'detached' });
    expect(await w.root.locator('.composer').isVisible()).toBe(true);
    const conversation = await conversationOf('Minha fatura veio em dobro.');
    expect(conversation).toMatchObject({ visitorName: 'Joana Lima', requesterEmail: 'joana@example.com', queueId: queue.id });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('optional fields may stay empty; the form comes back for a new conversation after the end', async () => {
    await setWidget(server, prechat({ name: 'optional', email: 'off', queues: [], consent: null }));
    const { page, context } = await newPage(browser);
    const { w, form, field } = await open(page);
    await form.waitFor();
    expect(await field('email').count()).toBe(0);
    expect(await field('queue').count()).toBe(0);
    expect(await field('consent').count()).toBe(0);
    await field('message').fill('Pergunta rápida');
    await form.getByRole('button', { name: 'Iniciar conversa' }).click();
    await w.root.locator('.log li.msg.sent', { hasText: 'Pergunta rápida' }).waitFor();
    expect((await conversationOf('Pergunta rápida')).visitorName).toBeNull();

    await w.root.getByRole('button', { name: 'Encerrar chat' }).first().click();
    await w.root.locator('.banner.confirm').getByRole('button', { name: 'Encerrar chat' }).click();
    await w.root.getByRole('button', { name: 'Nova conversa' }).click();
    await form.waitFor();
    await field('name').fill('Rui');
    await field('message').fill('Outra pergunta');
    await form.getByRole('button', { name: 'Iniciar conversa' }).click();
    await w.root.locator('.log li.msg.sent', { hasText: 'Outra pergunta' }).waitFor();
    expect((await conversationOf('Outra pergunta')).visitorName).toBe('Rui');
    await context.close();
  });

  it('a refusal by the server shows on the form, with the answers kept', async () => {
    // "ana@loja.x" passes the widget's quick check but not the server's (a one-letter top-level domain).
    await setWidget(server, prechat({ name: 'optional', email: 'optional', queues: [], consent: null }));
    const { page, context } = await newPage(browser);
    const { w, form, field } = await open(page);
    await field('email').fill('ana@loja.x');
    await field('message').fill('Meu e-mail está certo?');
    await form.getByRole('button', { name: 'Iniciar conversa' }).click();
    await expect.poll(() => w.root.locator('#papo-p-email-err').textContent().catch(() => null)).toBe('Informe um e-mail válido.');
    expect(await field('email').getAttribute('aria-invalid')).toBe('true');
    expect(await field('email').inputValue()).toBe('ana@loja.x');
    expect(await field('message').inputValue()).toBe('Meu e-mail está certo?');
    expect(await field('email').evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    // Fixed and sent again: one conversation, with the message.
    await field('email').fill('ana@loja.com.br');
    await form.getByRole('button', { name: 'Iniciar conversa' }).click();
    await w.root.locator('.log li.msg.sent', { hasText: 'Meu e-mail está certo?' }).waitFor();
    expect((await conversationOf('Meu e-mail está certo?')).requesterEmail).toBe('ana@loja.com.br');
    expect(await w.root.locator('.log li.msg.failed').count()).toBe(0);
    await context.close();
  });

  it('in English and Spanish too (the site chooses the language)', async () => {
    for (const [locale, start, required] of [
      ['en', 'Start chat', 'Fill in this field.'],
      ['es', 'Iniciar conversación', 'Completa este campo.'],
    ] as const) {
      await setWidget(server, { ...prechat(), locale });
      const { page, context } = await newPage(browser);
      const { form, field } = await open(page);
      await form.getByRole('button', { name: start }).click();
      expect(await field('name-err').textContent()).toBe(required);
      await context.close();
    }
  });

  it('an identified visitor skips the form', async () => {
    const secret = 'segredo-do-site-para-assinar-usuarios';
    await setWidget(server, prechat());
    const site = await server.papo.store.sites.byKey(server.siteKey);
    await server.papo.store.sites.update(site!.id, { identitySecret: secret });
    const { page, context } = await newPage(browser);
    await page.goto(`${server.url}/`);
    const userHash = createHmac('sha256', secret).update('cliente-42').digest('hex');
    await page.evaluate((proof) => (window as unknown as { Papo: { identify(p: unknown): void } }).Papo.identify(proof), { userId: 'cliente-42', userHash, name: 'Carla', email: 'carla@example.com' });
    const w = widget(page);
    await w.launcher.click();
    await w.input.fill('Sou cliente identificada');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'Sou cliente identificada' }).waitFor();
    expect(await w.root.locator('#papo-p-message').count()).toBe(0);
    await context.close();
  });
});
