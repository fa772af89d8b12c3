/**
 * Issue 15 in Chromium, what the visitor is told: the list reopens at the first unread message (else the
 * newest) and stays put while the visitor reads older ones; a new agent message while the chat is closed
 * shows beside the launcher; while waiting, the place in the queue and how soon the team usually answers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { login, openAgent, type TestSocket } from '../../server/test/clients';
import { send, summaryOf, waitFrames } from '../../server/test/agents';
import { startTestServer, type TestServer } from '../../server/test/harness';
import { agentOnDuty, browserDescribe, launchChromium, ownerPage, pointsCoveredByWidget, setWidget, widget } from './browser';

let server: TestServer;
let offDuty: (() => void) | undefined;
let browser: Browser;
let agent: TestSocket;
let closeHost: (() => Promise<void>) | undefined;
let hostUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  offDuty = await agentOnDuty(server);
  browser = await launchChromium();
  agent = (await openAgent(server, await login(server))).socket;
  ({ url: hostUrl, close: closeHost } = await ownerPage(server, (url) => {
    const lang = url.searchParams.get('lang');
    return `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>Loja</title></head>
      <body><h1>Loja</h1>
      <script async src="${server.url}/widget/papo.js" data-site="${server.siteKey}"${lang ? ` data-lang="${lang}"` : ''}></script></body></html>`;
  }));
});
afterAll(async () => {
  agent?.ws.close();
  await closeHost?.();
  offDuty?.();
  await browser?.close();
  await server?.stop();
});

async function visitorPage(options: { lang?: string; width?: number } = {}) {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 800 }, locale: options.lang === 'en' ? 'en-US' : 'pt-BR' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${hostUrl}/${options.lang ? `?lang=${options.lang}` : ''}`);
  return { context, page, errors, w: widget(page) };
}

async function say(page: Page, text: string): Promise<string> {
  const w = widget(page);
  await w.input.fill(text);
  await w.input.press('Enter');
  await w.root.locator('.log li.msg.sent', { hasText: text }).waitFor();
  return waitFrames(agent, (frames) => frames.map(summaryOf).find((s) => s?.firstMessage === text)?.id, `the conversation that began "${text}"`);
}

async function agentSays(conversationId: string, text: string): Promise<void> {
  const answer = await send(agent, conversationId, text);
  if (answer.type !== 'ack') throw new Error(`the agent's message was refused: ${answer.code}`);
}

/** The message list's scroll box, and where the message with `text` sits in it. */
const scroll = (page: Page, text?: string) =>
  page.evaluate((t) => {
    const log = document.querySelector('papo-widget')!.shadowRoot!.querySelector<HTMLElement>('.log')!;
    const li = t ? [...log.querySelectorAll<HTMLElement>('li.msg')].find((el) => el.textContent!.includes(t)) : null;
    const box = log.getBoundingClientRect();
    const at = li?.getBoundingClientRect();
    return {
      top: log.scrollTop,
      atBottom: log.scrollHeight - log.scrollTop - log.clientHeight < 4,
      /** The message's top is inside the visible part of the list. */
      inView: at ? at.top >= box.top && at.top < box.bottom : null,
    };
  }, text);

const LONG = 'Uma resposta comprida para encher a conversa: confira o prazo, o endereço e o número do pedido antes de continuar.';

