/**
 * Issue 15 (site owners) in Chromium: a page on an origin its site does not allow gets one console line for
 * its owner (what to add, and where), no chat, and no socket retried; an admin creates a site, copies its
 * install code, sees the widget's preview follow the settings, allows the page that was refused in one click
 * (the page then shows the chat), renames the site, and deletes it after a confirm that names what goes with it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { browserDescribe, newPage, serverAndChromium, signInToConsole, widget } from './browser';

const e2e = serverAndChromium({ onDuty: true });

/** A site owner's page on its own origin (another port), embedding `snippet`. */
async function ownerSite(snippet: () => string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(`<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>Loja</title></head><body><h1>Loja da Ana</h1>${snippet()}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const hosts: Server[] = [];
const contexts: BrowserContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  for (const h of hosts.splice(0)) await new Promise((resolve) => h.close(resolve));
});

/** What a visitor's page did: console lines from Papo, sockets opened, chunks fetched. */
function watch(page: Page) {
  const seen = { consoleLines: [] as Array<{ type: string; text: string }>, sockets: [] as string[], chunks: [] as string[] };
  page.on('console', (m) => {
    if (m.text().includes('Papo')) seen.consoleLines.push({ type: m.type(), text: m.text() });
  });
  page.on('websocket', (ws) => seen.sockets.push(ws.url()));
  page.on('request', (r) => {
    if (/\/widget\/app-[\w-]+\.js$/.test(r.url())) seen.chunks.push(r.url());
  });
  return seen;
}

async function visit(url: string, init?: (page: Page) => Promise<unknown>) {
  const { page, context, errors } = await newPage(e2e.browser);
  contexts.push(context);
  const seen = watch(page);
  await init?.(page);
  const settings = page.waitForResponse((r) => r.url().includes('/api/v1/widget/settings'));
  await page.goto(url);
  await settings;
  return { page, seen, errors };
}

browserDescribe('issue 15: site owners (Chromium)', () => {
  it('a page on a refused origin: one console line naming the origin and where to add it, no chat shown, no socket ever tried', async () => {
    const { server } = e2e;
    const owner = await ownerSite(() => `<script async src="${server.url}/widget/papo.js" data-site="${server.siteKey}"></script>`);
    hosts.push(owner.server);
    // A returning visitor whose chat was open: even then nothing connects.
    const { page, seen, errors } = await visit(owner.url, (p) =>
      p.addInitScript((key) => localStorage.setItem(`papo:${key}:open`, '1'), server.siteKey),
    );
    await page.waitForFunction(() => (window as { Papo?: unknown }).Papo && !Array.isArray((window as { Papo?: unknown }).Papo));
    // The host page's own button: Papo.open() does nothing either.
    await page.evaluate(() => (window as unknown as { Papo: { open(): void } }).Papo.open());
    await page.waitForTimeout(3_000);

    expect(seen.consoleLines).toHaveLength(1);
    expect(seen.consoleLines[0]!.type).toBe('error');
    expect(seen.consoleLines[0]!.text).toContain(`its origin ${owner.url} is not allowed for the site "Demo site"`);
    expect(seen.consoleLines[0]!.text).toContain('Administration → Sites and widget → Demo site → Allowed pages');
    expect(seen.consoleLines[0]!.text).toContain('Administração → Sites e widget → Demo site → Páginas permitidas');
    // The visitor sees no chat (no launcher, no panel, no "sending" that never goes).
    expect(await widget(page).launcher.isVisible()).toBe(false);
    expect(await widget(page).panel.isVisible()).toBe(false);
    expect(await widget(page).root.getAttribute('data-hidden')).toBe('');
    // Nothing retries: no socket at all, not even one, and the chat app was never fetched.
    expect(seen.sockets).toEqual([]);
    expect(seen.chunks).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a page whose data-site no site has (a typo, a deleted site): one console line naming the key, no chat, no socket', async () => {
    const { server } = e2e;
    const owner = await ownerSite(() => `<script async src="${server.url}/widget/papo.js" data-site="pk_no_such_site"></script>`);
    hosts.push(owner.server);
    const { page, seen } = await visit(owner.url);
    await page.waitForTimeout(2_000);
    expect(seen.consoleLines).toEqual([
      { type: 'error', text: 'Papo: no site has the key "pk_no_such_site" (data-site in the script tag): copy the line from Administration → Sites and widget.' },
    ]);
    expect(await widget(page).launcher.isVisible()).toBe(false);
    expect(seen.sockets).toEqual([]);
  });

  it('an admin creates a site, copies its install code, sees the preview follow the settings, allows the refused page in one click, renames and deletes the site', async () => {
    const { server } = e2e;
    const { page, context, errors } = await newPage(e2e.browser);
    contexts.push(context);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signInToConsole(page, server.url);
    await page.locator('.topbar .sections button', { hasText: 'Administração' }).click();
    await page.locator('#adm-tab-sites').click();

    await page.getByRole('button', { name: 'Novo site' }).click();
    await page.getByLabel('Nome do site').fill('Loja da Ana');
    await page.getByRole('button', { name: 'Criar site' }).click();
    const sitePage = page.locator('article.adm-site', { has: page.getByRole('heading', { name: 'Loja da Ana' }) });
    await sitePage.waitFor();

    // The install code, copied with one button: the server's address and the new site's key.
    await sitePage.getByRole('button', { name: 'Copiar código' }).click();
    await sitePage.getByRole('button', { name: 'Copiado' }).waitFor();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    const site = (await server.papo.store.sites.list()).find((s) => s.name === 'Loja da Ana')!;
    expect(snippet).toBe(`<script async src="${server.url}/widget/papo.js" data-site="${site.key}"></script>`);

    // The preview follows colour, side and launcher text as they are typed, before saving.
    const preview = sitePage.getByTestId('widget-preview');
    await sitePage.locator('details.st summary', { hasText: 'Widget' }).click();
    const form = sitePage.locator('details.st form');
    await form.getByLabel('Cor em hexadecimal').fill('#b91c1c');
    await form.getByLabel('Posição').selectOption('left');
    await form.getByLabel('Texto do botão').fill('Fale com a Ana');
    await expect.poll(() => preview.locator('.adm-preview-launcher').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(185, 28, 28)');
    await expect.poll(() => preview.getAttribute('class')).toContain('left');
    expect(await preview.locator('.adm-preview-launcher').textContent()).toContain('Fale com a Ana');

    // The owner pastes the code on a page of its own origin: refused (one console line), recorded.
    const owner = await ownerSite(() => snippet);
    hosts.push(owner.server);
    const before = await visit(owner.url);
    await expect.poll(() => before.seen.consoleLines.length).toBe(1);
    expect(await widget(before.page).launcher.isVisible()).toBe(false);

    // The site's page lists it beside the allowed pages (reopened: the list is read when the page opens).
    await page.locator('#adm-tab-queues').click();
    await page.locator('#adm-tab-sites').click();
    await page.locator('.adm-sitebar button', { hasText: 'Loja da Ana' }).click();
    const refusedLine = sitePage.locator('.adm-refused li', { hasText: owner.url });
    await expect.poll(() => refusedLine.textContent()).toContain(`Recusado em ${owner.url} (1 vez hoje)`);
    await refusedLine.getByRole('button', { name: 'Permitir' }).click();
    await sitePage.locator('[role=status]', { hasText: `${owner.url} agora pode mostrar o chat.` }).waitFor();
    expect(await sitePage.getByLabel('Endereços que podem mostrar o chat').inputValue()).toBe(`self\n${owner.url}`);
    expect(await sitePage.locator('.adm-refused li').count()).toBe(0);
    expect((await server.papo.store.sites.byId(site.id))!.allowedOrigins).toEqual(['self', owner.url]);

    // A visitor on that page now gets the chat (a new browser: the old answer may be cached for a minute).
    const after = await visit(owner.url);
    await widget(after.page).launcher.waitFor();
    await widget(after.page).launcher.click();
    await expect.poll(() => after.seen.sockets.length).toBe(1);
    expect(after.seen.consoleLines).toEqual([]);

    // Renamed in place.
    await sitePage.getByRole('button', { name: 'Renomear' }).click();
    const renameForm = page.locator('form[aria-label="Renomear"]');
    await renameForm.getByLabel('Nome do site').fill('Loja Centro');
    await renameForm.getByRole('button', { name: 'Salvar' }).click();
    const renamed = page.locator('article.adm-site', { has: page.getByRole('heading', { name: 'Loja Centro' }) });
    await renamed.waitFor();
    expect((await server.papo.store.sites.byId(site.id))!.name).toBe('Loja Centro');

    // Delete, after a confirm that names what goes with it.
    let question = '';
    page.once('dialog', (d) => {
      question = d.message();
      void d.accept();
    });
    await renamed.getByRole('button', { name: 'Excluir site' }).click();
    await page.locator('[role=status]', { hasText: 'Site "Loja Centro" excluído' }).waitFor();
    expect(question).toContain('Loja Centro');
    expect(question).toContain('todas as conversas');
    expect(question).toContain('chamados');
    expect(await server.papo.store.sites.byId(site.id)).toBeNull();
    expect(errors).toEqual([]);
  });
});
