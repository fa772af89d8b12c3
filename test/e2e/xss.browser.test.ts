/**
 * Issue 6, "Hostile input", in Chromium: the XSS corpus of xss-corpus.ts used as everything a visitor (or
 * anyone with a socket) can type or claim, and as what agents and admins write, is shown as plain text in
 * the widget and the console. A test fails on a tripwire call (a payload that ran), a dialog, an injected
 * element (seen by mutation observers or present after rendering, in documents and open shadow roots),
 * or a page error; and each surface must show the payload's text, so nothing passes by being dropped.
 *
 * Surfaces: visitor messages (widget log; console list preview, conversation log, timeline), agent
 * replies, the agent's name and a canned reply with placeholders (widget), the requester's name and labels
 * (console list, head, timeline, label filter), page URLs, titles, referrers and user agents from the
 * hello (Visitors (live), visitor panel), offline-form tickets and an API ticket with notes (Tickets list
 * and detail), canned replies (picker, administration), wrap-up reasons (dialog, closed banner,
 * administration), and the supervisor board.
 *
 * Not covered: file names. There are no uploads yet (issue 5); that surface is added with them.
 *
 * The console is served with a strict CSP (script-src 'self'), which would stop inline payloads from
 * running even if they were injected. The test contexts bypass CSP, so the tripwire checks the rendering
 * itself; the CSP is a second wall, not the one under test.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { adminApi, visitor, type Api } from '../../server/test/agents';
import type { TestSocket } from '../../server/test/clients';
import { startTestServer, type TestServer } from '../../server/test/harness';
import { createTicket, expectAnswer } from '../../server/test/tickets-helpers';
import { agentOnDuty, browserDescribe, launchChromium, signInToConsole, widget } from './browser';
import { HTTP_URL_PAYLOADS, installDetector, made, PAYLOADS, TRIPWIRE, URL_PAYLOADS, type DetectorState } from './xss-corpus';

let server: TestServer;
let browser: Browser;
let offDuty: (() => void) | undefined;
let admin: Api;
const sockets: TestSocket[] = [];
const contexts: BrowserContext[] = [];

/** What went wrong anywhere, since the last test began. */
const fired: string[] = [];
const dialogs: string[] = [];
const errors: string[] = [];

// What the admins and agents write.
const AGENT_NAME = PAYLOADS.find((p) => p.id === 'img-onerror')!.make('agent-name');
const CANNED = PAYLOADS.map((p) => ({
  title: made(120, () => `ct.${p.id}`, [p])[0]?.text ?? `Resposta ${p.id}`,
  text: p.make(`canned-text.${p.id}`),
  category: made(60, () => `cc.${p.id}`, [p])[0]?.text ?? '',
}));
const GREETING = { title: 'Saudação xss', text: 'Olá {{visitor.name}}! Aqui é {{agent.name}}.' };
const REASONS = made(80, (p) => `wrap.${p.id}`).map((x) => x.text);
const CLOSING_REASON = PAYLOADS.find((p) => p.id === 'svg-onload')!.make('wrap.svg-onload');

async function hostileContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'pt-BR', bypassCSP: true });
  contexts.push(context);
  await context.exposeBinding(TRIPWIRE, ({ frame }, tag: unknown) => {
    fired.push(`${String(tag)} (in ${frame.url().slice(0, 120)})`);
  });
  await context.addInitScript(installDetector);
  return context;
}

