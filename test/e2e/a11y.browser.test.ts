/**
 * Issue 5 accessibility: axe-core in Chromium finds no WCAG 2.0/2.1 A and AA violations in the widget (its
 * open shadow root) closed, open with messages, showing the pre-chat form, and showing the offline form.
 */
import axe from 'axe-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { login, openAgent, type TestSocket } from '../../server/test/clients';
import { send, summaryOf, waitFrames } from '../../server/test/agents';
import { startTestServer, type TestServer } from '../../server/test/harness';
import { agentOnDuty, browserDescribe, launchChromium, newPage, ownerPage, setWidget, widget } from './browser';

let server: TestServer;
let browser: Browser;
let closeHost: (() => Promise<void>) | undefined;
let hostUrl: string;
let cookie: string;
let offDuty: (() => void) | undefined;
let agent: TestSocket | undefined;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  cookie = await login(server);
  ({ url: hostUrl, close: closeHost } = await ownerPage(
    server,
    () => `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>Loja</title></head>
      <body><main><h1>Loja</h1></main><script async src="${server.url}/widget/papo.js" data-site="${server.siteKey}"></script></body></html>`,
  ));
});
afterAll(async () => {
  agent?.ws.close();
  offDuty?.();
  await browser?.close();
  await closeHost?.();
  await server?.stop();
});

/** axe-core's WCAG 2.0/2.1 A and AA violations inside the widget, as "rule: target (summary)" lines. */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source });
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run({ include: [['papo-widget']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    // The check reached into the shadow root: nodes there passed rules (targets are [host, inner] paths).
    const inside = result.passes.flatMap((p) => p.nodes).filter((n) => Array.isArray(n.target[0])).length;
    return [
      ...(inside === 0 ? ['axe checked nothing inside the shadow root'] : []),
      ...result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)} (${n.failureSummary ?? ''})`)),
    ];
  });
}

async function open(): Promise<{ page: Page; close: () => Promise<void> }> {
  const { page, context } = await newPage(browser);
  await page.goto(hostUrl);
  await widget(page).launcher.click();
  await widget(page).root.locator('.chat').waitFor();
  return { page, close: () => context.close() };
}

browserDescribe('issue 5: axe-core finds no WCAG A/AA violations in the widget', () => {
  it('the launcher, closed', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(hostUrl);
    await widget(page).launcher.waitFor();
    expect(await violations(page)).toEqual([]);
    await context.close();
  });

  it('the offline form (nobody available)', async () => {
    const { page, close } = await open();
    await widget(page).root.locator('.card input[type=email]').waitFor();
    expect(await violations(page)).toEqual([]);
    await close();
  });

  it('the open window with messages both ways, an agent typing, and the conversation list', async () => {
    offDuty = await agentOnDuty(server);
    agent = (await openAgent(server, cookie)).socket;
    const { page, close } = await open();
    const w = widget(page);
    await w.input.fill('Olá, preciso de ajuda com https://exemplo.com.br/pedido');
    await w.input.press('Enter');
    const id = await waitFrames(agent, (f) => f.map(summaryOf).find((s) => s?.firstMessage?.startsWith('Olá, preciso'))?.id, 'the conversation');
    await send(agent, id, 'Claro! Qual é o número do pedido?');
    agent.send({ type: 'typing', conversationId: id, on: true });
    await w.root.locator('.typing').waitFor();
    await w.bubble('Qual é o número').waitFor();
    expect(await violations(page)).toEqual([]);
    await w.root.locator('button[aria-label="Conversas"]').click();
    await w.root.locator('.convs li').first().waitFor();
    expect(await violations(page)).toEqual([]);
    await close();
  });

  it('(the check finds a violation planted in the shadow root)', async () => {
    const { page, close } = await open();
    await page.evaluate(() => document.querySelector('papo-widget')!.shadowRoot!.querySelector('.head')!.append(document.createElement('button')));
    expect((await violations(page)).some((v) => v.startsWith('button-name'))).toBe(true);
    await close();
  });

  it('the pre-chat form', async () => {
    await setWidget(server, { prechat: { enabled: true, name: 'required', email: 'optional', queues: [], consent: 'Aceito a política de privacidade.' } });
    const { page, close } = await open();
    await widget(page).root.locator('form[aria-labelledby="papo-prechat"] input[type=checkbox]').waitFor();
    expect(await violations(page)).toEqual([]);
    await close();
    await setWidget(server, {});
  });
});
