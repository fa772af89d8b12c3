/**
 * Issue 11 F1 against the real server and a real SMTP server (SPEC L3-L5): `ticket.create` and
 * `transcript.email` limited per address and per visitor, one mail per window to an address nobody has
 * confirmed, and no visitor text in any subject. Every client really comes from 127.0.0.1; the servers
 * trust one proxy so a test speaks for other addresses with X-Forwarded-For.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type IdentityProof } from '../../shared/protocol';
import { adminApi, createAgent, onlineAgent, send } from './agents';
import { TestSocket } from './clients';
import { serversPerTest, type TestServer } from './harness';
import { smtpPerFile, type ReceivedMail } from './smtp';
import { allTickets, demoSiteId, expectAnswer, request, supportQueueId, uniqueEmail, type Answer } from './tickets-helpers';

const smtp = smtpPerFile();
const startServer = serversPerTest();

const TICKETS = 5;
const TRANSCRIPTS = 3;
const HOUR = 3_600_000;
const SITE = 'Demo site';
/** What an attacker puts in the form to phish whoever gets the confirmation. */
const PHISH = 'URGENTE: sua conta será bloqueada, confirme a senha em http://evil.example/login';

async function serverWith(env: Record<string, string> = {}, ticketing?: 'product'): Promise<TestServer> {
  return startServer({
    env: { ...smtp.env, TRUST_PROXY: '1', RATE_TICKETS_PER_HOUR: String(TICKETS), RATE_TRANSCRIPTS_PER_HOUR: String(TRANSCRIPTS), ...env },
    ...(ticketing ? { ticketing } : {}),
  });
}

/** A JWT identity proof for the demo site (a new identity secret is made for it), signed as a host backend would. */
async function jwtFor(server: TestServer, claims: { sub: string; email: string; name?: string }): Promise<string> {
  const admin = await adminApi(server);
  const siteId = await demoSiteId(server);
  const secret = (await admin.post(`/sites/${siteId}/identity-secret`)).body.identitySecret as string;
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signing = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...claims, exp: Math.floor(Date.now() / 1000) + 600 })}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}

/** A visitor socket "from" `ip` (X-Forwarded-For), after its welcome. */
async function visitorFrom(server: TestServer, ip: string, hello: { token?: string | null; identity?: IdentityProof } = {}) {
  const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, { origin: server.origin, 'x-forwarded-for': ip });
  socket.send({ type: 'hello', v: PROTOCOL_VERSION, token: hello.token ?? null, resume: null, ...(hello.identity ? { identity: hello.identity } : {}) });
  const welcome = await socket.next('welcome');
  if (welcome.session.role !== 'visitor') throw new Error('expected a visitor session');
  return { socket, session: welcome.session };
}

const form = (email: string, message = PHISH) => ({ name: 'Equipe de Segurança', email, message });
const ticketCreate = (socket: TestSocket, email: string, message?: string) =>
  request(socket, { type: 'ticket.create', clientId: randomUUID(), fields: form(email, message) });
const transcript = (socket: TestSocket, conversationId: string, email: string) =>
  request(socket, { type: 'transcript.email', clientId: randomUUID(), conversationId, email });

/** The answers to requests sent all at once (no waiting between them), in the order sent. */
async function burst(socket: TestSocket, frames: Array<{ type: string; clientId: string } & Record<string, unknown>>): Promise<Answer[]> {
  return Promise.all(frames.map((f) => request(socket, f)));
}

/** Mails to any of `addresses` received so far (after the ones expected arrived and the rest had time to). */
async function mailsTo(addresses: Iterable<string>, expected: number): Promise<ReceivedMail[]> {
  const set = new Set([...addresses].map((a) => a.toLowerCase()));
  const of = () => smtp.messages.filter((m) => m.to.some((t) => set.has(t)));
  for (let i = 0; i < expected; i++) await smtp.waitFor((m) => of().indexOf(m) === i);
  // Confirmations go out after the answer; a mail that should not exist would be on its way by now.
  await new Promise((r) => setTimeout(r, 300));
  return of();
}

