/**
 * E-mail against a real SMTP server (SPEC T6, T8; issue 4): the transcript a visitor asks for, ticket
 * confirmations, and what happens without SMTP_URL or with an SMTP server that is down. Our mailer is
 * never mocked: the assertions are on what the SMTP server received.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../shared/api';
import { startPapo } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { adminApi, createAgent, onlineAgent, send, summary, visitor } from './agents';
import type { TestSocket } from './clients';
import { ADMIN, serversPerTest, TEST_SECRET, type TestServer } from './harness';
import { smtpPerFile, startSmtp, TEST_MAIL_FROM } from './smtp';
import { allTickets, createTicket, demoSiteId, emailTranscript, expectAnswer, supportQueueId, uniqueEmail } from './tickets-helpers';

const smtp = smtpPerFile();
const serverWith = serversPerTest();

function eventOf(socket: TestSocket, conversationId: string, kind: string) {
  return socket.next('event', (f) => f.event.conversationId === conversationId && f.event.kind === kind, 10_000);
}

/** A chat with a visitor message, an agent's reply and a private note, ended by the visitor. */
async function endedChat(server: TestServer) {
  const agent = await onlineAgent(server, { queues: [await supportQueueId(server)], name: 'Beatriz Atendente' });
  const v = await visitor(server);
  const { conversationId } = await v.socket.say('Olá, meu pedido não chegou — é o nº 123');
  await summary(agent.socket, conversationId);
  expect((await send(agent.socket, conversationId, 'Vou verificar com a transportadora, só um instante.')).type).toBe('ack');
  expect((await send(agent.socket, conversationId, 'nota secreta: cliente reclamou antes', { note: true })).type).toBe('ack');
  await v.socket.say('Obrigado!', conversationId);
  v.socket.send({ type: 'conversation.end', conversationId });
  await eventOf(v.socket, conversationId, 'ended_by_visitor');
  return { agent, visitor: v, conversationId };
}

describe('T6/T8 the transcript by e-mail', () => {
  it('T6/T8: transcript.email answers done and the SMTP server receives the whole transcript, messages in order, never the private note', async () => {
    const server = await serverWith({ env: smtp.env });
    const { visitor: v, conversationId } = await endedChat(server);
    const email = uniqueEmail('transcricao');

    const answer = await emailTranscript(v.socket, conversationId, `  ${email.toUpperCase()} `);

    expect(expectAnswer(answer, 'done').type).toBe('done');
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    expect(mail.from).toBe('papo@example.com');
    expect(mail.headers.from).toContain('papo@example.com');
    expect(mail.subject).toBe('Transcrição da conversa — Demo site');
    const lines = mail.text.split('\n');
    const visitorLine = lines.findIndex((l) => l.endsWith('Você: Olá, meu pedido não chegou — é o nº 123'));
    const agentLine = lines.findIndex((l) => l.endsWith('Beatriz Atendente: Vou verificar com a transportadora, só um instante.'));
    const thanksLine = lines.findIndex((l) => l.endsWith('Você: Obrigado!'));
    const endLine = lines.findIndex((l) => l.endsWith('Você encerrou a conversa'));
    expect([visitorLine, agentLine, thanksLine, endLine].every((i) => i >= 0), mail.text).toBe(true);
    expect(visitorLine).toBeLessThan(agentLine);
    expect(agentLine).toBeLessThan(thanksLine);
    expect(thanksLine).toBeLessThan(endLine);
    expect(mail.text).not.toContain('nota secreta');
    expect(mail.text).not.toContain('cliente reclamou');
    expect(server.problems).toEqual([]);
  });

  it('T6/T8: with SMTP off, transcript.email answers email_off naming the request, and nothing is sent', async () => {
    const server = await serverWith();
    const { visitor: v, conversationId } = await endedChat(server);
    const email = uniqueEmail('sem-smtp');
    const before = smtp.messages.length;
    const error = expectAnswer(await emailTranscript(v.socket, conversationId, email), 'error');
    expect(error.code).toBe('email_off');
    expect(error.message.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.messages.length).toBe(before);
  });

  it.each([['not-an-email'], ['ana@'], ['ana silva@example.com'], [''], [`${'a'.repeat(250)}@example.com`]])(
    'T6/T7: transcript.email to %j answers invalid_email and sends nothing',
    async (address) => {
      const server = await serverWith({ env: smtp.env });
      const v = await visitor(server);
      const { conversationId } = await v.socket.say('Oi');
      const before = smtp.messages.length;
      const error = expectAnswer(await emailTranscript(v.socket, conversationId, address), 'error');
      expect(error.code).toBe('invalid_email');
      await new Promise((r) => setTimeout(r, 100));
      expect(smtp.messages.length).toBe(before);
    },
  );

  it("T6: another visitor's conversation answers conversation_not_found and nothing is sent", async () => {
    const server = await serverWith({ env: smtp.env });
    const { conversationId } = await endedChat(server);
    const stranger = await visitor(server);
    const email = uniqueEmail('intruso');
    const error = expectAnswer(await emailTranscript(stranger.socket, conversationId, email), 'error');
    expect(error.code).toBe('conversation_not_found');
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.messages.some((m) => m.to.includes(email))).toBe(false);
  });
});