const watched = new WeakSet<Page>();
async function openPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  if (!watched.has(page)) {
    watched.add(page);
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()} "${d.message()}" in ${page.url()}`);
      void d.dismiss().catch(() => undefined);
    });
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
    page.on('popup', (popup) => errors.push(`a popup opened: ${popup.url()}`));
  }
  return page;
}

type Detector = { __xss: DetectorState };
/** The text of one element. */
const textOf = (locator: Locator) => locator.evaluate((el) => el.textContent ?? '');
const textsOf = (locator: Locator) => locator.allTextContents();

/** Texts of `expected` that `page` (document and open shadow roots) does not show as text. */
async function missing(scope: Page | Locator, expected: readonly string[]): Promise<string[]> {
  const shown = 'goto' in scope ? await scope.evaluate(() => (window as unknown as Detector).__xss.text()) : (await scope.allTextContents()).join('\n');
  return expected.filter((x) => !shown.includes(x));
}

/** No tripwire, no dialog, no page error, nothing injected in these pages (seen since the last reset, or now). */
async function expectNothingGotThrough(where: string, pages: Page[]): Promise<void> {
  // Handlers of injected media fire on load or error, a moment after insertion.
  await new Promise((resolve) => setTimeout(resolve, 250));
  const injected: string[] = [];
  for (const page of pages) {
    const [seen, now] = await page.evaluate(() => {
      const x = (window as unknown as Detector).__xss;
      return [x.seen(), x.scan()];
    });
    for (const f of new Set([...seen, ...now])) injected.push(`${page.url()} · ${f}`);
  }
  expect({ where, tripwire: fired, dialogs, injected, errors }).toEqual({ where, tripwire: [], dialogs: [], injected: [], errors: [] });
}

beforeAll(async () => {
  server = await startTestServer();
  offDuty = await agentOnDuty(server); // SPEC T1: someone can answer, so the widget shows its chat
  browser = await launchChromium();
  admin = await adminApi(server);
  const me = await admin.get<{ agent: { id: string } }>('/me');
  expect((await admin.patch(`/agents/${me.body.agent.id}`, { name: AGENT_NAME })).status).toBe(200);
  const created = await Promise.all([
    ...[...CANNED, { ...GREETING, category: '' }].map((c) => admin.post('/canned-replies', c)),
    ...REASONS.map((label) => admin.post('/wrap-up-reasons', { label })),
  ]);
  expect(created.filter((r) => r.status !== 201).map((r) => JSON.stringify(r.body))).toEqual([]);
});

afterAll(async () => {
  for (const s of sockets) s.ws.close();
  for (const c of contexts) await c.close().catch(() => undefined);
  offDuty?.();
  await browser?.close();
  await server?.stop();
});

beforeEach(() => {
  fired.length = 0;
  dialogs.length = 0;
  errors.length = 0;
});

/** The console, signed in, shared by the tests below; and the visitor's page of the first test. */
let consolePage: Page;
let visitorPage: Page;

async function reset(...pages: Page[]): Promise<void> {
  for (const page of pages) await page.evaluate(() => (window as unknown as Detector).__xss.reset());
}

async function section(page: Page, name: string): Promise<void> {
  await page.locator('.topbar .sections button', { hasText: name }).click();
}

browserDescribe('hostile input is shown as text, never run (issue 6)', () => {
  it('the tripwire, the dialog watch and the detector catch an injection (controls, also under the console CSP)', async () => {
    const context = await hostileContext();
    const page = await openPage(context);
    await page.goto(`${server.url}/console/`);
    await page.locator('input[name=email]').waitFor();
    await page.evaluate(() => {
      document.body.insertAdjacentHTML('beforeend', `<img src=x onerror="__pwned('control.document')">`);
      const host = document.createElement('div');
      document.body.append(host);
      host.attachShadow({ mode: 'open' }).innerHTML = `<img src=x onerror="__pwned('control.shadow')">`;
      const link = document.createElement('a');
      link.href = 'javascript:void 0';
      document.body.append(link);
      link.remove(); // gone by the scan: the observers saw it
      setTimeout(() => alert('control'), 0);
    });
    await expect.poll(() => [...fired].sort()).toEqual([`control.document (in ${page.url()})`, `control.shadow (in ${page.url()})`]);
    await expect.poll(() => dialogs.length).toBe(1);
    const [seen, now] = await page.evaluate(() => [(window as unknown as Detector).__xss.seen(), (window as unknown as Detector).__xss.scan()]);
    expect(seen.filter((f) => f.startsWith('event handler attribute onerror')).length).toBe(2);
    expect(seen.some((f) => f.startsWith('href with a script/data URL'))).toBe(true);
    expect(now.filter((f) => f.startsWith('event handler attribute onerror')).length).toBe(2); // the link is gone
    await context.close();
  });

  it('messages both ways, the agent name, a canned reply and a wrap-up reason: widget and console show them as text', async () => {
    const visitorMessages = made(1000, (p) => `visitor-msg.${p.id}`).map((x) => x.text);
    const agentMessages = made(1000, (p) => `agent-msg.${p.id}`).map((x) => x.text);
    const requesterName = PAYLOADS.find((p) => p.id === 'attr-dq')!.make('visitor-name');
    // Labels: at most 40 characters, lowercased; the tags are short so that most payloads fit.
    const labels = made(40, (p) => `l${PAYLOADS.indexOf(p)}`).map((x) => x.text.toLowerCase()).slice(0, 20);
    expect(visitorMessages.length).toBe(PAYLOADS.length);
    expect(labels.length).toBeGreaterThanOrEqual(15);

    // A visitor on a page whose URL and title carry payloads.
    const pageTitle = PAYLOADS.find((p) => p.id === 'title-breakout')!.make('page-title');
    visitorPage = await openPage(await hostileContext());
    const query = encodeURIComponent(PAYLOADS.find((p) => p.id === 'script')!.make('page-query'));
    await visitorPage.goto(`${server.url}/?q=${query}#${PAYLOADS.find((p) => p.id === 'img-onerror')!.make('page-hash')}`);
    await visitorPage.evaluate((title) => {
      document.title = title;
    }, pageTitle);
    const w = widget(visitorPage);
    await w.launcher.click();
    await w.input.waitFor();
    for (const text of visitorMessages) {
      await w.input.fill(text);
      await w.input.press('Enter');
    }
    await expect.poll(() => w.root.locator('.log li.msg.mine.sent').count(), { timeout: 15_000 }).toBe(visitorMessages.length);

    // The agent finds it, with its requester name and labels (set through the API).
    const list = await admin.get<{ conversations: Array<{ id: string; firstMessage: string | null }> }>('/conversations');
    const conversationId = list.body.conversations.find((c) => c.firstMessage === visitorMessages[0])!.id;
    expect((await admin.put(`/conversations/${conversationId}/requester`, { name: requesterName, email: null })).status).toBe(200);
    expect((await admin.put(`/conversations/${conversationId}/labels`, { labels })).status).toBe(200);

    consolePage = await openPage(await hostileContext());
    await signInToConsole(consolePage, server.url);
    const item = consolePage.locator('#inbox-waiting ~ ul .item', { hasText: "__pwned('visitor-name')" });
    await item.waitFor();
    expect(await textOf(item.locator('.name'))).toBe(requesterName);
    expect(await textOf(item.locator('.preview'))).toBe(visitorMessages.at(-1));
    expect(await missing(item, labels)).toEqual([]);
    expect(await missing(consolePage.locator('.inbox select'), labels)).toEqual([]); // the label filter's options
    await item.click();
    await expect.poll(() => consolePage.locator('.messages li.msg.theirs').count()).toBe(visitorMessages.length);
    expect(await textsOf(consolePage.locator('.messages li.msg.theirs .bubble'))).toEqual(visitorMessages);
    expect(await textOf(consolePage.locator('#conversation-title'))).toContain(requesterName);
    expect(await missing(consolePage.locator('.conversation-head'), labels)).toEqual([]);
    await expectNothingGotThrough('visitor messages, name and labels', [visitorPage, consolePage]);

    // Replies: every payload, then a canned reply whose placeholders hold the hostile names.
    for (const text of agentMessages) {
      await consolePage.locator('#reply').fill(text);
      await consolePage.locator('#reply').press('Enter');
    }
    await consolePage.locator('.composer button.toggle', { hasText: 'Respostas prontas' }).click();
    const picker = consolePage.locator('dialog[open]');
    await expect.poll(() => picker.locator('.pick-list li').count()).toBe(CANNED.length + 1);
    expect(await missing(picker, CANNED.flatMap((c) => [c.title, c.text, c.category]).filter((x) => x !== ''))).toEqual([]);
    await expectNothingGotThrough('canned reply picker', [consolePage]);
    await picker.locator('.pick', { hasText: GREETING.title }).click();
    const greeting = `Olá ${requesterName}! Aqui é ${AGENT_NAME}.`;
    await expect.poll(() => consolePage.locator('#reply').inputValue()).toBe(greeting);
    await consolePage.locator('#reply').press('Enter');

    const sent = [...agentMessages, greeting];
    const agentBubbles = w.root.locator('.log li.msg.theirs:not(.greeting) .bubble');
    await expect.poll(() => agentBubbles.count(), { timeout: 15_000 }).toBe(sent.length);
    expect(await textsOf(agentBubbles)).toEqual(sent);
    expect(await textsOf(w.root.locator('.log li.msg.mine .bubble'))).toEqual(visitorMessages);
    expect(new Set(await textsOf(w.root.locator('.log li.msg.theirs:not(.greeting) .who')))).toEqual(new Set([AGENT_NAME]));
    expect(await missing(w.root.locator('.log li.notice'), [AGENT_NAME])).toEqual([]); // "<name> joined"
    await w.root.locator('.log li.msg.mine .bubble', { hasText: "__pwned('visitor-msg.script')" }).waitFor(); // visible
    const mine = consolePage.locator('.messages li.msg.mine:not(.sending):not(.failed) .bubble');
    await expect.poll(() => mine.count(), { timeout: 15_000 }).toBe(sent.length);
    expect(await textsOf(mine)).toEqual(sent);
    await expectNothingGotThrough('agent replies and the agent name', [visitorPage, consolePage]);

    // The side panel: the timeline's lines, and the page the visitor is on.
    await consolePage.locator('#side-events').click();
    await expect.poll(() => consolePage.locator('.timeline li').count()).toBeGreaterThanOrEqual(visitorMessages.length + sent.length);
    expect(await missing(consolePage.locator('.timeline'), [...visitorMessages, ...sent, requesterName, ...labels])).toEqual([]);
    await consolePage.locator('#side-visitor').click();
    const currentPage = consolePage.locator('.visitor-panel .facts a');
    await currentPage.waitFor();
    expect(await textOf(currentPage)).toBe(pageTitle);
    expect(await currentPage.getAttribute('href')).toBe(visitorPage.url());
    expect(await textOf(consolePage.locator('.visitor-panel h2'))).toContain(requesterName);
    await expectNothingGotThrough('timeline and visitor panel', [consolePage]);

    // Wrap-up: the reasons listed, one chosen, shown in the closed banner and to the visitor as "closed".
    await consolePage.locator('.actions button', { hasText: /^Encerrar$/ }).click();
    const wrap = consolePage.locator('dialog[open]');
    await expect.poll(() => wrap.locator('.radio').count()).toBeGreaterThanOrEqual(REASONS.length);
    expect(await missing(wrap, REASONS)).toEqual([]);
    await expectNothingGotThrough('wrap-up reasons', [consolePage]);
    await wrap.locator('.radio', { hasText: "__pwned('wrap.svg-onload')" }).click();
    await wrap.locator('button[type=submit]').click();
    await consolePage.locator('.banner.closed').waitFor();
    expect(await textOf(consolePage.locator('.banner.closed'))).toBe(`Conversa encerrada: ${CLOSING_REASON}`);
    await expect.poll(() => w.root.locator('.log li.notice').count()).toBeGreaterThanOrEqual(2); // joined, closed
    await expectNothingGotThrough('closed with a hostile reason', [visitorPage, consolePage]);
  });

  it('names, labels, first messages, page titles, URLs, referrers and user agents: lists, Visitors (live), visitor panels, supervisor board', async () => {
    await reset(consolePage);
    const titles = PAYLOADS.map((p) => made(300, () => `title.${p.id}`, [p])[0]?.text ?? `Página ${p.id}`);
    const shortLabels = made(40, (p) => `s${PAYLOADS.indexOf(p)}`).map((x) => x.text.toLowerCase());
    const people = PAYLOADS.map((p, i) => ({
      id: p.id,
      title: titles[i]!,
      url: HTTP_URL_PAYLOADS[i % HTTP_URL_PAYLOADS.length]!.make(`url.${p.id}`),
      referrer: p.make(`referrer.${p.id}`),
      userAgent: /^[\x20-\x7e]+$/.test(p.make(`ua.${p.id}`)) ? p.make(`ua.${p.id}`) : undefined,
      first: p.make(`first.${p.id}`),
      name: made(120, () => `name.${p.id}`, [p])[0]?.text ?? null,
      label: shortLabels[i % shortLabels.length]!,
      conversationId: '',
    }));
    for (const person of people) {
      const v = await visitor(server, { page: { url: person.url, title: person.title, referrer: person.referrer }, ...(person.userAgent ? { userAgent: person.userAgent } : {}) });
      sockets.push(v.socket);
      person.conversationId = (await v.socket.say(person.first)).conversationId;
    }
    await Promise.all(
      people.map(async (p) => {
        if (p.name) expect((await admin.put(`/conversations/${p.conversationId}/requester`, { name: p.name, email: null })).status).toBe(200);
        expect((await admin.put(`/conversations/${p.conversationId}/labels`, { labels: [p.label] })).status).toBe(200);
      }),
    );

    await consolePage.locator('#tab-new').click();
    const items = consolePage.locator('#inbox-waiting ~ ul .item');
    await expect.poll(() => items.count()).toBe(people.length);
    const named = people.flatMap((p) => (p.name ? [p.name] : []));
    await expect.poll(async () => missing(consolePage.locator('.inbox'), named), { timeout: 10_000 }).toEqual([]);
    const names = await textsOf(items.locator('.name'));
    expect(named.filter((n) => !names.includes(n))).toEqual([]);
    const previews = await textsOf(items.locator('.preview'));
    expect(people.filter((p) => !previews.includes(p.first)).map((p) => p.first)).toEqual([]);
    expect(await missing(consolePage.locator('.inbox'), [...new Set(people.map((p) => p.label))])).toEqual([]);
    await expectNothingGotThrough('conversation lists', [consolePage]);

    // Three visitor panels: page title (a link, or text where the URL is not one), referrer, browser.
    for (const p of people.filter((x) => x.userAgent && x.first.includes(`'first.${x.id}'`)).slice(0, 3)) {
      await items.filter({ hasText: `'first.${p.id}'` }).click();
      const panel = consolePage.locator('.visitor-panel .facts');
      await consolePage.locator('.visitor-panel .facts', { hasText: p.title.slice(0, 40) }).waitFor();
      expect(await missing(panel, [p.title, p.referrer])).toEqual([]);
      expect(await panel.locator('dd[title]').getAttribute('title')).toBe(p.userAgent);
      await consolePage.locator('#side-events').click();
      expect(await missing(consolePage.locator('.timeline'), [p.first, p.label])).toEqual([]);
      await consolePage.locator('#side-visitor').click();
    }
    await expectNothingGotThrough('visitor panels', [consolePage]);

    await section(consolePage, 'Visitantes');
    const rows = consolePage.locator('.adm-visitors .adm-row');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(people.length);
    const urls = await textsOf(consolePage.locator('.adm-visitors .adm-page-url'));
    expect(people.filter((p) => !urls.includes(p.url)).map((p) => p.url)).toEqual([]);
    expect(await missing(consolePage.locator('.adm-visitors'), people.map((p) => p.title))).toEqual([]);
    await expectNothingGotThrough('Visitors (live)', [consolePage]);

    await section(consolePage, 'Supervisão');
    await consolePage.locator('.adm-board').waitFor();
    await expectNothingGotThrough('supervisor board', [consolePage]);
    await section(consolePage, 'Conversas');
  });

  it('tickets from the offline form and the API, with notes: the Tickets list and detail show them as text', async () => {
    await reset(consolePage);
    const { socket } = await visitor(server);
    sockets.push(socket);
    const form = PAYLOADS.map((p, i) => ({
      name: made(120, () => `ticket-name.${p.id}`, [p])[0]?.text,
      message: p.make(`ticket-msg.${p.id}`),
      email: `xss-${i}-${randomUUID().slice(0, 6)}@example.com`,
    }));
    for (const f of form) {
      expectAnswer(await createTicket(socket, { ...(f.name ? { name: f.name } : {}), email: f.email, message: f.message }), 'ticket');
    }
    const hub = {
      subject: PAYLOADS.find((p) => p.id === 'iframe-srcdoc')!.make('ticket-subject'),
      description: PAYLOADS.find((p) => p.id === 'long')!.make('ticket-description'),
      requesterName: PAYLOADS.find((p) => p.id === 'attr-sq')!.make('ticket-requester'),
    };
    const created = await admin.post<{ ticket: { id: string } }>('/tickets', hub);
    expect(created.status).toBe(201);
    const notes = made(10_000, (p) => `ticket-note.${p.id}`).map((x) => x.text);
    for (const text of notes) expect([200, 201]).toContain((await admin.post(`/tickets/${created.body.ticket.id}/notes`, { text })).status);

    const stored = (await admin.get<{ tickets: Array<{ subject: string; description: string; requester: { name: string | null } }> }>('/tickets?limit=500')).body.tickets;
    // The form's subject is the message's first line (at most 80 characters): the text, not a cleaned-up one.
    for (const f of form) expect(stored.some((k) => k.description === f.message && f.message.startsWith(k.subject.replace(/…$/, '')))).toBe(true);

    await section(consolePage, 'Chamados');
    const rows = consolePage.locator('.ticket-table tbody tr');
    await expect.poll(() => rows.count()).toBe(form.length + 1);
    const subjects = await textsOf(consolePage.locator('.ticket-table .c-subject'));
    expect(stored.filter((k) => !subjects.includes(k.subject)).map((k) => k.subject)).toEqual([]);
    const names = stored.flatMap((k) => (k.requester.name ? [k.requester.name] : []));
    expect(await missing(consolePage.locator('.ticket-table'), names)).toEqual([]);
    await expectNothingGotThrough('Tickets list', [consolePage]);

    await consolePage.locator('.ticket-table .row-link', { hasText: "__pwned('ticket-subject')" }).click();
    await consolePage.locator('.ticket-description').waitFor();
    expect(await textOf(consolePage.locator('#ticket-title .ticket-subject'))).toBe(hub.subject);
    expect(await textOf(consolePage.locator('.ticket-description'))).toBe(hub.description);
    expect(await missing(consolePage.locator('.ticket-requester'), [hub.requesterName])).toEqual([]);
    await expect.poll(() => consolePage.locator('.ticket-history .entry-text').count()).toBe(notes.length);
    const written = await textsOf(consolePage.locator('.ticket-history .entry-text'));
    expect(notes.filter((n) => !written.includes(n))).toEqual([]);
    await expectNothingGotThrough('ticket detail', [consolePage]);
    await section(consolePage, 'Conversas');
  });

  it('administration: canned replies, wrap-up reasons and the agents list show them as text', async () => {
    await reset(consolePage);
    await section(consolePage, 'Administração');
    const panel = consolePage.locator('#adm-panel');
    await consolePage.locator('#adm-tab-canned').click();
    await expect.poll(() => panel.locator('.adm-row').count()).toBe(CANNED.length + 1);
    expect(await missing(panel, CANNED.flatMap((c) => [c.title, c.text, c.category]).filter((x) => x !== ''))).toEqual([]);
    await consolePage.locator('#adm-tab-reasons').click();
    await expect.poll(() => missing(panel, REASONS)).toEqual([]);
    await consolePage.locator('#adm-tab-agents').click();
    await expect.poll(() => missing(panel, [AGENT_NAME])).toEqual([]);
    expect(await missing(consolePage.locator('.topbar'), [AGENT_NAME])).toEqual([]);
    await expectNothingGotThrough('administration', [consolePage]);
    await section(consolePage, 'Conversas');
  });

  // Fails until fixed (found by this suite): console/conversation/VisitorPanel.tsx renders the page URL from the
  // visitor's hello as `<a href={visitor.currentPage.url}>`, and the hello's page.url is any string
  // (shared/protocol.ts HelloFrame), so a raw socket gets a `javascript:`/`data:`/`vbscript:` link into the
  // agent's console. Today the console's CSP stops a click from running it in Chromium. The fix: link only
  // http(s) URLs (`new URL(url).protocol`), show anything else as text (as LiveVisitors does); and let the
  // server keep only http(s) page URLs and referrers.
  it('a page URL a raw socket claims (javascript:, data:, vbscript:) is never a live link in the visitor panel', async () => {
    const page = await openPage(await hostileContext());
    await signInToConsole(page, server.url);
    const claims = URL_PAYLOADS.map((u) => ({ id: u.id, url: u.make(`panel.${u.id}`), first: `Página hostil [${u.id}]`, title: `Título [${u.id}]` }));
    for (const c of claims) {
      const v = await visitor(server, { page: { url: c.url, title: c.title } });
      sockets.push(v.socket);
      await v.socket.say(c.first);
    }
    for (const c of claims) {
      await page.locator('#inbox-waiting ~ ul .item', { hasText: c.first }).click();
      // Shown, as a link or as text: what matters is that no link runs a script or opens a document.
      await page.locator('.visitor-panel .facts', { hasText: c.title }).waitFor();
    }
    await expectNothingGotThrough('visitor panel current-page link', [page]);
  });
});
