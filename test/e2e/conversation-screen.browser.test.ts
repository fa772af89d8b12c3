/**
 * Issue 15, the conversation screen in Chromium: the action bar (three buttons in view, a More menu driven
 * by the keyboard, Block and Delete apart), "/" opening the canned replies with type-ahead, Resolve and
 * Reopen (SPEC R8a, R8b), headers true to the state (the visitor ended it: no Transfer; closed: no
 * conference line), words instead of raw error codes, "never signed in", the ticket hint while e-mail is
 * off, and the menu inside a 390 px phone.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { adminApi } from '../../server/test/agents';
import { browserDescribe, newPage, serverAndChromium, setWidget, signInToConsole, visitorSays as visitorSaysOnDemo } from './browser';

const e2e = serverAndChromium({ onDuty: true });

/** A visitor writes `text`; answers with its conversation's id once the store has it. */
async function visitorSays(text: string) {
  const visitor = await visitorSaysOnDemo(e2e, text);
  let id: string | undefined;
  await expect
    .poll(async () => {
      const open = await e2e.server.papo.store.conversations.list({ status: 'open', limit: 100 });
      id = open.find((c) => c.lastMessage?.text === text)?.id;
      return id;
    })
    .toBeTruthy();
  return { ...visitor, conversationId: id! };
}

async function openConversation(page: Page, conversationId: string) {
  await page.goto(`${e2e.server.url}/console/conversations/${conversationId}`);
  await page.locator('#conversation-title').waitFor();
}

const toolbar = (page: Page) => page.locator('.actions[role=toolbar]');
const inView = async (page: Page) => toolbar(page).locator(':scope > button, .more-button').allInnerTexts();

