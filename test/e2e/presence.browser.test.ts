/**
 * The presence grace in Chromium (SPEC R13, T1, T2): an agent pressing F5 on its console, and a server
 * restart under open widgets, turn no waiting chat into a ticket; the widget shows its no-connection state
 * while the server is away, and never "nobody available" or the leave-a-message form because of it.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { adminApi, routed, startConversation, stored } from '../../server/test/agents';
import { login } from '../../server/test/clients';
import { startTestServer, type TestServer } from '../../server/test/harness';
import { allTickets, supportQueueId } from '../../server/test/tickets-helpers';
import { agentOnDuty, browserDescribe, launchChromium, newPage, signInToConsole, widget } from './browser';

let server: TestServer;
let browser: Browser;

beforeEach(async () => {
  // T2 as shipped (waiting chats nobody can take become tickets), and the product's default grace.
  server = await startTestServer({ ticketing: 'product', env: { PRESENCE_GRACE_MS: '30000' } });
  browser = await launchChromium();
});
afterEach(async () => {
  await browser?.close();
  await server?.stop();
});

interface Seen {
  nobody: boolean;
  form: boolean;
  /** How many times the no-connection banner appeared. */
  banners: number;
}

/**
 * Records, from now on, whether the widget ever showed the leave-a-message form or said nobody is
 * available (pt-BR), and how many times its no-connection banner appeared.
 */
async function watchWidget(page: Page): Promise<void> {
  await page.evaluate(() => {
    const root = document.querySelector('papo-widget')!.shadowRoot!;
    const seen: Seen = { nobody: false, form: false, banners: 0 };
    let banner = false;
    (window as unknown as { seen: Seen }).seen = seen;
    const check = () => {
      if (root.querySelector('form.card')) seen.form = true;
      if (root.querySelector('.head .sub')?.textContent === 'Ninguém disponível agora') seen.nobody = true;
      const now = root.querySelector('.banner')?.textContent?.startsWith('Sem conexão') ?? false;
      if (now && !banner) seen.banners++;
      banner = now;
    };
    new MutationObserver(check).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    check();
  });
}

const seenBy = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen }).seen);

/** Counts the sockets a page opens (each reconnect attempt is one). */
function socketsOpened(page: Page): () => number {
  let n = 0;
  page.on('websocket', () => n++);
  return () => n;
}

browserDescribe('the presence grace in Chromium', () => {
  it('R13: an agent reloads its console (F5) with chats waiting: none becomes a ticket, and they are all back on its list', async () => {
    const admin = await adminApi(server);
    // The seeded admin steps aside: the agent below is the only one on duty in Support.
    expect((await admin.put('/me/availability', { state: 'unavailable' })).status).toBe(200);
    const agent = { email: 'carla@example.com', password: 'carla-password-123', name: 'Carla Dias' };
    expect((await admin.post('/agents', { ...agent, role: 'agent', capacity: 10, queueIds: [await supportQueueId(server)] })).status).toBe(201);

    const console = await newPage(browser);
    await signInToConsole(console.page, server.url, agent.email, agent.password);
    const waiting: string[] = [];
    for (const text of ['Preciso trocar o tamanho', 'Meu pedido não chegou', 'Vocês têm loja física?']) {
      const v = await startConversation(server, undefined, text);
      expect(v.session.site.online).toBe(true);
      waiting.push(v.conversationId);
      await console.page.locator('#inbox-waiting ~ ul .item', { hasText: text }).waitFor();
    }

    await console.page.reload();
    await console.page.locator('.workspace .status.online').waitFor();
    server.papo.router.kick();
    await routed(server);

    expect((await allTickets(server)).filter((t) => waiting.includes(t.conversationId ?? ''))).toEqual([]);
    for (const id of waiting) expect((await stored(server, id)).status).toBe('open');
    await expect.poll(() => console.page.locator('#inbox-waiting ~ ul .item').count()).toBe(waiting.length);
    expect(console.errors).toEqual([]);
  });

  it('R13/T1: across a server restart the widget shows its no-connection state, never the offline form, and its waiting chat stays a chat', async () => {
    await agentOnDuty(server);
    // One visitor with a chat waiting, one who has only opened the window.
    const writer = await newPage(browser);
    await writer.page.goto(`${server.url}/`);
    const w = widget(writer.page);
    await w.launcher.click();
    await w.input.fill('Alguém aí? Quero saber do frete.');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'frete' }).waitFor();
    const reader = await newPage(browser);
    await reader.page.goto(`${server.url}/`);
    const r = widget(reader.page);
    await r.launcher.click();
    await r.root.locator('#papo-compose').waitFor();
    for (const page of [writer.page, reader.page]) await watchWidget(page);
    const attempts = [writer.page, reader.page].map(socketsOpened);

    await server.stop();
    for (const x of [w, r]) await x.root.locator('.banner', { hasText: 'Sem conexão' }).waitFor();
    // The server stays away until each widget has tried to reconnect twice, and failed.
    await expect.poll(() => attempts.every((n) => n() >= 2), { timeout: 20_000 }).toBe(true);
    for (const x of [w, r]) expect(await x.root.locator('.head .sub').textContent()).toBe('Conectando…');
    server = await server.restart();
    // Both widgets are back (no banner) before the agent's console is: the grace after the start holds.
    for (const x of [w, r]) await expect.poll(() => x.root.locator('.banner').count(), { timeout: 20_000 }).toBe(0);
    for (const x of [w, r]) expect(await x.root.locator('#papo-compose').isVisible()).toBe(true);
    await agentOnDuty(server);
    server.papo.router.kick();
    await routed(server);

    // One banner for the whole outage (not one per reconnect attempt), and never "nobody available".
    for (const page of [writer.page, reader.page]) expect(await seenBy(page)).toEqual({ nobody: false, form: false, banners: 1 });
    expect(await allTickets(server)).toEqual([]);
    expect(await w.root.locator('.card.ok').count()).toBe(0); // no "your message became ticket #N"
    // The visitor's next message goes into the same, still waiting, conversation.
    await w.input.fill('Ainda estou aqui.');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'Ainda estou aqui.' }).waitFor();
    const conversations = await server.papo.store.conversations.list({ limit: 10 });
    expect(conversations.map((c) => c.status)).toEqual(['open']);
    expect([...writer.errors, ...reader.errors]).toEqual([]);
    await login(server); // the restarted server still signs agents in (nothing else was left broken)
  });
});
