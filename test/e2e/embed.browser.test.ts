import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { uuidv7 } from '../../server/ids';
import { openAgent } from '../../server/test/clients';
import { startTestServer, type TestServer } from '../../server/test/harness';
import { agentOnDuty, browserDescribe, launchChromium, newPage, pointsCoveredByWidget, widget } from './browser';

let server: TestServer;
let offDuty: (() => void) | undefined;
let browser: Browser;
/** A site owner's page on another origin than the Papo server. */
let host: Server;
let hostUrl: string;
const SITE_KEY = 'pk_host_site_test';

const HOSTILE_CSS = `
  papo-widget { display: none !important; position: static !important; }
  button { background: hotpink !important; font-size: 40px !important; width: 300px !important; }
  * { font-family: Georgia, serif !important; }
`;

function hostPage(papoUrl: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
    <link rel="stylesheet" href="/host.css">${head}</head>
    <body><h1>A shop on another origin</h1><button id="buy">Buy</button>
    <p style="height:2000px">content</p>
    <script async src="${papoUrl}/widget/papo.js" data-site="${SITE_KEY}"></script></body></html>`;
}

beforeAll(async () => {
  server = await startTestServer();
  offDuty = await agentOnDuty(server); // SPEC T1: someone can answer, so the widget shows its chat
  browser = await launchChromium();
  host = createServer((req, res) => {
    if (req.url === '/host.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end(HOSTILE_CSS);
    } else if (req.url === '/api.html') {
      // Calls queued before papo.js ran (the array form) must run once it loads.
      const head = `<script>window.received = []; window.Papo = [['on', 'message', function (m) { window.received.push(m); }]];</script>`;
      res.writeHead(200, { 'content-type': 'text/html' }).end(hostPage(server.url, head));
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(hostPage(server.url));
    }
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  // The host page's origin is the only one this site allows.
  await server.papo.store.sites.create({ id: uuidv7(), key: SITE_KEY, name: 'Host shop', allowedOrigins: [hostUrl], createdAt: Date.now() });
});

afterAll(async () => {
  offDuty?.();
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
  await server?.stop();
});

browserDescribe('the widget on a host page', () => {
  it('loads nothing but papo.js and the site\'s settings, and stores nothing, until the visitor opens the chat (SPEC W8)', async () => {
    const { page, context } = await newPage(browser);
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(server.url)) requests.push(new URL(r.url()).pathname);
    });
    page.on('websocket', (ws) => requests.push(`ws ${new URL(ws.url()).pathname}`));
    await page.goto(`${server.url}/`);
    await widget(page).launcher.waitFor();
    await page.waitForTimeout(2000); // long enough for an idle-time preload, which a new visitor must not get
    expect(requests.filter((p) => /^(\/widget\/|\/api\/|ws )/.test(p))).toEqual(['/widget/papo.js', '/api/v1/widget/settings']);
    expect(await page.evaluate(() => [Object.keys(localStorage), Object.keys(sessionStorage), document.cookie])).toEqual([[], [], '']);

    await widget(page).launcher.click();
    await widget(page).input.waitFor();
    expect(requests.some((p) => /^\/widget\/app-[\w-]+\.js$/.test(p))).toBe(true);
    expect(requests).toContain('ws /ws');
    await context.close();
  });

  it('works on a page with a strict Content-Security-Policy, with no violation', async () => {
    const { page, context, errors } = await newPage(browser);
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused to: ${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${server.url}/demo/strict-csp.html`);
    const w = widget(page);
    await w.launcher.click();
    await w.input.fill('mensagem numa página com CSP estrita');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'CSP estrita' }).waitFor();
    // Styles applied under the CSP: the launcher keeps its own size and colour.
    expect(await w.launcher.evaluate((el) => getComputedStyle(el).width)).toBe('60px');
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on another origin: loads its chunk over CORS, chats, and neither side\'s CSS leaks into the other', async () => {
    const { page, context, errors } = await newPage(browser);
    await page.goto(`${hostUrl}/`);
    const buyBefore = await page.locator('#buy').evaluate((el) => getComputedStyle(el).width);
    const w = widget(page);
    await w.launcher.waitFor();
    // The host's `papo-widget { display: none !important }` and `* { font-family }` do not reach the widget.
    expect(await w.launcher.isVisible()).toBe(true);
    expect(await w.launcher.evaluate((el) => [getComputedStyle(el).width, getComputedStyle(el).backgroundColor])).toEqual([
      '60px',
      'rgb(4, 120, 87)',
    ]);
    expect(await page.locator('#buy').evaluate((el) => getComputedStyle(el).width)).toBe(buyBefore);

    await w.launcher.click();
    await w.input.fill('hello from another origin');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'another origin' }).waitFor();
    expect(await w.root.locator('.chat').evaluate((el) => getComputedStyle(el).fontFamily)).not.toMatch(/Georgia/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a closed widget covers nothing but its launcher', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${hostUrl}/`);
    await widget(page).launcher.waitFor();
    expect(await pointsCoveredByWidget(page)).toBe(0);
    await widget(page).launcher.click();
    await widget(page).input.waitFor();
    expect(await pointsCoveredByWidget(page)).toBeGreaterThan(0); // the open panel does cover its corner
    await widget(page).input.press('Escape'); // Escape closes and gives focus back to the launcher
    await expect.poll(() => widget(page).panel.isHidden()).toBe(true);
    expect(await page.evaluate(() => document.querySelector('papo-widget')!.shadowRoot!.activeElement?.className)).toBe('launcher');
    expect(await pointsCoveredByWidget(page)).toBe(0);
    await context.close();
  });

  it('when the chat chunk cannot load, only the launcher stays, with a note, and a later click retries', async () => {
    const { page, context } = await newPage(browser);
    await page.route(/\/widget\/app-[\w-]+\.js$/, (route) => route.abort());
    await page.goto(`${hostUrl}/`);
    const w = widget(page);
    await w.launcher.click();
    await w.root.locator('.launcher.failed').waitFor();
    expect(await w.root.locator('.note button:not(.dismiss)').textContent()).toBe('The chat did not load.');
    expect(await w.panel.isHidden()).toBe(true);
    expect(await pointsCoveredByWidget(page)).toBe(0);

    await page.unroute(/\/widget\/app-[\w-]+\.js$/);
    await w.launcher.click();
    await w.input.waitFor();
    expect(await w.root.locator('.launcher.failed').count()).toBe(0);
    await context.close();
  });

  it('window.Papo: queued calls run after load, open() opens, and on(\'message\') hears the agent', async () => {
    const { page, context, errors } = await newPage(browser);
    await page.goto(`${hostUrl}/api.html`);
    await widget(page).launcher.waitFor();
    await page.evaluate(() => (window as unknown as { Papo: { open(): void } }).Papo.open());
    const w = widget(page);
    await w.input.waitFor();
    await w.input.fill('testando a API');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'testando a API' }).waitFor();

    const agent = await openAgent(server);
    const conversation = agent.session.conversations.find((c) => c.lastMessage?.text === 'testando a API');
    expect(conversation).toBeDefined();
    await agent.socket.say('resposta para a API', conversation!.id);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { received: { text: string; from: string }[] }).received))
      .toContainEqual(expect.objectContaining({ text: 'resposta para a API', from: 'agent', agentName: 'Ana Admin' }));
    await page.evaluate(() => (window as unknown as { Papo: { close(): void } }).Papo.close());
    await expect.poll(() => w.panel.isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await agent.socket.close();
    await context.close();
  });
});