browserDescribe('the conversation screen (issue 15)', () => {
  it('action bar: Take, then Transfer and End in view; More opens with the arrows, Escape closes it; Block and Delete apart at its bottom; no Return to bot without a bot', async () => {
    const { conversationId } = await visitorSays('Preciso de ajuda com meu pedido.');
    const { page } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    await openConversation(page, conversationId);
    await toolbar(page).locator('button', { hasText: /^Assumir/ }).click();
    await expect.poll(() => inView(page)).toEqual(['Transferir', 'Encerrar', 'Mais ▾']);
    expect(await toolbar(page).locator('text=Excluir').count()).toBe(0);

    const more = page.locator('#more-actions');
    expect(await more.getAttribute('aria-haspopup')).toBe('menu');
    await more.focus();
    await page.keyboard.press('ArrowDown');
    const menu = page.locator('#more-actions-menu[role=menu]');
    await menu.waitFor();
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    // The menu moves the focus after it draws: wait for it (a loaded machine draws late), never assume it.
    await expect.poll(focused, { timeout: 10_000 }).toBe('Resolver');
    await page.keyboard.press('ArrowUp'); // wraps to the last item: Delete, in red, after the separator
    await expect.poll(focused, { timeout: 10_000 }).toBe('Excluir');
    const items = await menu.locator('[role^=menuitem], [role=separator]').evaluateAll((els) => els.map((el) => (el.getAttribute('role') === 'separator' ? '---' : `${el.textContent}${el.classList.contains('danger') ? '!' : ''}`)));
    expect(items.slice(-3)).toEqual(['---', 'Bloquear e encerrar!', 'Excluir!']);
    expect(items).not.toContain('Devolver controle ao bot');
    expect(items).toContain('Resolver');
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: 10_000 }).toBe('more-actions');

    // Priority is a radio group in the menu.
    await more.click();
    await menu.locator('[role=menuitemradio]', { hasText: 'Alta' }).click();
    await page.locator('.conversation-head h1 .priority', { hasText: 'Alta' }).waitFor();
  });

  it('"/" in the empty reply opens the canned replies on the visitor\'s language; typing filters by title or category; Enter puts it in; Escape gives the slash back', async () => {
    const admin = await adminApi(e2e.server);
    for (const c of [
      { title: 'Entrega atrasada', text: 'Seu pedido está a caminho, {{visitor.name}}.', category: 'Logística', language: 'pt-BR' },
      { title: 'Rastrear pedido', text: 'Use o código de rastreio.', category: 'Logística', language: 'pt-BR' },
      { title: 'Late delivery', text: 'Your order is on its way.', category: 'Shipping', language: 'en' },
    ]) expect((await admin.post('/canned-replies', c)).status).toBe(201);
    const { conversationId } = await visitorSays('Cadê minha entrega?');
    const { page } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    await openConversation(page, conversationId);
    await toolbar(page).locator('button', { hasText: /^Assumir/ }).click();

    const reply = page.locator('#reply');
    await reply.click();
    await page.keyboard.type('/');
    const dialog = page.locator('dialog.canned');
    await dialog.waitFor();
    // The site has no widget language: every language, not the console's.
    expect(await dialog.locator('#canned-language').inputValue()).toBe('');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('canned-search');
    await page.keyboard.type('logis');
    await expect.poll(() => dialog.locator('.pick strong').allInnerTexts()).toEqual(['Entrega atrasada', 'Rastrear pedido']);
    await dialog.locator('#canned-search').fill('');
    await page.keyboard.type('entr');
    await expect.poll(() => dialog.locator('.pick strong').allInnerTexts()).toEqual(['Entrega atrasada']);
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => reply.inputValue()).toMatch(/^Seu pedido está a caminho/);

    // Escape after "/" leaves the slash and what was typed as text.
    await reply.fill('');
    await page.keyboard.type('/usr');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => reply.inputValue()).toBe('/usr');

    // A site whose widget speaks English: the picker opens on English, the visitor's language.
    await setWidget(e2e.server, { locale: 'en' });
    await page.reload();
    await page.locator('#reply').waitFor();
    await page.locator('#reply').fill('');
    await page.locator('#reply').click();
    await page.keyboard.type('/');
    await dialog.waitFor();
    await expect.poll(() => dialog.locator('#canned-language').inputValue()).toBe('en');
    await expect.poll(() => dialog.locator('.pick strong').allInnerTexts()).toEqual(['Late delivery']);
    expect(await dialog.locator('#canned-language option:checked').innerText()).toBe('Idioma do visitante (en)');
    await setWidget(e2e.server, { locale: null });
  });

  it('R8a/R8b: Resolve closes and archives in one action; Reopen brings it back, held by the agent; the header says which', async () => {
    const admin = await adminApi(e2e.server);
    await admin.post('/wrap-up-reasons', { label: 'Dúvida resolvida' });
    const { conversationId } = await visitorSays('Só uma dúvida rápida.');
    const { page } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    await openConversation(page, conversationId);
    await toolbar(page).locator('button', { hasText: /^Assumir/ }).click();
    await page.locator('#more-actions').click();
    await page.locator('#more-actions-menu [role=menuitem]', { hasText: 'Resolver' }).click();
    const dialog = page.locator('dialog.wrap-up');
    await dialog.locator('h2', { hasText: 'Resolver a conversa' }).waitFor();
    await dialog.locator('label.radio', { hasText: 'Dúvida resolvida' }).click();
    await dialog.locator('button', { hasText: 'Resolver e arquivar' }).click();
    await page.locator('.conversation-head .sub', { hasText: 'Arquivada · atendida por você' }).waitFor();
    expect(await inView(page)).toEqual(['Reabrir', 'Mais ▾']);
    expect(await e2e.server.papo.store.conversations.byId(conversationId)).toMatchObject({ status: 'closed', archived: true });

    await toolbar(page).locator('button', { hasText: 'Reabrir' }).click();
    await page.locator('.conversation-head .sub', { hasText: /^Com você/ }).waitFor();
    await page.locator('#reply').waitFor();
    expect(await e2e.server.papo.store.conversations.byId(conversationId)).toMatchObject({ status: 'open', archived: false });
    await expect.poll(() => inView(page)).toEqual(['Transferir', 'Encerrar', 'Mais ▾']);

    // Archived again, it is transferred from the menu: reopened first, then the transfer dialog.
    await page.locator('#more-actions').click();
    await page.locator('#more-actions-menu [role=menuitem]', { hasText: 'Resolver' }).click();
    await dialog.locator('label.radio', { hasText: 'Dúvida resolvida' }).click();
    await dialog.locator('button', { hasText: 'Resolver e arquivar' }).click();
    await page.locator('.conversation-head .sub', { hasText: 'Arquivada' }).waitFor();
    await page.locator('#more-actions').click();
    await page.locator('#more-actions-menu [role=menuitem]', { hasText: 'Reabrir e transferir' }).click();
    await page.locator('dialog.targets h2', { hasText: 'Transferir conversa' }).waitFor();
    expect(await e2e.server.papo.store.conversations.byId(conversationId)).toMatchObject({ status: 'open', archived: false });
  });

  it('stale headers: after the visitor ended, no Transfer and the header says so; closed, no "in conference"; a refusal reads in words, never its code', async () => {
    const visitor = await visitorSays('Vou encerrar já.');
    const { page } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    await openConversation(page, visitor.conversationId);
    await toolbar(page).locator('button', { hasText: /^Assumir/ }).click();
    await expect.poll(() => inView(page)).toContain('Transferir');

    await visitor.w.root.locator('.head button.quit').click();
    await visitor.w.root.locator('.confirm button.send').click();
    await page.locator('.conversation-head .sub', { hasText: 'encerrada pelo visitante' }).waitFor();
    await expect.poll(() => inView(page)).toEqual(['Mais ▾']);
    await page.locator('.wrap-prompt button', { hasText: 'Aplicar motivo de conclusão' }).waitFor();
    await page.locator('.visitor-panel .meta', { hasText: 'saiu do chat' }).waitFor();

    // A refusal with a code this console does not know: a sentence, not the code.
    await page.route('**/api/v1/conversations/*/reopen', (route) => route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'brand_new_code', message: 'Some English.' } }) }));
    const admin = await adminApi(e2e.server);
    const reasons = (await admin.get('/wrap-up-reasons')).body.reasons as Array<{ id: string }>;
    await page.request.post(`${e2e.server.url}/api/v1/conversations/${visitor.conversationId}/close`, { data: { reasonId: reasons[0]!.id } });
    await page.locator('.conversation-head .sub', { hasText: 'Encerrada · atendida por você' }).waitFor();
    expect(await page.locator('.conversation-head .sub').innerText()).not.toContain('conferência');
    await toolbar(page).locator('button', { hasText: 'Reabrir' }).click();
    const error = toolbar(page).locator('.error[role=alert]');
    await error.waitFor();
    expect(await error.innerText()).toBe('Algo deu errado. Tente de novo.');
    expect(await page.locator('body').innerText()).not.toContain('brand_new_code');
  });

  it('"never signed in" instead of "Offline for 0 s"; the ticket reply hint says e-mail is off; English too', async () => {
    const admin = await adminApi(e2e.server);
    expect((await admin.post('/agents', { email: 'nunca@example.com', name: 'Nina Nunca', password: 'nina-password-123', role: 'agent', capacity: 2, queueIds: [] })).status).toBe(201);
    const ticket = await admin.post('/tickets', { subject: 'Troca de produto', requesterEmail: 'bia@example.com' });
    expect(ticket.status).toBe(201);

    for (const [locale, never, noMail] of [
      ['pt-BR', 'nunca entrou', 'O envio de e-mails está desligado'],
      ['en', 'never signed in', 'E-mail is off on this server'],
    ] as const) {
      const { page } = await newPage(e2e.browser, { locale });
      await signInToConsole(page, e2e.server.url);
      await page.goto(`${e2e.server.url}/console/admin/agents`);
      await page.locator('tr', { hasText: 'Nina Nunca' }).locator('text=' + never).waitFor();
      await page.goto(`${e2e.server.url}/console/tickets/${ticket.body.ticket.number}`);
      const hint = page.locator('.ticket-composer .hint');
      await hint.waitFor();
      await expect.poll(() => hint.innerText()).toContain(noMail);
      expect(await hint.innerText()).not.toContain('bia@example.com');
    }
  });

  it('at 390 px the bar holds on one line and the More menu fits the screen', async () => {
    const { conversationId } = await visitorSays('Estou no celular.');
    const context = await e2e.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en' });
    const page = await context.newPage();
    await signInToConsole(page, e2e.server.url);
    await openConversation(page, conversationId);
    await toolbar(page).locator('button', { hasText: /^Take/ }).click();
    await expect.poll(() => inView(page)).toEqual(['Transfer', 'End', 'More ▾']);
    await page.locator('#more-actions').click();
    const box = await page.locator('#more-actions-menu').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    const bar = await toolbar(page).boundingBox();
    const buttons = await toolbar(page).locator(':scope > button, .more-button').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().top));
    expect(new Set(buttons.map((y) => Math.round(y))).size).toBe(1);
    expect(bar!.width).toBeLessThanOrEqual(390);
    await context.close();
  });
});