browserDescribe('issue 15: widget feedback in Chromium', () => {
  it('reopens at the first unread agent message, else the newest; a visitor reading older messages stays put with "Novas mensagens"', async () => {
    const { page, context, errors, w } = await visitorPage();
    await w.launcher.click();
    const id = await say(page, 'Oi, preciso de ajuda com o pedido');
    for (let i = 1; i <= 14; i++) await agentSays(id, `${i}. ${LONG}`);
    await w.bubble('14. Uma resposta').waitFor();
    expect((await scroll(page)).atBottom).toBe(true);

    // Closed, two more arrive; reopened, the list shows the first of them, not the top of the conversation.
    await w.launcher.click();
    await agentSays(id, `Primeira não lida. ${LONG}`);
    await agentSays(id, `Segunda não lida. ${LONG}`);
    await w.root.locator('.launcher .badge', { hasText: '2' }).waitFor();
    await w.launcher.click();
    await w.bubble('Segunda não lida').waitFor();
    await expect.poll(async () => (await scroll(page, 'Primeira não lida')).inView).toBe(true);
    expect((await scroll(page)).top).toBeGreaterThan(0);

    // Nothing unread: closed and reopened, the newest.
    await w.launcher.click();
    await w.launcher.click();
    await expect.poll(async () => (await scroll(page)).atBottom).toBe(true);

    // Reading older messages, a new one does not pull the list down: a button says so and goes there.
    // The visitor scrolls to the top once the reopened list has settled (its opening scroll may land a frame
    // later than the first sight of the bottom), and its scroll event reaches the widget before the message.
    const toTop = () =>
      page.evaluate(async () => {
        const log = document.querySelector('papo-widget')!.shadowRoot!.querySelector<HTMLElement>('.log')!;
        log.scrollTop = 0;
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        return log.scrollTop;
      });
    await expect.poll(toTop, { timeout: 10_000 }).toBe(0);
    await agentSays(id, 'Mais uma coisa!');
    await w.bubble('Mais uma coisa!').waitFor();
    const more = w.root.locator('button.more');
    await more.waitFor();
    expect(await more.textContent()).toBe('Novas mensagens ↓');
    expect((await scroll(page)).top).toBe(0);
    await more.click();
    await expect.poll(async () => (await scroll(page)).atBottom).toBe(true);
    expect(await more.count()).toBe(0);
    // The visitor's own message always goes to the bottom.
    await page.evaluate(() => {
      document.querySelector('papo-widget')!.shadowRoot!.querySelector('.log')!.scrollTop = 0;
    });
    await w.input.fill('Obrigado');
    await w.input.press('Enter');
    await expect.poll(async () => (await scroll(page)).atBottom).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('an agent message while the chat is closed shows beside the launcher with the name, dismissable, and opens the chat (desktop and 390 px)', async () => {
    for (const [width, left] of [
      [1280, false],
      [390, true],
    ] as const) {
      if (left) await setWidget(server, { position: 'left' });
      const { page, context, errors, w } = await visitorPage({ width });
      await w.launcher.click();
      const id = await say(page, `Olá, uma dúvida (${width})`);
      // The window's own close button (on a phone the open window covers the launcher).
      await w.root.locator('.head button[aria-label="Fechar chat"]').click();
      const long = 'Oi! Aqui é a Ana. Encontrei o seu pedido 4521: ele saiu para entrega hoje de manhã e deve chegar até as 18h, combinado?';
      await agentSays(id, long);
      const note = w.root.locator('.note');
      await note.waitFor({ timeout: 5000 });
      expect(await note.getAttribute('role')).toBe('status'); // a polite live region
      expect(await note.locator('b').textContent()).toBe('Ana Admin');
      const text = (await note.locator('button:not(.dismiss)').textContent())!.slice('Ana Admin'.length);
      expect(text.length).toBeLessThanOrEqual(80);
      expect(text.endsWith('…')).toBe(true);
      expect(text).toBe('Oi! Aqui é a Ana. Encontrei o seu pedido 4521: ele saiu para entrega hoje de…'); // at a word's end
      expect(long.startsWith(text.slice(0, -1))).toBe(true);
      expect(await w.root.locator('.launcher .badge').textContent()).toBe('1');

      // Beside the launcher, on the launcher's side, inside the screen; the page stays usable around it.
      const [n, l] = [(await note.boundingBox())!, (await w.launcher.boundingBox())!];
      expect(n.y + n.height).toBeLessThanOrEqual(l.y);
      if (left) expect(Math.abs(n.x - l.x)).toBeLessThan(2);
      else expect(Math.abs(n.x + n.width - (l.x + l.width))).toBeLessThan(2);
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(width);
      expect(await pointsCoveredByWidget(page)).toBe(0);

      // Dismissed, it goes; the next message brings it back, and clicking it opens the chat.
      await note.locator('.dismiss').click();
      expect(await note.isHidden()).toBe(true);
      await agentSays(id, 'Está por aí?');
      await expect.poll(() => note.isVisible()).toBe(true);
      expect(await note.locator('button:not(.dismiss)').textContent()).toBe('Ana AdminEstá por aí?');
      await note.locator('button:not(.dismiss)').click();
      await w.panel.waitFor();
      expect(await note.isHidden()).toBe(true);
      await w.bubble('Está por aí?').waitFor();
      expect(errors).toEqual([]);
      await context.close();
    }
    await setWidget(server, { position: 'right' });
  }, 120_000);

  it('while waiting: the place in the queue and how soon the team usually answers, in pt-BR and English; gone once an agent answers', async () => {
    for (const [lang, width, expected] of [
      // Whatever the earlier tests measured, the first visitor's chat is answered at once below.
      ['pt-BR', 1280, null],
      ['en', 1280, ['Your place in the queue: 1', 'We usually reply right away']],
      ['pt-BR', 390, ['Sua posição na fila: 1', 'Normalmente respondemos na hora']],
    ] as const) {
      const { page, context, errors, w } = await visitorPage({ width, ...(lang === 'en' ? { lang: 'en' } : {}) });
      await w.launcher.click();
      const id = await say(page, `Alguém aí? (${lang}, ${width})`);
      const queue = w.root.locator('.queue');
      await queue.waitFor();
      if (expected) {
        await expect.poll(() => queue.locator('span').allTextContents()).toEqual(expected);
      } else expect(await queue.locator('span').first().textContent()).toBe('Sua posição na fila: 1');
      await agentSays(id, 'Estou aqui!');
      await w.bubble('Estou aqui!').waitFor();
      expect(await queue.count()).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    }
  }, 120_000);
});
