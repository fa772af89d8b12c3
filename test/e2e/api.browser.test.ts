/**
 * The public JavaScript API and the site's widget settings, in Chromium (issue 5 "For site owners", SPEC W4,
 * W6, W8): window.Papo's queue, methods and events, the greeting bubble, the unread badge, the settings the
 * loader reads, strict identity, nothing stored before consent, and the npm entry.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uuidv7 } from '../../server/ids';
import { adminApi } from '../../server/test/agents';
import { openAgent } from '../../server/test/clients';
import { startTestServer, type TestServer } from '../../server/test/harness';
import type { PapoApi } from '../../widget/contract';
import { agentOnDuty, browserDescribe, launchChromium, newPage, pointsCoveredByWidget, widget } from './browser';

let server: TestServer;
let offDuty: (() => void) | undefined;
let browser: Browser;
/** A site owner's pages, on another origin than the Papo server. */
let host: Server;
let hostUrl: string;
/** Host pages by path: `/p/<name>` answers pages[name]. */
const pages = new Map<string, string>();

/** A site of its own for each test, so settings and storage never leak between them. */
async function site(widgetSettings?: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const id = uuidv7();
  const key = `pk_api_${id.slice(-12)}`;
  await server.papo.store.sites.create({ id, key, name: `API ${key}`, allowedOrigins: [hostUrl], createdAt: Date.now() });
  if (widgetSettings) {
    const admin = await adminApi(server);
    const current = await admin.get(`/sites/${id}/widget`);
    const saved = await admin.put(`/sites/${id}/widget`, { ...current.body, ...widgetSettings });
    expect(saved.status).toBe(200);
  }
  return { id, key };
}

/** Serves a host page with papo.js for `key`; `head` runs before the tag (the queue form). */
function hostPage(name: string, key: string, options: { head?: string; lang?: string; tag?: boolean } = {}): string {
  pages.set(
    name,
    `<!doctype html><html lang="${options.lang ?? 'pt-BR'}"><head><meta charset="utf-8"><title>Loja</title>${options.head ?? ''}</head>
    <body><h1>Uma loja</h1><p style="height:1500px">conteúdo</p>
    ${options.tag === false ? '' : `<script async src="${server.url}/widget/papo.js" data-site="${key}"></script>`}</body></html>`,
  );
  return `${hostUrl}/p/${name}`;
}

type PapoWindow = { Papo: PapoApi; events: Array<[string, unknown]> };
const papo = (page: Page) => ({
  call: (method: keyof PapoApi, ...args: unknown[]) =>
    page.evaluate(([m, a]) => ((window as unknown as PapoWindow).Papo[m as keyof PapoApi] as (...x: unknown[]) => void)(...(a as unknown[])), [
      method,
      args,
    ] as const),
  events: () => page.evaluate(() => (window as unknown as PapoWindow).events.map(([e, p]) => (p === undefined ? e : `${e}:${JSON.stringify(p)}`))),
});

/** Records every event in `window.events`, through the queue (before papo.js runs). */
const RECORD_EVENTS = `<script>window.events = []; window.Papo = window.Papo || [];
  ['ready', 'open', 'close', 'message', 'unread', 'conversation-ended'].forEach(function (e) {
    Papo.push(['on', e, function (p) { window.events.push([e, p && e === 'message' ? p.text : p]); }]);
  });</script>`;

const label = (page: Page) => widget(page).launcher.getAttribute('aria-label');
const storage = (page: Page) => page.evaluate(() => [Object.keys(localStorage), Object.keys(sessionStorage), document.cookie]);