function expectRefused(answer: Answer, windowMs: number) {
  const error = expectAnswer(answer, 'error');
  expect(error.code).toBe('rate_limited');
  expect(error.retryAfterMs).toBeGreaterThan(0);
  expect(error.retryAfterMs).toBeLessThanOrEqual(windowMs);
  return error;
}

/** A conversation of a visitor from `ip` (with an agent's reply so there is a transcript). */
async function chatFrom(server: TestServer, ip: string, token?: string) {
  const v = await visitorFrom(server, ip, token ? { token } : {});
  const { conversationId } = await v.socket.say('Olá, preciso de ajuda com meu pedido');
  return { ...v, conversationId };
}

describe('L3 (issue 11 F1): ticket.create per address and per visitor', () => {
  it('L3: 200 ticket.create from one socket: RATE_TICKETS_PER_HOUR are stored and mailed, the other 195 are `rate_limited` naming their clientId, nothing stored or sent for them', async () => {
    const server = await serverWith();
    const v = await visitorFrom(server, '198.51.100.1');
    const frames = Array.from({ length: 200 }, () => ({ type: 'ticket.create', clientId: randomUUID(), fields: form(uniqueEmail('alvo')) }));
    const answers = await burst(v.socket, frames);

    const made = answers.filter((a) => a.type === 'ticket');
    const refused = answers.filter((a) => a.type === 'error');
    expect(made).toHaveLength(TICKETS);
    expect(refused).toHaveLength(200 - TICKETS);
    for (const [i, a] of answers.entries()) expect(a.clientId).toBe(frames[i]!.clientId);
    for (const a of refused) expectRefused(a, HOUR / TICKETS);

    const tickets = (await allTickets(server)).filter((t) => t.requester.visitorId === v.session.visitorId);
    expect(tickets).toHaveLength(TICKETS);
    const mailed = new Set(tickets.map((t) => t.requester.email!));
    const mails = await mailsTo(frames.map((f) => f.fields.email), TICKETS);
    expect(mails).toHaveLength(TICKETS);
    expect(new Set(mails.flatMap((m) => m.to))).toEqual(mailed);
    expect(v.socket.ws.readyState).toBe(v.socket.ws.OPEN);
  });

  it('L3: many sockets and visitors from one address share its budget; another address is not affected', async () => {
    const server = await serverWith();
    const IP = '198.51.100.2';
    const visitors = await Promise.all(Array.from({ length: 12 }, () => visitorFrom(server, IP)));
    const answers = await Promise.all(visitors.map((v) => ticketCreate(v.socket, uniqueEmail('nat'))));
    expect(answers.filter((a) => a.type === 'ticket')).toHaveLength(TICKETS);
    for (const a of answers.filter((a) => a.type === 'error')) expectRefused(a, HOUR / TICKETS);
    const ids = new Set(visitors.map((v) => v.session.visitorId));
    expect((await allTickets(server)).filter((t) => ids.has(t.requester.visitorId!))).toHaveLength(TICKETS);

    const elsewhere = await visitorFrom(server, '198.51.100.3');
    expect(expectAnswer(await ticketCreate(elsewhere.socket, uniqueEmail('outra-rede')), 'ticket').number).toBeGreaterThan(0);
  });

  it('L3: one visitor (its token) coming from many addresses is held to its own budget', async () => {
    const server = await serverWith();
    const first = await visitorFrom(server, '203.0.113.1');
    const answers: Answer[] = [];
    for (let i = 0; i < 8; i++) {
      const v = i === 0 ? first : await visitorFrom(server, `203.0.113.${1 + i}`, { token: first.session.token });
      expect(v.session.visitorId).toBe(first.session.visitorId);
      answers.push(await ticketCreate(v.socket, uniqueEmail('rotativo')));
    }
    expect(answers.map((a) => a.type)).toEqual([...Array<string>(TICKETS).fill('ticket'), ...Array<string>(8 - TICKETS).fill('error')]);
    for (const a of answers.slice(TICKETS)) expectRefused(a, HOUR / TICKETS);
  });

  it('L3: IPv6 addresses of one /64 are one address', async () => {
    const server = await serverWith();
    const answers: Answer[] = [];
    for (let i = 1; i <= TICKETS + 2; i++) answers.push(await ticketCreate((await visitorFrom(server, `2001:db8:77:1::${i.toString(16)}`)).socket, uniqueEmail('v6')));
    expect(answers.filter((a) => a.type === 'ticket')).toHaveLength(TICKETS);
    const next = await visitorFrom(server, '2001:db8:77:2::1');
    expect((await ticketCreate(next.socket, uniqueEmail('v6'))).type).toBe('ticket');
  });

  it('T7/L3: a resent ticket.create (same clientId) answers its ticket and does not use up the budget', async () => {
    const server = await serverWith();
    const v = await visitorFrom(server, '198.51.100.4');
    const clientId = randomUUID();
    const frame = { type: 'ticket.create', clientId, fields: form(uniqueEmail('reenvio'), 'Minha encomenda não chegou') };
    const first = expectAnswer(await request(v.socket, frame), 'ticket');
    for (let i = 0; i < TICKETS + 2; i++) expect(expectAnswer(await request(v.socket, frame), 'ticket').number).toBe(first.number);
    const answers: Answer[] = [];
    for (let i = 0; i < TICKETS; i++) answers.push(await ticketCreate(v.socket, uniqueEmail('depois')));
    expect(answers.map((a) => a.type)).toEqual([...Array<string>(TICKETS - 1).fill('ticket'), 'error']);
  });
});

