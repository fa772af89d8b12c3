/**
 * Issue 5 in Chromium, the visitor's conversation: typing both ways (W1), "Seen", the unread badge and the
 * hidden tab's title (W2), agent names, day separators and safe links (W4), languages, keyboard-only use,
 * the conversation list (W7) and identity switches (W6). Real server, real widget, a real agent socket.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { userHash } from '../../server/domain/identity';
import { login, openAgent, type TestSocket } from '../../server/test/clients';
import { send, summaryOf, waitFrames } from '../../server/test/agents';
import { startTestServer, type TestServer } from '../../server/test/harness';
import { agentOnDuty, browserDescribe, launchChromium, newPage, ownerPage, widget } from './browser';

let server: TestServer;
let offDuty: (() => void) | undefined;
let browser: Browser;
let agent: TestSocket;
let cookie: string;
/** The site owner's pages, on their own origin (a page the test fulfils itself may not reach 127.0.0.1). */
let closeHost: (() => Promise<void>) | undefined;
let hostUrl: string;
let siteId: string;

beforeAll(async () => {
  server = await startTestServer();
  offDuty = await agentOnDuty(server);
  browser = await launchChromium();
  cookie = await login(server);
  agent = (await openAgent(server, cookie)).socket;
  // The demo site (its queue has the agent on duty) also allows the owner's page.
  ({ url: hostUrl, siteId, close: closeHost } = await ownerPage(server, (url) => {
    const lang = url.searchParams.get('lang');
    return `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>Loja</title></head>
      <body><a href="#top" id="first">Topo</a>
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

/** A new visitor on the site owner's page (optionally with data-lang). */
async function visitorPage(options: { lang?: string } = {}) {
  const opened = await newPage(browser);
  await opened.page.goto(`${hostUrl}/${options.lang ? `?lang=${options.lang}` : ''}`);
  return { ...opened, w: widget(opened.page) };
}

/** The visitor writes `text` in the composer and sends it; answers its conversation id (the agent's view). */
async function say(page: Page, text: string): Promise<string> {
  const w = widget(page);
  await w.input.fill(text);
  await w.input.press('Enter');
  await w.root.locator('.log li.msg.sent', { hasText: text }).waitFor();
  return conversationOf(text);
}

const conversationOf = (first: string) =>
  waitFrames(agent, (frames) => frames.map(summaryOf).find((s) => s?.firstMessage === first)?.id, `the conversation that began "${first}"`);

async function agentSays(conversationId: string, text: string): Promise<number> {
  const answer = await send(agent, conversationId, text);
  if (answer.type !== 'ack') throw new Error(`the agent's message was refused: ${answer.code}`);
  return answer.seq;
}

/** Makes the page's tab hidden or visible as far as the page can tell (headless tabs are always visible). */
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);

browserDescribe('issue 5: the visitor\'s conversation in Chromium', () => {
  it('W1/W2/W4: typing both ways, agent name with initials, "Hoje", safe links, and "Visto" once the agent has seen', async () => {
    const { page, context, errors, w } = await visitorPage();
    await w.launcher.click();
    const first = 'Oi, quero saber do meu pedido 🙂';
    const id = await say(page, first);
    agent.send({ type: 'watch', conversationId: id, afterSeq: 0 });

    // The agent's reply: name, initials, a day separator, an http link that works and a javascript: one that stays text.
    await agentSays(id, 'Olá! Veja https://exemplo.com.br/pedidos. Não clique em javascript:alert(document.domain) 👋🏽');
    const bubble = w.bubble('Veja');
    await bubble.waitFor();
    expect(await bubble.textContent()).toBe('Olá! Veja https://exemplo.com.br/pedidos. Não clique em javascript:alert(document.domain) 👋🏽');
    const link = bubble.locator('a');
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute('href')).toBe('https://exemplo.com.br/pedidos');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await w.root.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await w.root.locator('.log li.msg.theirs .who').last().textContent()).toBe('Ana Admin');
    expect(await w.root.locator('.log li.msg.theirs .av').last().textContent()).toBe('AA');
    expect(await w.root.locator('.log li.day').allTextContents()).toEqual(['Hoje']);
    // The polite live region announces the agent's message with the name; the visitor's own never went there.
    const live = w.root.locator('[aria-live="polite"]');
    expect(await live.textContent()).toBe('Ana Admin: Olá! Veja https://exemplo.com.br/pedidos. Não clique em javascript:alert(document.domain) 👋🏽');

    // W1: the agent types; the widget says so, and stops saying so on `off`.
    agent.send({ type: 'typing', conversationId: id, on: true });
    await w.root.locator('.typing', { hasText: 'Ana Admin está digitando…' }).waitFor();
    const dot = w.root.locator('.typing .dots i').first();
    expect(await dot.evaluate((el) => getComputedStyle(el).animationName)).toBe('papo-dot');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await dot.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
    agent.send({ type: 'typing', conversationId: id, on: false });
    await w.root.locator('.typing').waitFor({ state: 'detached' });

    // W1: the visitor types; the agent's socket hears it, then `off` when the message goes.
    await w.input.click();
    await page.keyboard.type('Ainda está');
    await waitFrames(agent, (f) => f.find((x) => x.type === 'typing' && x.conversationId === id && x.on && x.author.kind === 'visitor'), 'visitor typing on');
    await page.keyboard.type(' aí?');
    await page.keyboard.press('Enter');
    await waitFrames(agent, (f) => f.find((x) => x.type === 'typing' && x.conversationId === id && !x.on), 'visitor typing off');
    expect(await live.textContent()).toContain('Ana Admin: Olá!'); // not "Ainda está aí?"

    // W2: the window is open and the tab visible: the visitor's seen reaches the agent.
    await waitFrames(agent, (f) => f.find((x) => x.type === 'seen' && x.conversationId === id && x.by === 'visitor' && x.seq >= 3), 'the visitor\'s seen');
    // W2: "Visto" appears under the visitor's last message the agent has seen, and only there.
    const last = await waitFrames(agent, (f) => f.findLast((x) => x.type === 'event' && x.event.conversationId === id && x.event.text === 'Ainda está aí?'), 'the second message');
    expect(await w.root.locator('.meta', { hasText: 'Visto' }).count()).toBe(0);
    agent.send({ type: 'seen', conversationId: id, seq: last.type === 'event' ? last.event.seq : 0 });
    await w.root.locator('.log li.msg.mine', { hasText: 'Ainda está aí?' }).locator('.meta', { hasText: 'Visto' }).waitFor();
    expect(await w.root.locator('.meta', { hasText: 'Visto' }).count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('W2: while the window is closed or the tab hidden, agent messages are unread: badge, unread event, "(n)" title; reading clears them', async () => {
    const { page, context, w } = await visitorPage();
    await page.evaluate(() => {
      const log: number[] = [];
      (window as unknown as { unreadLog: number[] }).unreadLog = log;
      (window as unknown as { Papo: { on: (e: string, f: (n: number) => void) => void } }).Papo.on('unread', (n) => log.push(n));
    });
    await w.launcher.click();
    const id = await say(page, 'Contagem de não lidas');
    await page.keyboard.press('Escape');
    await agentSays(id, 'Primeira resposta');
    await agentSays(id, 'Segunda resposta');
    await w.root.locator('.badge', { hasText: '2' }).waitFor();
    await expect.poll(() => page.evaluate(() => (window as unknown as { unreadLog: number[] }).unreadLog.at(-1))).toBe(2);

    // Open but in a hidden tab: still unread, and the title counts them.
    await setHidden(page, true);
    await w.launcher.click();
    await agentSays(id, 'Terceira resposta');
    await expect.poll(() => page.title()).toBe('(3) Loja');
    // Back to the tab: read, the title restored, the badge gone.
    await setHidden(page, false);
    await expect.poll(() => page.title()).toBe('Loja');
    await expect.poll(() => page.evaluate(() => (window as unknown as { unreadLog: number[] }).unreadLog.at(-1))).toBe(0);
    await waitFrames(agent, (f) => f.find((x) => x.type === 'seen' && x.conversationId === id && x.by === 'visitor' && x.seq >= 5), 'the visitor\'s seen');
    await context.close();
  });

  it('languages: data-lang es, then Papo.setLocale("en"): strings and dates switch at once', async () => {
    const { page, context, w } = await visitorPage({ lang: 'es' });
    await w.launcher.click();
    await w.root.locator('h2', { hasText: 'Habla con nosotros' }).waitFor();
    expect(await w.input.getAttribute('placeholder')).toBe('Escribe tu mensaje…');
    await say(page, 'Hola, ¿tienen envío a Madrid?');
    expect(await w.root.locator('.log li.day').allTextContents()).toEqual(['Hoy']);
    await page.evaluate(() => (window as unknown as { Papo: { setLocale: (l: string) => void } }).Papo.setLocale('en'));
    await w.root.locator('h2', { hasText: 'Chat with us' }).waitFor();
    expect(await w.root.locator('.log li.day').allTextContents()).toEqual(['Today']);
    expect(await w.input.getAttribute('placeholder')).toBe('Write your message…');
    expect(await w.root.locator('.log li.msg.greeting').textContent()).toBe('Hi! 👋 How can we help?');
    await context.close();
  });

  it('keyboard only: Tab to the launcher, Enter opens with focus in the composer, Enter sends, Escape closes back to the launcher', async () => {
    const { page, context, w } = await visitorPage();
    await w.launcher.waitFor();
    const focusedInWidget = () =>
      page.evaluate(() => {
        const el = document.querySelector('papo-widget')?.shadowRoot?.activeElement;
        return el ? `${el.tagName.toLowerCase()}.${el.className}` : document.activeElement?.id ?? '';
      });
    for (let i = 0; i < 5 && !(await focusedInWidget()).includes('launcher'); i++) await page.keyboard.press('Tab');
    expect(await focusedInWidget()).toContain('launcher');
    await page.keyboard.press('Enter');
    await expect.poll(focusedInWidget).toBe('textarea.');
    await page.keyboard.type('Só com o teclado');
    await page.keyboard.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'Só com o teclado' }).waitFor();
    // Tab reaches the header's buttons and back around to the composer without leaving the window's order.
    await page.keyboard.press('Shift+Tab');
    expect(await focusedInWidget()).not.toBe('textarea.');
    await page.keyboard.press('Escape');
    await w.panel.waitFor({ state: 'hidden' });
    await expect.poll(focusedInWidget).toContain('launcher');
    await context.close();
  });

  it('W7: the conversation list; a past conversation read-only; "Nova conversa" only when none is open', async () => {
    const { page, context, w } = await visitorPage();
    await w.launcher.click();
    await say(page, 'Primeira conversa da lista');
    // End it (R8): the end panel offers a new conversation.
    await w.root.locator('button.quit').click();
    await w.root.locator('.confirm button.send').click();
    await w.root.locator('.log li.notice', { hasText: 'Você encerrou a conversa' }).waitFor();

    const listButton = w.root.locator('button[aria-label="Conversas"]');
    await listButton.click();
    const rows = w.root.locator('.convs li');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Encerrada');
    expect(await rows.first().textContent()).toContain('Primeira conversa da lista');
    expect(await rows.first().textContent()).toContain('Hoje');
    await w.root.locator('button', { hasText: 'Nova conversa' }).click();
    await expect.poll(() => w.input.isVisible()).toBe(true);
    await say(page, 'Segunda conversa da lista');

    await listButton.click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain('Em andamento');
    expect(await w.root.locator('button', { hasText: 'Nova conversa' }).count()).toBe(0); // C3: one is open
    // The old one: its history, read-only; back to the open one.
    await rows.nth(1).locator('button').click();
    await w.bubble('Primeira conversa da lista').waitFor();
    expect(await w.bubble('Segunda conversa da lista').count()).toBe(0);
    expect(await w.input.isVisible()).toBe(false);
    await w.root.locator('.log button', { hasText: 'Voltar' }).click();
    await w.bubble('Segunda conversa da lista').waitFor();
    expect(await w.input.isVisible()).toBe(true);
    await context.close();
  });

  it('W6: Papo.identify with another user starts a fresh session; the first user finds their history again', async () => {
    const res = await fetch(`${server.url}/api/v1/sites/${siteId}/identity-secret`, { method: 'POST', headers: { cookie, origin: server.origin } });
    expect(res.status).toBe(200);
    const { identitySecret } = (await res.json()) as { identitySecret: string };
    const proof = (userId: string) => ({ userId, userHash: userHash(identitySecret, userId), name: `Cliente ${userId}` });
    const identify = (p: Page, userId: string) =>
      p.evaluate((arg) => (window as unknown as { Papo: { identify: (i: unknown) => void } }).Papo.identify(arg), proof(userId));

    const { page, context, w } = await visitorPage();
    await identify(page, 'user-1');
    await w.launcher.click();
    await say(page, 'Sou o usuário 1');
    await identify(page, 'user-2');
    await expect.poll(() => w.bubble('Sou o usuário 1').count()).toBe(0);
    await say(page, 'Sou o usuário 2');
    await identify(page, 'user-1');
    await w.bubble('Sou o usuário 1').waitFor();
    expect(await w.bubble('Sou o usuário 2').count()).toBe(0);

    // Another device (a new browser context) identified as user-2 sees user-2's conversation.
    const other = await visitorPage();
    await identify(other.page, 'user-2');
    await other.w.launcher.click();
    await other.w.bubble('Sou o usuário 2').waitFor();
    await other.context.close();

    // A wrong proof: the server refuses it, and the window asks to sign in instead of offering the composer.
    await page.evaluate(() =>
      (window as unknown as { Papo: { identify: (i: unknown) => void } }).Papo.identify({ userId: 'user-3', userHash: '0'.repeat(64) }),
    );
    await w.root.locator('.card', { hasText: 'Faça login no site para conversar.' }).waitFor();
    expect(await w.input.isVisible()).toBe(false);
    await context.close();
  });

  it('phones: under 480 px the window fills the screen and follows the visual viewport (the on-screen keyboard); inputs at 16 px', async () => {
    const { page, context, w } = await visitorPage();
    await page.setViewportSize({ width: 375, height: 667 });
    await w.launcher.click();
    await w.input.waitFor();
    const box = () => w.root.locator('.chat').boundingBox();
    expect(await box()).toMatchObject({ x: 0, y: 0, width: 375, height: 667 });
    expect(await w.input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);
    // The keyboard takes the lower part: the visual viewport shrinks, and the composer stays above it.
    await page.setViewportSize({ width: 375, height: 380 });
    await expect.poll(async () => (await box())?.height).toBe(380);
    // (Headless Chromium has no on-screen keyboard: the layout viewport shrinks with it here, so this also
    // checks that the visualViewport listener set the panel's height.)
    expect(await w.panel.evaluate((el) => (el as HTMLElement).style.getPropertyValue('--papo-vh'))).toBe('380px');
    const composer = await w.root.locator('.composer').boundingBox();
    expect(composer!.y + composer!.height).toBeLessThanOrEqual(380);
    await context.close();
  });
});