describe('L5 the site\'s language (issue 13: one language per e-mail)', () => {
  it('L5/T6/T8: a site in English sends its confirmation and its transcript wholly in English, labels included', async () => {
    const server = await serverWith({ env: smtp.env });
    const admin = await adminApi(server);
    const siteId = await demoSiteId(server);
    const settings = (await admin.get(`/sites/${siteId}/widget`)).body;
    expect((await admin.put(`/sites/${siteId}/widget`, { ...settings, locale: 'en' })).status).toBe(200);

    const asker = await visitor(server);
    const email = uniqueEmail('english');
    const form = expectAnswer(await createTicket(asker.socket, { email, message: 'Quero cancelar minha assinatura' }), 'ticket');
    const confirmation = await smtp.waitFor((m) => m.to.includes(email));
    expect(confirmation.subject).toBe(`Your ticket #${form.number} — Demo site`);
    expect(confirmation.text.trim()).toBe(`We received your message at Demo site and opened ticket #${form.number}. We will answer by e-mail.\n\nIf you did not write to Demo site, ignore this e-mail.`);

    const { visitor: v, conversationId } = await endedChat(server);
    const other = uniqueEmail('english-transcript');
    expect(expectAnswer(await emailTranscript(v.socket, conversationId, other), 'done').type).toBe('done');
    const transcript = await smtp.waitFor((m) => m.to.includes(other));
    expect(transcript.subject).toBe('Conversation transcript — Demo site');
    const lines = transcript.text.split('\n');
    expect(lines[0]).toBe('Someone at Demo site asked for this conversation to be sent to this address. If it was not you, ignore this e-mail.');
    expect(lines).toContain('Conversation transcript');
    expect(lines.some((l) => l.endsWith('] You: Olá, meu pedido não chegou — é o nº 123')), transcript.text).toBe(true);
    expect(lines.some((l) => l.endsWith('] Beatriz Atendente joined the conversation')), transcript.text).toBe(true);
    expect(lines.some((l) => l.endsWith('] You ended the conversation')), transcript.text).toBe(true);
    // Nothing of the Portuguese mail is left in either one.
    for (const mail of [confirmation, transcript]) expect(`${mail.subject}\n${mail.text}`).not.toMatch(/chamado|Você|Transcrição|encerrou|entrou na conversa|ignore este/);
  });
});