beforeAll(async () => {
  server = await startTestServer();
  offDuty = await agentOnDuty(server); // SPEC T1: someone can answer, so the widget shows its chat
  browser = await launchChromium();
  host = createServer((req, res) => {
    const name = req.url?.startsWith('/p/') ? req.url.slice(3) : '';
    const html = pages.get(name);
    if (html) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});

afterAll(async () => {
  offDuty?.();
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
  await server?.stop();
});

browserDescribe('window.Papo and the site settings (issue 5, SPEC W4, W6, W8)', () => {
  it('calls queued before papo.js runs apply in order, ready fires once the launcher shows, and nothing is stored', async () => {
    const { key } = await site();
    const head = `${RECORD_EVENTS}<script>
      Papo.push(['setLocale', 'en'], ['showProactiveMessage', 'Olá! Posso ajudar?', { sender: 'Ana, Café Papo' }]);
      Papo.push(['hideLauncher'], ['showLauncher'], ['nonsense', 1], ['hasOwnProperty', 'x'], 'not a call');
    </script>`;
    const { page, context, errors } = await newPage(browser);
    await page.goto(hostPage('queue', key, { head }));
    await expect.poll(() => papo(page).events()).toEqual(['ready']);
    const w = widget(page);
    expect(await w.launcher.isVisible()).toBe(true);
    expect(await label(page)).toBe('Open chat'); // setLocale('en') over the page's pt-BR
    expect(await w.root.locator('.note').isVisible()).toBe(true);
    expect(await w.root.locator('.note b').textContent()).toBe('Ana, Café Papo');
    expect(await w.root.locator('.note button:not(.dismiss)').textContent()).toBe('Ana, Café PapoOlá! Posso ajudar?');
    // A listener added after ready still hears it, once.
    await page.evaluate(() => (window as unknown as PapoWindow).Papo.on('ready', () => (window as unknown as PapoWindow).events.push(['late-ready', undefined])));
    await expect.poll(() => papo(page).events()).toEqual(['ready', 'late-ready']);
    // A greeting bubble covers its own box only; nothing else of the page.
    expect(await pointsCoveredByWidget(page)).toBe(0);
    expect(await storage(page)).toEqual([[], [], '']); // SPEC W8: no open, no identify, nothing stored
    expect(errors).toEqual([]);
    await context.close();
  });

  it('open, close and toggle fire their events; hide/showLauncher; push works after load too', async () => {
    const { key } = await site();
    const { page, context, errors } = await newPage(browser);
    await page.goto(hostPage('events', key, { head: RECORD_EVENTS }));
    const w = widget(page);
    await w.launcher.waitFor();
    await papo(page).call('open');
    await w.input.waitFor();
    expect(await label(page)).toBe('Fechar chat');
    await papo(page).call('close');
    await expect.poll(() => w.panel.isHidden()).toBe(true);
    await papo(page).call('toggle');
    await w.input.waitFor();
    await papo(page).call('toggle');
    await expect.poll(() => w.panel.isHidden()).toBe(true);
    await expect.poll(() => papo(page).events()).toEqual(['ready', 'open', 'close', 'open', 'close']);

    await papo(page).call('hideLauncher');
    await expect.poll(() => w.launcher.isVisible()).toBe(false);
    expect(await pointsCoveredByWidget(page)).toBe(0);
    // The site's own button still opens the chat while the launcher is hidden.
    await page.evaluate(() => (window as unknown as PapoWindow).Papo.push(['open']));
    await w.input.waitFor();
    await papo(page).call('close');
    await papo(page).call('showLauncher');
    await w.launcher.waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('setLocale relabels the launcher at once, and the open chat follows', async () => {
    const { key } = await site();
    const { page, context } = await newPage(browser, { locale: 'en-US' });
    await page.goto(hostPage('locale', key)); // <html lang="pt-BR"> wins over the browser's English
    await widget(page).launcher.waitFor();
    expect(await label(page)).toBe('Abrir chat');
    await papo(page).call('setLocale', 'en');
    expect(await label(page)).toBe('Open chat');
    await papo(page).call('setLocale', 'fr'); // not a language of the widget: ignored
    expect(await label(page)).toBe('Open chat');
    await papo(page).call('open');
    await widget(page).input.waitFor();
    expect(await label(page)).toBe('Close chat');
    await papo(page).call('setLocale', 'es');
    expect(await label(page)).toBe('Cerrar chat');
    await context.close();
  });

  it('showProactiveMessage shows text as text, the close button dismisses it, and clicking it opens the chat', async () => {
    const { key } = await site();
    const { page, context, errors } = await newPage(browser);
    await page.goto(hostPage('greeting', key, { head: RECORD_EVENTS }));
    const w = widget(page);
    await w.launcher.waitFor();
    const hostile = '<img src=x onerror="window.pwned=1"><b>negrito</b>';
    await papo(page).call('showProactiveMessage', hostile);
    const bubble = w.root.locator('.note button:not(.dismiss)');
    expect(await bubble.textContent()).toBe(hostile);
    expect(await w.root.locator('.note img, .note b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    await w.root.locator('.note .dismiss').click();
    expect(await w.root.locator('.note').isHidden()).toBe(true);

    await papo(page).call('showProactiveMessage', 'Frete grátis hoje! Dúvidas?');
    await bubble.click();
    await w.input.waitFor();
    expect(await w.root.locator('.note').isHidden()).toBe(true); // an open chat dismisses it
    await papo(page).call('showProactiveMessage', 'not while open');
    expect(await w.root.locator('.note').isHidden()).toBe(true);
    await expect.poll(() => papo(page).events()).toEqual(['ready', 'open']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an agent message while the chat is closed shows the unread badge and fires unread; reading it clears both', async () => {
    const { key } = await site();
    const { page, context, errors } = await newPage(browser);
    await page.goto(hostPage('unread', key, { head: RECORD_EVENTS }));
    const w = widget(page);
    await w.launcher.click();
    await w.input.fill('preciso de ajuda com o pedido');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'pedido' }).waitFor();
    await papo(page).call('close');
    await expect.poll(() => w.panel.isHidden()).toBe(true);

    const agent = await openAgent(server);
    const conversation = agent.session.conversations.find((c) => c.lastMessage?.text === 'preciso de ajuda com o pedido');
    expect(conversation).toBeDefined();
    await agent.socket.say('Olá! Vou verificar.', conversation!.id);
    const badge = w.root.locator('.launcher .badge');
    await expect.poll(() => badge.textContent()).toBe('1');
    expect(await badge.isVisible()).toBe(true);
    expect(await label(page)).toBe('Abrir chat, novas mensagens: 1');
    await agent.socket.say('Seu pedido sai hoje.', conversation!.id);
    await expect.poll(() => badge.textContent()).toBe('2');
    expect(await pointsCoveredByWidget(page)).toBe(0); // the badge stays inside the launcher's box

    await w.launcher.click();
    await w.root.locator('.log li.msg', { hasText: 'Seu pedido sai hoje.' }).waitFor();
    await expect.poll(() => badge.textContent()).toBe('');
    const events = await papo(page).events();
    expect(events.filter((e) => e.startsWith('unread'))).toEqual(['unread:1', 'unread:2', 'unread:0']);
    expect(events).toContain('message:"Seu pedido sai hoje."');
    expect(errors).toEqual([]);
    await agent.socket.close();
    await context.close();
  });

  it('the site\'s colour (with the text colour of higher contrast), position and launcher text apply from the admin settings', async () => {
    const { key } = await site({ color: '#ffd700', position: 'left', launcherText: 'Fale conosco' });
    const { page, context } = await newPage(browser);
    await page.goto(hostPage('settings', key));
    const w = widget(page);
    await w.launcher.waitFor();
    const look = await w.launcher.evaluate((el) => {
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return { background: style.backgroundColor, color: style.color, left: box.left, right: innerWidth - box.right };
    });
    expect(look.background).toBe('rgb(255, 215, 0)');
    expect(look.color).toBe('rgb(0, 0, 0)'); // black on gold: 14.9:1 against white's 1.4:1
    expect(look.left).toBeLessThan(40);
    expect(look.right).toBeGreaterThan(600);
    expect(await w.root.locator('.launcher .label').textContent()).toBe('Fale conosco');
    expect(await label(page)).toBe('Fale conosco, Abrir chat');

    await w.launcher.click();
    await w.input.waitFor();
    const panel = await w.panel.evaluate((el) => el.getBoundingClientRect().left);
    expect(panel).toBeLessThan(40); // the window opens on the same side
    await context.close();
  });

  it('a site\'s language setting wins over the page and the browser', async () => {
    const { key } = await site({ locale: 'es' });
    const { page, context } = await newPage(browser, { locale: 'en-US' });
    await page.goto(hostPage('site-locale', key, { lang: 'pt-BR' }));
    await widget(page).launcher.waitFor();
    expect(await label(page)).toBe('Abrir chat');
    await papo(page).call('open');
    await widget(page).input.waitFor();
    expect(await label(page)).toBe('Cerrar chat');
    await context.close();
  });

  it('when the settings cannot be read the launcher still shows, with the defaults', async () => {
    const { key } = await site({ color: '#1e3a8a' });
    const { page, context } = await newPage(browser);
    await page.route(/\/api\/v1\/widget\/settings/, (route) => route.abort());
    await page.goto(hostPage('no-settings', key));
    const w = widget(page);
    await w.launcher.waitFor();
    expect(await w.launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(4, 120, 87)');
    await context.close();
  });

  it('SPEC W6: a strict site shows no launcher until identify, which loads the chat in the background (consent, SPEC W8)', async () => {
    const { id, key } = await site({ strictIdentity: true });
    const secret = (await (await adminApi(server)).post(`/sites/${id}/identity-secret`)).body.identitySecret as string;
    const { page, context, errors } = await newPage(browser);
    const appRequests: string[] = [];
    page.on('request', (r) => {
      if (/\/widget\/app-[\w-]+\.js$/.test(r.url())) appRequests.push(r.url());
    });
    await page.goto(hostPage('strict', key, { head: RECORD_EVENTS }));
    await expect.poll(() => papo(page).events()).toEqual(['ready']);
    const w = widget(page);
    expect(await w.launcher.isVisible()).toBe(false);
    await papo(page).call('showLauncher');
    expect(await w.launcher.isVisible()).toBe(false); // still no anonymous chat
    expect(appRequests).toEqual([]);

    const userId = 'cliente-42';
    const userHash = createHmac('sha256', secret).update(userId).digest('hex');
    await papo(page).call('identify', { userId, userHash, name: 'Joana Cliente', email: 'joana@example.com' });
    await w.launcher.waitFor();
    await expect.poll(() => appRequests.length).toBe(1);
    await w.launcher.click();
    await w.input.fill('sou cliente identificada');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'identificada' }).waitFor();
    // Identification is consent (SPEC W8): the chat may keep its session now.
    await expect.poll(async () => (await storage(page))[0]).toContain(`papo:${key}:session`);

    await papo(page).call('reset'); // logout: a strict site hides the launcher again, the session is forgotten
    await expect.poll(() => w.launcher.isVisible()).toBe(false);
    await expect.poll(async () => (await storage(page))[0]).not.toContain(`papo:${key}:session`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('SPEC W8: a page that uses the API but never opens the chat leaves no storage, no cookie and loads no chat', async () => {
    const { key } = await site();
    const { page, context } = await newPage(browser);
    const loaded: string[] = [];
    page.on('request', (r) => loaded.push(new URL(r.url()).pathname));
    page.on('websocket', (ws) => loaded.push(`ws ${new URL(ws.url()).pathname}`));
    await page.goto(hostPage('no-consent', key, { head: RECORD_EVENTS }));
    await widget(page).launcher.waitFor();
    await papo(page).call('showProactiveMessage', 'Oi!');
    await papo(page).call('setLocale', 'es');
    await papo(page).call('hideLauncher');
    await papo(page).call('showLauncher');
    await papo(page).call('close');
    await papo(page).call('reset');
    await page.waitForTimeout(1500); // an idle-time preload, which a new visitor must not get, would come by now
    expect(await storage(page)).toEqual([[], [], '']);
    expect(loaded.filter((p) => p.startsWith('/widget/app-') || p.startsWith('ws'))).toEqual([]);
    await context.close();
  });

  it('calls made while the chat loads apply in order: open, then sendMessage, then close', async () => {
    const { key } = await site();
    const { page, context, errors } = await newPage(browser);
    await page.goto(hostPage('loading', key, { head: RECORD_EVENTS }));
    await widget(page).launcher.waitFor();
    // One tick: the app is not loaded when the second and third calls are made.
    await page.evaluate(() => {
      const papoApi = (window as unknown as PapoWindow).Papo;
      papoApi.open();
      papoApi.sendMessage('enviada pela API');
      papoApi.sendMessage(42 as unknown as string); // not text: ignored
    });
    await widget(page).root.locator('.log li.msg.sent', { hasText: 'enviada pela API' }).waitFor();
    expect(await widget(page).panel.isVisible()).toBe(true);
    await expect.poll(() => papo(page).events()).toContain('message:"enviada pela API"');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a phone: the closed widget covers only its launcher, the open one fills the screen', async () => {
    const { key } = await site();
    const { page, context } = await newPage(browser);
    await page.setViewportSize({ width: 375, height: 700 });
    await page.goto(hostPage('phone', key));
    const w = widget(page);
    await w.launcher.waitFor();
    expect(await pointsCoveredByWidget(page)).toBe(0);
    await w.launcher.click();
    await w.input.waitFor();
    expect(await w.panel.evaluate((el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })).toEqual([0, 0, 375, 700]);
    expect(await w.launcher.isVisible()).toBe(false); // the window has its own close button
    await papo(page).call('close');
    await expect.poll(() => w.launcher.isVisible()).toBe(true);
    expect(await pointsCoveredByWidget(page)).toBe(0);
    await context.close();
  });

  it('the demo page /demo/api.html drives the widget through window.Papo and logs its events', async () => {
    const { page, context, errors } = await newPage(browser);
    await page.goto(`${server.url}/demo/api.html`);
    await page.locator('#log li', { hasText: 'ready' }).waitFor();
    await page.getByText('Saudação').click();
    expect(await widget(page).root.locator('.note button:not(.dismiss)').textContent()).toContain('Frete grátis');
    await page.getByText('English').click();
    expect(await label(page)).toBe('Open chat');
    await page.getByText('Abrir', { exact: true }).click();
    await widget(page).input.waitFor();
    await page.locator('#log li', { hasText: 'open' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the npm entry: a module page imports dist/widget/index.js, Papo.load(...) resolves on ready, Papo.open() opens', async () => {
    const { key } = await site();
    const head = `<script type="module">
      import { Papo } from '${server.url}/widget/index.js';
      window.events = [];
      Papo.on('open', () => window.events.push(['open', undefined]));   // before load: queued
      const first = Papo.load({ site: '${key}', server: '${server.url}', lang: 'en' });
      window.again = Papo.load({ site: '${key}', server: '${server.url}' }) === first; // once per page
      window.loaded = first.then(() => 'ready');
      window.npmPapo = Papo;
    </script>`;
    const { page, context, errors } = await newPage(browser);
    await page.goto(hostPage('npm', key, { head, tag: false }));
    expect(await page.evaluate(() => (window as unknown as { loaded: Promise<string> }).loaded)).toBe('ready');
    expect(await page.evaluate(() => (window as unknown as { again: boolean }).again)).toBe(true);
    expect(await page.locator('script[src$="/widget/papo.js"]').count()).toBe(1);
    expect(await label(page)).toBe('Open chat'); // lang: 'en' became data-lang
    await page.evaluate(() => (window as unknown as { npmPapo: PapoApi }).npmPapo.open());
    await widget(page).input.waitFor();
    await expect.poll(() => papo(page).events()).toEqual(['open']);
    // The types ship beside it.
    const types = await fetch(`${server.url}/widget/papo.d.ts`);
    expect(types.status).toBe(200);
    expect(await types.text()).toContain('export declare const Papo: PapoClient;');
    expect(errors).toEqual([]);
    await context.close();
  });
});
