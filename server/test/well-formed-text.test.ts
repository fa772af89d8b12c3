/**
 * Lone UTF-16 surrogates against the real server (SPEC D14; issue 11 fault 4). JSON may carry `"\ud800"`,
 * which no UTF-8 encoding can hold: better-sqlite3 used to write it as the bytes ED A0 80 and read them back
 * as three U+FFFD, so what was acked and echoed live differed from what history replayed. Every text a
 * client sends is now made well-formed (each lone surrogate becomes one U+FFFD) before it is checked or
 * stored: the live echo, the stored row and the replay are the same characters.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countChars, MAX_MESSAGE_CHARS } from '../../shared/limits';
import { adminApi } from './agents';
import { openAgent, openVisitor } from './clients';
import { serverForAll } from './harness';

const server = serverForAll();
let db: Database.Database;

beforeAll(async () => {
  db = new Database(join(server.dir, 'papo.db'), { readonly: true });
});
afterAll(async () => {
  db.close();
});

/** The bytes SQLite holds for a stored message's text, in hex. */
const storedHex = (clientId: string) => db.prepare<[string], { hex: string }>('SELECT hex(text) AS hex FROM events WHERE client_id = ?').get(clientId)?.hex;

/** A text's UTF-16 code units in hex, so a failure shows `d800` against `fffd` instead of two look-alike glyphs. */
const units = (text: string | null | undefined) => (text == null ? text : Array.from({ length: text.length }, (_, i) => text.charCodeAt(i).toString(16)).join(' '));

/** A message.send frame written by hand: JSON.stringify would not show the escape the issue names. */
const rawSend = (clientId: string, conversationId: string | null, escapedText: string) =>
  `{"type":"message.send","clientId":"${clientId}",${conversationId ? `"conversationId":"${conversationId}",` : ''}"text":"${escapedText}"}`;

describe('D14: lone surrogates are made well-formed before anything is stored', () => {
  it('D14: a message with a lone surrogate is acked, echoed live and replayed with the same text, stored as UTF-8', async () => {
    const agent = await openAgent(server);
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('primeira');
    agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    await agent.socket.next('history', (h) => h.conversationId === conversationId);

    const clientId = randomUUID();
    visitor.socket.send(rawSend(clientId, conversationId, '\\ud800 x'));
    const ack = await visitor.socket.next('ack', (a) => a.clientId === clientId);
    const toAgent = await agent.socket.next('event', (f) => f.event.clientId === clientId);
    const toVisitor = await visitor.socket.next('event', (f) => f.event.clientId === clientId);

    const reconnected = await openVisitor(server, { token: visitor.session.token, resume: { conversationId, afterSeq: 0 } });
    const history = await reconnected.socket.next('history', (h) => h.conversationId === conversationId);
    const replayed = history.events.find((e) => e.seq === ack.seq);

    expect(toAgent.event.seq).toBe(ack.seq);
    expect(units(replayed?.text)).toBe(units(toAgent.event.text));
    expect(units(toAgent.event.text)).toBe(units('\ufffd x'));
    expect(units(toVisitor.event.text)).toBe(units('\ufffd x'));
    expect(storedHex(clientId)).toBe('EFBFBD2078');
  });

  it('D14: 1,000 lone surrogates are 1,000 characters live and in history; 1,001 are message_too_long', async () => {
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('oi');
    const clientId = randomUUID();
    visitor.socket.send(rawSend(clientId, conversationId, '\\udc00'.repeat(MAX_MESSAGE_CHARS)));
    const ack = await visitor.socket.next('ack', (a) => a.clientId === clientId);
    const live = await visitor.socket.next('event', (f) => f.event.clientId === clientId);

    const tooLong = randomUUID();
    visitor.socket.send(rawSend(tooLong, conversationId, '\\udc00'.repeat(MAX_MESSAGE_CHARS + 1)));
    const refused = await visitor.socket.next('error', (e) => e.clientId === tooLong);

    const reconnected = await openVisitor(server, { token: visitor.session.token, resume: { conversationId, afterSeq: 0 } });
    const history = await reconnected.socket.next('history', (h) => h.conversationId === conversationId);
    const replayed = history.events.find((e) => e.seq === ack.seq)!;

    expect(countChars(replayed.text!)).toBe(MAX_MESSAGE_CHARS);
    expect(replayed.text).toBe(live.event.text);
    expect(live.event.text).toBe('\ufffd'.repeat(MAX_MESSAGE_CHARS));
    expect(refused.code).toBe('message_too_long');
  });

  it('D14: a well-formed pair split across an escape (\\ud83d\\ude00) is kept as the emoji', async () => {
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('oi');
    const clientId = randomUUID();
    visitor.socket.send(rawSend(clientId, conversationId, 'ol\\u00e1 \\ud83d\\ude00'));
    await visitor.socket.next('ack', (a) => a.clientId === clientId);
    const live = await visitor.socket.next('event', (f) => f.event.clientId === clientId);
    expect(live.event.text).toBe('olá 😀');
    expect(storedHex(clientId)).toBe(Buffer.from('olá 😀').toString('hex').toUpperCase());
  });

  it('D14: an HTTP body with a lone surrogate is stored and answered with the same well-formed text (canned reply)', async () => {
    const admin = await adminApi(server);
    const created = await admin.post('/canned-replies', { title: `frete \ud83d`, text: '\udfff prazo de entrega' });
    expect(created.status).toBe(201);
    const listed = await admin.get(`/canned-replies?q=${encodeURIComponent('prazo de entrega')}`);
    const row = db.prepare<[string], { title: string; hex: string }>('SELECT title, hex(text) AS hex FROM canned_replies WHERE id = ?').get(created.body.cannedReply.id);

    const again = listed.body.cannedReplies.find((r: { id: string }) => r.id === created.body.cannedReply.id);
    expect(units(again.text)).toBe(units(created.body.cannedReply.text));
    expect(units(created.body.cannedReply.title)).toBe(units('frete \ufffd'));
    expect(units(created.body.cannedReply.text)).toBe(units('\ufffd prazo de entrega'));
    expect(units(again.title)).toBe(units('frete \ufffd'));
    expect(units(row?.title)).toBe(units('frete \ufffd'));
    expect(row?.hex).toBe(Buffer.from('\ufffd prazo de entrega').toString('hex').toUpperCase());
  });
});