describe('L4 (issue 11 F1): one mail per window to an address nobody confirmed', () => {
  it('L4: one mailbox targeted from 10 addresses and visitors (case, +tags and Gmail dots too) gets one confirmation; the tickets are stored; a transcript to it is refused until the window ends', async () => {
    const server = await serverWith();
    const local = `vitima${randomUUID().slice(0, 6)}`;
    const spellings = [
      `${local}@example.com`,
      `${local.toUpperCase()}@EXAMPLE.COM`,
      `${local}+promo@example.com`,
      ` ${local}+x@example.com`,
      `${local}@example.com`,
    ];
    const gmail = [`${local}@gmail.com`, `${local.split('').join('.')}@gmail.com`, `${local}+a@googlemail.com`];
    const answers: Answer[] = [];
    for (const [i, email] of [...spellings, ...gmail, `${local}@example.com`, `${local}@gmail.com`].entries()) {
      const v = await visitorFrom(server, `192.0.2.${10 + i}`);
      answers.push(await ticketCreate(v.socket, email.trim()));
    }
    // Every ticket is stored: the visitor's message reaches the team; only the mail is held back.
    expect(answers.map((a) => a.type)).toEqual(Array<string>(10).fill('ticket'));
    const toExample = await mailsTo(spellings.map((e) => e.trim().toLowerCase()), 1);
    expect(toExample).toHaveLength(1);
    const toGmail = await mailsTo(gmail.map((g) => g.toLowerCase()), 1);
    expect(toGmail).toHaveLength(1);

    // A transcript to that mailbox, from yet another visitor and address, is refused for the rest of the window.
    const c = await chatFrom(server, '192.0.2.99');
    const refused = expectRefused(await transcript(c.socket, c.conversationId, `${local}+t@example.com`), HOUR);
    expect(refused.retryAfterMs).toBeGreaterThan(HOUR - 60_000);
    expect(await mailsTo([...spellings.map((e) => e.trim().toLowerCase()), `${local}+t@example.com`], 1)).toHaveLength(1);
    // Another address is fine.
    const other = uniqueEmail('outra');
    expect((await transcript(c.socket, c.conversationId, other)).type).toBe('done');
    expect(await mailsTo([other], 1)).toHaveLength(1);
  });

  it('L4: the window is MAIL_UNCONFIRMED_WINDOW_MIN; a waiting chat turned into a ticket (T2) counts as a mail to its requester', async () => {
    const server = await serverWith({ MAIL_UNCONFIRMED_WINDOW_MIN: '1' }, 'product');
    const email = uniqueEmail('janela');
    const v = await visitorFrom(server, '192.0.2.50');
    expect((await ticketCreate(v.socket, email, 'Quero cancelar')).type).toBe('ticket');
    const { conversationId } = await v.socket.say('Ainda quero cancelar, alguém aí?');
    await v.socket.next('event', (f) => f.event.conversationId === conversationId && f.event.kind === 'ticket_created');
    expect(await mailsTo([email], 1)).toHaveLength(1);
    const c = await chatFrom(server, '192.0.2.51');
    expectRefused(await transcript(c.socket, c.conversationId, email), 60_000);
  });

  it('L4: an address the site vouched for (the e-mail of a JWT identity) is not held to one mail per window; a userHash e-mail is not vouched for', async () => {
    const server = await serverWith();
    const email = uniqueEmail('confirmado');
    const jwt = await jwtFor(server, { sub: `user-${randomUUID().slice(0, 8)}`, email, name: 'Ana' });

    const v = await visitorFrom(server, '192.0.2.60', { identity: { jwt } });
    expect((await ticketCreate(v.socket, email, 'Minha fatura veio errada')).type).toBe('ticket');
    const { conversationId } = await v.socket.say('Olá');
    expect((await transcript(v.socket, conversationId, email)).type).toBe('done');
    const mails = await mailsTo([email], 2);
    expect(mails).toHaveLength(2);
    // To a confirmed address the confirmation may quote the visitor's own message.
    expect(mails.find((m) => m.subject.includes('#'))!.text).toContain('Minha fatura veio errada');

    // An address claimed with a userHash proof (which signs only the user id) is not vouched for.
    const key = (await (await adminApi(server)).get(`/sites/${await demoSiteId(server)}/identity-secret`)).body.identitySecret as string;
    const uid = `user-${randomUUID().slice(0, 8)}`;
    const claimed = uniqueEmail('alegado');
    const hashed = await visitorFrom(server, '192.0.2.61', { identity: { userId: uid, email: claimed, userHash: createHmac('sha256', key).update(uid).digest('hex') } });
    expect((await ticketCreate(hashed.socket, claimed, 'Oi')).type).toBe('ticket');
    const chat = await hashed.socket.say('Olá');
    expectRefused(await transcript(hashed.socket, chat.conversationId, claimed), HOUR);
  });
});