describe('T8 confirmations and an SMTP server that fails', () => {
  it('T1/T8/L4: a form ticket sends the requester a confirmation with its number; the same visitor\'s waiting chat turned into a ticket (T2) within the hour sends that unconfirmed address nothing more', async () => {
    const server = await serverWith({ env: smtp.env, ticketing: 'product' });
    const v = await visitor(server);
    const email = uniqueEmail('confirmacao');
    const form = expectAnswer(await createTicket(v.socket, { name: 'Rita', email, message: 'Quero cancelar minha assinatura' }), 'ticket');
    const first = await smtp.waitFor((m) => m.to.includes(email) && m.subject.includes(`#${form.number}`));
    expect(first.subject).toBe(`Seu chamado #${form.number} — Demo site`);
    expect(first.text).toContain(`#${form.number}`);

    // The visitor now chats while nobody is online: the chat becomes a ticket for the e-mail it left.
    const { conversationId } = await v.socket.say('Ainda quero cancelar, alguém aí?');
    const created = await eventOf(v.socket, conversationId, 'ticket_created');
    const number = created.event.data?.number;
    expect(number).toBeTypeOf('number');
    const ticket = (await allTickets(server)).find((t) => t.conversationId === conversationId) as Ticket;
    expect(ticket.requester).toMatchObject({ email, name: 'Rita', visitorId: v.session.visitorId });
    // SPEC L4: one visitor-caused mail per window to an address nobody vouched for; the widget showed #number.
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.filter((m) => m.to.includes(email))).toHaveLength(1);
  });

  it('T8: a waiting chat of a visitor who left no e-mail becomes a ticket and sends nothing', async () => {
    const server = await serverWith({ env: smtp.env, ticketing: 'product' });
    const v = await visitor(server);
    const before = smtp.messages.length;
    const { conversationId } = await v.socket.say('Sem e-mail');
    await eventOf(v.socket, conversationId, 'ticket_created');
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.length).toBe(before);
  });

  it('T8: with the SMTP server down, the form still makes its ticket, a reply is stored with emailed false, transcript.email answers a typed error, and the server goes on', async () => {
    const dead = await startSmtp();
    await dead.stop();
    const server = await serverWith({ env: { SMTP_URL: dead.url, MAIL_FROM: TEST_MAIL_FROM } });
    const v = await visitor(server);
    const email = uniqueEmail('sem-servidor');
    const form = expectAnswer(await createTicket(v.socket, { email, message: 'Servidor de e-mail fora do ar' }), 'ticket');
    expect(form.number).toBe(1);

    const agent = await createAgent(server);
    const [ticket] = await allTickets(server);
    expect((await agent.api.post(`/tickets/${ticket!.id}/replies`, { text: 'Tentando responder' })).status).toBe(200);
    const entries = (await agent.api.get(`/tickets/${ticket!.id}`)).body.entries;
    expect(entries.find((e: { kind: string }) => e.kind === 'reply')).toMatchObject({ emailed: false });

    const { conversationId } = await v.socket.say('Quero a transcrição');
    const error = expectAnswer(await emailTranscript(v.socket, conversationId, email), 'error');
    expect(error.code).toBe('internal');
    // The failures are logged, and nothing stopped: the visitor still chats.
    expect((await v.socket.say('Ainda funciona?', conversationId)).conversationId).toBe(conversationId);
    expect(server.problems.some((p) => p.includes('could not send e-mail'))).toBe(true);
  });

  it.each([
    ['without SMTP_URL', true, {}],
    ['with SMTP_URL', false, { SMTP_URL: 'smtp://127.0.0.1:2525' }],
  ])('T8: %s the server starts; its log says e-mail is off: %s', async (_name, saysOff, env) => {
    const dir = mkdtempSync(join(tmpdir(), 'papo-test-'));
    const lines: string[] = [];
    const config = loadConfig({
      PORT: '0',
      DATABASE_PATH: join(dir, 'papo.db'),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      PAPO_SECRET: TEST_SECRET,
      DIST_DIR: join(import.meta.dirname, '../../dist'),
      ...env,
    });
    const papo = await startPapo(config, { log: createLogger('info', (line) => lines.push(line)) });
    try {
      expect((await fetch(`${papo.url}/api/v1/me`)).status).toBe(401); // it serves
      expect(lines.some((l) => /e-mail is off/i.test(l))).toBe(saysOff);
    } finally {
      await papo.stop();
    }
  });

  it('T8: a bad SMTP_URL stops the start with a message naming it', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL/);
  });
});
