/**
 * @module Real Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core (never a
 * downloaded browser). Where it is missing on a developer's machine the suites say so loudly and skip; in
 * CI (CI=true) a missing browser fails the run.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { DEFAULT_WIDGET, type SiteWidget } from '../../shared/api';
import { adminApi } from '../../server/test/agents';
import { login, openAgent } from '../../server/test/clients';
import { ADMIN, startTestServer, type TestServer, type TestServerOptions } from '../../server/test/harness';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);

if (!available) {
  if (process.env.CI) throw new Error(`Chromium is missing at ${CHROMIUM}: CI must install it (apt-get install -y chromium).`);
  console.warn(`\n!!! BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\`. !!!\n`);
}

/** `describe` when Chromium is there, `describe.skip` (after the warning above) when it is not. */
export const browserDescribe = available ? describe : describe.skip;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The test server and Chromium of the file it is called in: started before its tests (the admin put on duty
 * in between when `onDuty`: SPEC T1, so the widget offers its chat), stopped after them in the reverse
 * order. Read `server` and `browser` inside tests and hooks; the file's own beforeAll hooks run after this
 * one's. A test that restarts the server sets `server` to the new one, which is then the one stopped.
 *
 * @example const e2e = serverAndChromium({ onDuty: true }); // then, in a test: await newPage(e2e.browser)
 */
export function serverAndChromium(options: { server?: TestServerOptions; onDuty?: boolean } = {}): { server: TestServer; readonly browser: Browser } {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let offDuty: (() => void) | undefined;
  beforeAll(async () => {
    server = await startTestServer(options.server);
    if (options.onDuty) offDuty = await agentOnDuty(server);
    browser = await launchChromium();
  });
  afterAll(async () => {
    offDuty?.();
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the server and Chromium start in beforeAll: read them inside tests and hooks');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    set server(restarted) {
      server = restarted;
    },
    get browser() {
      return started(browser);
    },
  };
}

/** A page in a fresh context (its own storage: a new visitor); `errors` collects uncaught page errors. */
export async function newPage(
  browser: Browser,
  options: { locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: options.locale ?? 'pt-BR' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
  return { context, page, errors };
}

/** A new visitor on the server's demo page opens the chat and sends `text`, waiting until it shows as sent. */
export async function visitorSays(e2e: { server: TestServer; browser: Browser }, text: string) {
  const visitor = await newPage(e2e.browser);
  await visitor.page.goto(`${e2e.server.url}/`);
  const w = widget(visitor.page);
  await w.launcher.click();
  await w.input.fill(text);
  await w.input.press('Enter');
  await w.root.locator('.log li.msg.sent', { hasText: text }).waitFor();
  return { ...visitor, w };
}

/** The widget's parts, reached through its open shadow root (Playwright pierces open shadow roots). */
export const widget = (page: Page) => {
  const root = page.locator('papo-widget');
  return {
    root,
    launcher: root.locator('button.launcher'),
    panel: root.locator('.panel'),
    input: root.locator('textarea'),
    send: root.locator('button.send'),
    counter: root.locator('.counter'),
    messages: root.locator('.log li.msg'),
    bubble: (text: string) => root.locator('.log li.msg .bubble', { hasText: text }),
  };
};

export async function signInToConsole(page: Page, url: string, email = ADMIN.email, password = ADMIN.password): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.locator('.workspace .status.online').waitFor();
}

/**
 * SPEC T1: the widget shows its chat only while someone can answer. Browser tests that are not about the
 * offline form keep the admin on duty: Available, with room for every conversation the file makes, and a
 * console socket open (reconnected after a server restart by calling it again). Answers the close function.
 */
export async function agentOnDuty(server: TestServer): Promise<() => void> {
  const cookie = await login(server);
  const headers = { cookie, origin: server.origin, 'content-type': 'application/json' };
  const me = (await (await fetch(`${server.url}/api/v1/me`, { headers })).json()) as { agent: { id: string } };
  await fetch(`${server.url}/api/v1/agents/${me.agent.id}`, { method: 'PATCH', headers, body: JSON.stringify({ capacity: 50 }) });
  await fetch(`${server.url}/api/v1/me/availability`, { method: 'PUT', headers, body: JSON.stringify({ state: 'available' }) });
  const { socket } = await openAgent(server, cookie);
  return () => socket.ws.close();
}

/** Saves the demo site's widget settings: the defaults with `patch` over them (as an admin would). */
export async function setWidget(server: TestServer, patch: Partial<SiteWidget>): Promise<void> {
  const site = await server.papo.store.sites.byKey(server.siteKey);
  const admin = await adminApi(server);
  const answer = await admin.put(`/sites/${site!.id}/widget`, { ...DEFAULT_WIDGET, ...patch });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

/**
 * Points of a grid over the viewport at which the widget, not the page, receives the click, outside the
 * launcher's box (its badge inside) and the bubble beside it while one shows.
 */
export async function pointsCoveredByWidget(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = document.querySelector('papo-widget')!.shadowRoot!;
    const boxes = ['.launcher', '.note']
      .map((s) => root.querySelector(s)!.getBoundingClientRect())
      .filter((r) => r.width > 0);
    let covered = 0;
    for (let x = 5; x < innerWidth; x += 40) {
      for (let y = 5; y < innerHeight; y += 40) {
        const allowed = boxes.some((b) => x >= b.left && x <= b.right && y >= b.top && y <= b.bottom);
        if (!allowed && document.elementFromPoint(x, y)?.tagName === 'PAPO-WIDGET') covered++;
      }
    }
    return covered;
  });
}

/**
 * The site owner's page on its own origin, which the test server's demo site then allows. (Chromium refuses
 * a page the test fulfils itself with `page.route` the socket to 127.0.0.1.) `render` writes the HTML for
 * each request's URL.
 */
export async function ownerPage(server: TestServer, render: (url: URL) => string): Promise<{ url: string; siteId: string; close: () => Promise<void> }> {
  const host = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(render(new URL(req.url ?? '/', 'http://owner.test')));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  const site = (await server.papo.store.sites.byKey(server.siteKey))!;
  await server.papo.store.sites.update(site.id, { allowedOrigins: [...site.allowedOrigins, url] });
  return { url, siteId: site.id, close: () => new Promise<void>((resolve) => host.close(() => resolve())) };
}