describe('L3/L4 (issue 11 F1): transcript.email', () => {
  it('L3: one visitor asking 20 transcripts to 20 addresses: RATE_TRANSCRIPTS_PER_HOUR are sent, the rest `rate_limited` naming their clientId', async () => {
    const server = await serverWith();
    const c = await chatFrom(server, '198.51.100.20');
    const frames = Array.from({ length: 20 }, () => ({ type: 'transcript.email', clientId: randomUUID(), conversationId: c.conversationId, email: uniqueEmail('lista') }));
    const answers = await burst(c.socket, frames);
    expect(answers.filter((a) => a.type === 'done')).toHaveLength(TRANSCRIPTS);
    for (const [i, a] of answers.entries()) expect(a.clientId).toBe(frames[i]!.clientId);
    for (const a of answers.filter((a) => a.type === 'error')) expectRefused(a, HOUR / TRANSCRIPTS);
    expect(await mailsTo(frames.map((f) => f.email), TRANSCRIPTS)).toHaveLength(TRANSCRIPTS);
  });

  it('L3: visitors from one address share its transcript budget', async () => {
    const server = await serverWith();
    const chats = [];
    for (let i = 0; i < TRANSCRIPTS + 3; i++) chats.push(await chatFrom(server, '198.51.100.21'));
    const answers = await Promise.all(chats.map((c) => transcript(c.socket, c.conversationId, uniqueEmail('mesma-rede'))));
    expect(answers.filter((a) => a.type === 'done')).toHaveLength(TRANSCRIPTS);
    for (const a of answers.filter((a) => a.type === 'error')) expectRefused(a, HOUR / TRANSCRIPTS);
  });
});

