/**
 * Issue 15 in Chromium, the visitor's side of promises and tickets: when its chat becomes a ticket the
 * thread stays, the widget asks for an address when none is known, and what the visitor writes next goes
 * to the ticket in the same thread; with e-mail off (no SMTP) nothing on screen promises an e-mail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Ticket } from '../../shared/api';
import type { ConversationEvent } from '../../shared/protocol';
import { adminApi, eventually } from '../../server/test/agents';
import { startTestServer, type TestServer } from '../../server/test/harness';
import { startSmtp, type TestSmtp } from '../../server/test/smtp';
import { agentOnDuty, browserDescribe, launchChromium, newPage, ownerPage, widget } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A new visitor on the demo page, or (`lang`) on a site owner's page whose tag names its language. */
async function openWidget(server: TestServer, lang?: string) {
  const visitor = await newPage(browser, lang ? { locale: lang } : {});
  if (lang) {
    const host = await ownerPage(server, () => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Shop</title></head>
      <body><h1>Shop</h1><script async src="${server.url}/widget/papo.js" data-site="${server.siteKey}" data-lang="${lang}"></script></body></html>`);
    visitor.context.on('close', () => void host.close());
    await visitor.page.goto(host.url);
  } else {
    await visitor.page.goto(`${server.url}/`);
  }
  const w = widget(visitor.page);
  await w.launcher.click();
  return { ...visitor, w, composer: w.root.locator('#papo-compose') };
}

/** The visitor writes while an agent is on duty; a supervisor then ends the chat with a ticket (SPEC T3). */
async function chatBecomesTicket(server: TestServer, lang?: string) {
  const visitor = await openWidget(server, lang);
  const first = `Meu pedido não chegou ${Date.now()}`;
  await visitor.composer.fill(first);
  await visitor.composer.press('Enter');
  await visitor.w.bubble(first).locator('xpath=..').locator('time').waitFor();
  const [conversation] = (await server.papo.store.conversations.list({ status: 'open', limit: 50 })).filter((c) => c.firstMessage === first);
  const answer = await (await adminApi(server)).post(`/conversations/${conversation!.id}/end-with-ticket`, {});
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return { ...visitor, first, conversationId: conversation!.id, ticket: answer.body.ticket as Ticket };
}

browserDescribe('issue 15: a chat that became a ticket, with e-mail on', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let offDuty: () => void;
  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({ env: smtp.env, ticketing: 'product' });
    offDuty = await agentOnDuty(server);
  });
  afterAll(async () => {
    offDuty?.();
    await server?.stop();
    await smtp?.stop();
  });

  it('issue 15: the thread stays, the address is asked, and the follow-up goes to the ticket in the same thread', async () => {
    const { context, errors, page, w, composer, first, ticket } = await chatBecomesTicket(server);

    // The thread stays on screen with the ticket's number; no promise before an address is known.
    await w.root.locator('.notice', { hasText: `Sua mensagem virou o chamado #${ticket.number}.` }).waitFor();
    const note = w.root.locator('.log .card', { hasText: 'O que você escrever aqui vai para o chamado.' });
    await note.waitFor();
    expect(await w.bubble(first).isVisible()).toBe(true);
    expect(await w.root.locator('.notice', { hasText: 'A conversa foi encerrada' }).count()).toBe(0); // it goes on
    expect(await w.root.locator('.log').textContent()).not.toContain('Responderemos por e-mail');
    // The composer stays (never the leave-a-message form, which would make a duplicate).
    expect(await composer.isVisible()).toBe(true);
    expect(await w.root.locator('#papo-offline').count()).toBe(0);

    // The address is asked in the thread, checked in the widget, then by the server.
    const email = note.getByLabel('Para receber a resposta, deixe seu e-mail:');
    await email.fill('ana@');
    await note.locator('button[type=submit]').click();
    await note.locator('#papo-tmail-err', { hasText: 'Informe um e-mail válido.' }).waitFor();
    await email.fill('ana.ticket@example.com');
    await note.locator('button[type=submit]').click();
    await note.locator('[role=status]', { hasText: 'Responderemos por e-mail para ana.ticket@example.com.' }).waitFor();
    expect(await note.locator('form').count()).toBe(0);
    const mail = await smtp.waitFor((m) => m.to.includes('ana.ticket@example.com'));
    expect(`${mail.subject}\n${mail.text}`).toContain(`#${ticket.number}`);

    // The next message stays in the same thread and reaches the ticket.
    await composer.fill('Esqueci: o número do pedido é 4521');
    await composer.press('Enter');
    const followUp = w.bubble('Esqueci: o número do pedido é 4521');
    await followUp.locator('xpath=..').locator('time').waitFor();
    expect(await w.bubble(first).isVisible()).toBe(true);
    const admin = await adminApi(server);
    const detail = (await admin.get(`/tickets/${ticket.id}`)).body as { ticket: Ticket; transcript: ConversationEvent[] };
    expect(detail.ticket.requester.email).toBe('ana.ticket@example.com');
    expect(detail.transcript.filter((e) => e.kind === 'message').map((e) => e.text)).toEqual([first, 'Esqueci: o número do pedido é 4521']);

    // A reload keeps the thread and the address given (no second question).
    await w.root.locator('.log .card [role=status]').waitFor();
    // The chat was open: it opens again by itself, with the thread.
    await page.reload();
    await w.bubble('Esqueci: o número do pedido é 4521').waitFor();
    await w.root.locator('.log .card [role=status]', { hasText: 'ana.ticket@example.com' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('issue 15: in English, on a phone, the same state reads in English', async () => {
    const { context, errors, w, page } = await chatBecomesTicket(server, 'en');
    await page.setViewportSize({ width: 390, height: 844 });
    await w.root.locator('.notice', { hasText: /^Your message became ticket #\d+\.$/ }).waitFor();
    await w.root.locator('.log .card', { hasText: 'Anything you add here goes to the ticket.' }).waitFor();
    await w.root.getByLabel('To get our reply, leave your e-mail:').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('issue 15: with e-mail off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ticketing: 'product' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  browserDescribe('nothing promises an e-mail', () => {
    it('issue 15: the offline form and its confirmation promise no answer by e-mail', async () => {
      const { context, errors, w } = await openWidget(server);
      const lead = w.root.locator('#papo-offline');
      await lead.waitFor();
      expect(await lead.textContent()).toBe('Ninguém disponível agora. Deixe uma mensagem para a nossa equipe.');
      await w.root.getByRole('textbox', { name: 'E-mail', exact: true }).fill('ana@example.com');
      await w.root.getByRole('textbox', { name: 'Mensagem', exact: true }).fill('Vocês entregam em Curitiba?');
      await w.root.locator('form.card button[type=submit]').click();
      const confirmation = w.root.locator('.card.ok');
      await confirmation.waitFor();
      expect(await confirmation.textContent()).toMatch(/^Sua mensagem virou o chamado #\d+\.$/);
      expect(errors).toEqual([]);
      await context.close();
    });

    it('issue 15: after the offline form, an agent\'s proactive chat comes below the ticket\'s notice, never above it; the visitor keeps the form\'s name', async () => {
      const { context, errors, w } = await openWidget(server);
      await w.root.locator('#papo-offline').waitFor();
      await w.root.getByRole('textbox', { name: 'Nome', exact: true }).fill('Bia Souza');
      await w.root.getByRole('textbox', { name: 'E-mail', exact: true }).fill('bia@example.com');
      await w.root.getByRole('textbox', { name: 'Mensagem', exact: true }).fill('Quero trocar o tamanho');
      await w.root.locator('form.card button[type=submit]').click();
      const number = /#(\d+)/.exec((await w.root.locator('.card.ok').textContent()) ?? '')?.[1];
      const offDuty = await agentOnDuty(server);
      try {
        const admin = await adminApi(server);
        const live = await eventually(async () => ((await admin.get('/visitors/live')).body.visitors as Array<{ id: string; name: string | null }>).find((v) => v.name === 'Bia Souza'), 'Bia on the live list, named');
        const res = await admin.post(`/visitors/${live.id}/conversations`, { clientId: crypto.randomUUID(), text: 'Oi, Bia! Vi sua mensagem.' });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.conversation.visitorName).toBe('Bia Souza');
        await w.bubble('Oi, Bia! Vi sua mensagem.').waitFor();
        const texts = await w.root.locator('.log li').allTextContents();
        const notice = texts.findIndex((t) => t === `Sua mensagem virou o chamado #${number}.`);
        const message = texts.findIndex((t) => t.includes('Oi, Bia! Vi sua mensagem.'));
        expect(notice).toBeGreaterThan(-1);
        expect(notice).toBeLessThan(message);
        expect(await w.root.locator('.card.ok').count()).toBe(0); // no card left below the newer message
        expect(errors).toEqual([]);
        await context.close();
      } finally {
        offDuty();
      }
    });

    it('issue 15: a chat that became a ticket asks no address and promises nothing; the end panel offers no e-mailed transcript', async () => {
      const offDuty = await agentOnDuty(server);
      try {
        const { context, errors, w, composer } = await chatBecomesTicket(server);
        const note = w.root.locator('.log .card', { hasText: 'O que você escrever aqui vai para o chamado.' });
        await note.waitFor();
        expect(await note.textContent()).toBe('Nossa equipe vai ver esta conversa no chamado.O que você escrever aqui vai para o chamado.');
        // The header no longer promises an answer right here: the chat is a ticket now.
        expect(await w.root.locator('.head .sub').textContent()).toBe('Agora é um chamado.');
        expect(await w.root.locator('.log').textContent()).not.toMatch(/e-mail/i);
        expect(await note.locator('input').count()).toBe(0);

        // A chat the visitor ends: download only, no transcript by e-mail.
        await w.root.locator('.head button.quit').waitFor({ state: 'detached' });
        const list = w.root.locator('.head button.icon').first();
        await list.click();
        await w.root.getByRole('button', { name: 'Nova conversa' }).click();
        await composer.fill('Outra dúvida');
        await composer.press('Enter');
        await w.bubble('Outra dúvida').locator('xpath=..').locator('time').waitFor();
        await w.root.locator('.head button.quit').click();
        await w.root.locator('.confirm button.send').click();
        const panel = w.root.locator('.card.ended');
        await panel.locator('a[download]').waitFor();
        expect(await panel.locator('#papo-mail').count()).toBe(0);
        expect(await panel.textContent()).not.toMatch(/e-mail/i);
        expect(errors).toEqual([]);
        await context.close();
      } finally {
        offDuty();
      }
    });
  });
});