describe('L5 (issue 11 F1): no visitor text in a subject line', () => {
  it('L5: the form confirmation, a T2 confirmation, an agent reply and a transcript all have fixed subjects with the number and the site name; an unconfirmed confirmation does not quote the visitor', async () => {
    const server = await serverWith({}, 'product');
    const v = await visitorFrom(server, '198.51.100.30');
    const email = uniqueEmail('assunto');
    const form = expectAnswer(await ticketCreate(v.socket, email), 'ticket');
    const [confirmation] = await mailsTo([email], 1);
    expect(confirmation!.subject).toBe(`Seu chamado #${form.number} — ${SITE}`);
    expect(confirmation!.text).toContain(`#${form.number}`);
    expect(confirmation!.text).toContain(SITE);
    expect(confirmation!.text).not.toContain('evil.example');
    expect(confirmation!.text).not.toContain('Segurança');

    // A waiting chat nobody can take becomes a ticket (T2): its first message, the phishing text, is the
    // ticket's subject for the agents, never the mail's. (An identified visitor: its e-mail is the requester.)
    const email2 = uniqueEmail('auto');
    const v2 = await visitorFrom(server, '198.51.100.31', { identity: { jwt: await jwtFor(server, { sub: `user-${randomUUID().slice(0, 8)}`, email: email2 }) } });
    const { conversationId } = await v2.socket.say(PHISH);
    const created = await v2.socket.next('event', (f) => f.event.conversationId === conversationId && f.event.kind === 'ticket_created');
    const autoNumber = created.event.data?.number as number;
    expect((await allTickets(server)).find((t) => t.number === autoNumber)!.subject).toContain('URGENTE');
    const [auto] = await mailsTo([email2], 1);
    expect(auto!.subject).toBe(`Seu chamado #${autoNumber} — ${SITE}`);

    // An agent replies on the form ticket: the subject is still the fixed one.
    const agent = await createAgent(server);
    const ticket = (await allTickets(server)).find((t) => t.number === form.number)!;
    expect((await agent.api.post(`/tickets/${ticket.id}/replies`, { text: 'Não clique em links; sua conta está bem.' })).status).toBe(200);
    const reply = await smtp.waitFor((m) => m.to.includes(email) && m.text.includes('Não clique'));
    expect(reply.subject).toBe(`Re: Seu chamado #${form.number} — ${SITE}`);

    // A transcript of a chat whose text is the phishing text.
    const holder = await onlineAgent(server, { queues: [await supportQueueId(server)] });
    const v3 = await visitorFrom(server, '198.51.100.32');
    const chat = await v3.socket.say(PHISH);
    expect((await send(holder.socket, chat.conversationId, 'Olá')).type).toBe('ack');
    const email3 = uniqueEmail('transcricao');
    expect((await transcript(v3.socket, chat.conversationId, email3)).type).toBe('done');
    const [mail] = await mailsTo([email3], 1);
    expect(mail!.subject).toBe(`Transcrição da conversa — ${SITE}`);
    expect(mail!.text).toContain(PHISH); // the transcript is what was asked for
    expect(mail!.text.indexOf(SITE)).toBeLessThan(mail!.text.indexOf(PHISH)); // after a line saying where it comes from

    for (const m of smtp.messages) expect(m.subject, m.subject).not.toMatch(/URGENTE|evil|Segurança/);
  });

  it('L5: the subject follows the site language', async () => {
    const server = await serverWith();
    const admin = await adminApi(server);
    const siteId = await demoSiteId(server);
    const settings = (await admin.get(`/sites/${siteId}/widget`)).body;
    expect((await admin.put(`/sites/${siteId}/widget`, { ...settings, locale: 'en' })).status).toBe(200);
    const v = await visitorFrom(server, '198.51.100.40');
    const email = uniqueEmail('english');
    const form = expectAnswer(await ticketCreate(v.socket, email), 'ticket');
    const [mail] = await mailsTo([email], 1);
    expect(mail!.subject).toBe(`Your ticket #${form.number} — ${SITE}`);
  });
});
