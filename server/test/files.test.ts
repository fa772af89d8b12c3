/**
 * SPEC W3, files: uploads into a conversation against the real server (real HTTP, real sockets, a real
 * SQLite file and files directory), messages that carry them, downloads by who may see them, and erase.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WIDGET } from '../../shared/api';
import type { Attachment, ConversationEvent } from '../../shared/protocol';
import * as f from '../domain/file-type.fixtures';
import { adminApi, onlineAgent, storedEvents, visitor, type OnlineAgent } from './agents';
import { login } from './clients';
import { startTestServer, type TestServer } from './harness';
import { createMemoryBus } from '../bus/memory';
import { createLogger } from '../log';
import { createAttachmentService, UNSENT_TTL_MS } from '../services/attachments';
import { createConversationService } from '../services/conversations';
import { createSqliteStore } from '../store/sqlite/store';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.stop();
});

const filesDir = () => join(server.dir, 'files');
/** The names on disk in a conversation's folder (none when it does not exist). */
const onDisk = (conversationId: string) => (existsSync(join(filesDir(), conversationId)) ? readdirSync(join(filesDir(), conversationId)) : []);

interface Sender {
  token?: string;
  cookie?: string;
  origin?: string;
}

async function upload(who: Sender, conversationId: string, body: Uint8Array | ReadableStream<Uint8Array>, name?: string, extra: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/api/v1/files?conversation=${encodeURIComponent(conversationId)}`, {
    method: 'POST',
    headers: {
      ...(who.token ? { authorization: `Bearer ${who.token}` } : {}),
      ...(who.cookie ? { cookie: who.cookie } : {}),
      origin: who.origin ?? server.origin,
      'content-type': 'application/octet-stream',
      ...(name === undefined ? {} : { 'x-file-name': encodeURIComponent(name) }),
      ...extra,
    },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

async function download(who: Sender | null, id: string, query = '') {
  return fetch(`${server.url}/api/v1/files/${id}${query}`, {
    headers: {
      ...(who?.token ? { authorization: `Bearer ${who.token}` } : {}),
      ...(who?.cookie ? { cookie: who.cookie } : {}),
      ...(who?.origin ? { origin: who.origin } : {}),
    },
  });
}

/** A visitor with an open conversation (its first message sent) and its token. */
async function chatting(text = 'Olá') {
  const v = await visitor(server);
  const { conversationId } = await v.socket.say(text);
  return { ...v, conversationId, token: v.session.token };
}

async function setUploads(uploads: { enabled: boolean; maxBytes: number }) {
  const site = (await server.papo.store.sites.byKey(server.siteKey))!;
  await server.papo.store.sites.update(site.id, { widget: { ...DEFAULT_WIDGET, uploads } });
}

async function sendWithFiles(socket: Awaited<ReturnType<typeof visitor>>['socket'] | OnlineAgent['socket'], conversationId: string, attachments: string[], text = '', clientId = randomUUID(), note = false) {
  socket.send({ type: 'message.send', clientId, conversationId, text, attachments, ...(note ? { note: true } : {}) });
  const answer = await Promise.race([
    socket.next('ack', (a) => a.clientId === clientId),
    socket.next('error', (e) => e.clientId === clientId),
  ]);
  return answer;
}

describe('W3: uploads', () => {
  it('W3: a visitor uploads a PNG named .pdf: it is a PNG (named .png), kept under a random name, no row sent yet', async () => {
    const v = await chatting();
    const res = await upload({ token: v.token }, v.conversationId, f.PNG, 'relatório final.pdf');
    expect(res.status).toBe(201);
    const attachment = res.body.attachment as Attachment;
    expect(attachment).toEqual({ id: expect.any(String), name: 'relatório final.png', mime: 'image/png', size: f.PNG.length, kind: 'image' });
    const names = onDisk(v.conversationId);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[0-9a-f]{48}$/);
    expect(readFileSync(join(filesDir(), v.conversationId, names[0]!))).toEqual(Buffer.from(f.PNG));
    const [record] = await server.papo.store.attachments.list(v.conversationId);
    expect(record).toMatchObject({ id: attachment.id, uploaderKind: 'visitor', uploaderId: v.session.visitorId, eventSeq: null, storageName: names[0] });
  });

  it.each([
    ['DOCX', f.DOCX, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'],
    ['XLS', f.XLS, 'application/vnd.ms-excel', 'document'],
    ['PDF', f.PDF, 'application/pdf', 'document'],
    ['TIFF', f.TIFF_BE, 'image/tiff', 'image'],
    ['HEIC', f.heif('heic'), 'image/heic', 'image'],
  ])('W3: a %s is accepted with its detected type', async (_name, bytes, mime, kind) => {
    const v = await chatting();
    const res = await upload({ token: v.token }, v.conversationId, bytes, 'arquivo.bin');
    expect(res.status).toBe(201);
    expect(res.body.attachment).toMatchObject({ mime, kind });
  });

  it.each([
    ['an EXE named photo.jpg', f.EXE, 'photo.jpg'],
    ['an SVG named notes.txt', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'notes.txt'],
    ['an HTML page named notes.txt', new TextEncoder().encode('<!doctype html><script>alert(1)</script>'), 'notes.txt'],
    ['an empty file', new Uint8Array(), 'empty.txt'],
    ['a plain ZIP', f.PLAIN_ZIP, 'doc.docx'],
  ])('W3: %s is refused (415 file_type_refused) and nothing is kept', async (_name, bytes, name) => {
    const v = await chatting();
    const res = await upload({ token: v.token }, v.conversationId, bytes, name);
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('file_type_refused');
    // The widget's page may read the refusal, to say why.
    expect(res.headers.get('access-control-allow-origin')).toBe(server.origin);
    expect(onDisk(v.conversationId)).toEqual([]);
    expect(await server.papo.store.attachments.list(v.conversationId)).toEqual([]);
  });

  it('W3: a file past the site\'s maxBytes is refused by its Content-Length, before it is read', async () => {
    await setUploads({ enabled: true, maxBytes: 2048 });
    const v = await chatting();
    const big = new Uint8Array(5000).fill(0x41);
    const res = await upload({ token: v.token }, v.conversationId, big, 'big.txt');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('file_too_large');
    expect(onDisk(v.conversationId)).toEqual([]);
    // At the limit exactly it passes.
    expect((await upload({ token: v.token }, v.conversationId, new Uint8Array(2048).fill(0x41), 'ok.txt')).status).toBe(201);
  });

  it('W3: a file sent without a Content-Length is counted while read and refused past maxBytes', async () => {
    await setUploads({ enabled: true, maxBytes: 2048 });
    const v = await chatting();
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 1 KB chunks, up to 64 KB: the server stops reading well before the end.
        if (pulled++ >= 64) return controller.close();
        controller.enqueue(new Uint8Array(1024).fill(0x41));
      },
    });
    const res = await upload({ token: v.token }, v.conversationId, stream, 'stream.txt');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('file_too_large');
    expect(onDisk(v.conversationId)).toEqual([]);
    expect(await server.papo.store.attachments.list(v.conversationId)).toEqual([]);
  });

  it('W3: with uploads off a visitor is refused (403 uploads_off); an agent still sends files', async () => {
    await setUploads({ enabled: false, maxBytes: 10 * 1024 * 1024 });
    const v = await chatting();
    const refused = await upload({ token: v.token }, v.conversationId, f.PNG, 'a.png');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('uploads_off');
    expect(onDisk(v.conversationId)).toEqual([]);
    const cookie = await login(server);
    expect((await upload({ cookie }, v.conversationId, f.PDF, 'guia.pdf')).status).toBe(201);
  });

  it('W3: a visitor cannot upload into another visitor\'s conversation (404), nor with a bad or no token', async () => {
    const a = await chatting();
    const b = await chatting('Outra pessoa');
    const other = await upload({ token: b.token }, a.conversationId, f.PNG, 'x.png');
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('conversation_not_found');
    const bad = await upload({ token: `${a.token.slice(0, -2)}xx` }, a.conversationId, f.PNG, 'x.png');
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('token_invalid');
    const none = await upload({}, a.conversationId, f.PNG, 'x.png');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('not_authenticated');
    expect(onDisk(a.conversationId)).toEqual([]);
  });

  it('W3: a visitor\'s upload from a page the site does not allow is refused; an allowed origin gets CORS', async () => {
    const v = await chatting();
    const foreign = await upload({ token: v.token, origin: 'https://evil.example' }, v.conversationId, f.PNG, 'x.png');
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('origin_not_allowed');
    const ok = await upload({ token: v.token }, v.conversationId, f.PNG, 'x.png');
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe(server.origin);
    const preflight = await fetch(`${server.url}/api/v1/files?conversation=${v.conversationId}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, x-file-name' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });

  it('W3: the display name is cleaned: no path, no control or bidi characters, at most 200 characters, the detected type\'s extension', async () => {
    const v = await chatting();
    const cases: Array<[string | undefined, string]> = [
      ['C:\\fakepath\\..\\recibo\u202Egpj.exe', 'recibogpj.png'],
      ['../../etc/passwd', 'passwd.png'],
      ['a\u0000b\u001bc.png', 'abc.png'],
      [`${'é'.repeat(250)}.png`, `${'é'.repeat(196)}.png`],
      [undefined, 'file.png'],
      ['   ', 'file.png'],
    ];
    for (const [sent, shown] of cases) {
      const res = await upload({ token: v.token }, v.conversationId, f.PNG, sent);
      expect(res.status).toBe(201);
      expect(res.body.attachment.name).toBe(shown);
    }
  });
});

describe('W3: messages with files', () => {
  it('W3: a visitor sends a file with no text: the event carries it, the agent receives it, history replays it', async () => {
    const agent = await onlineAgent(server, { role: 'admin' });
    const v = await chatting();
    agent.socket.send({ type: 'watch', conversationId: v.conversationId, afterSeq: 0 });
    await agent.socket.next('history');
    const { attachment } = (await upload({ token: v.token }, v.conversationId, f.PNG, 'foto.png')).body as { attachment: Attachment };
    const answer = await sendWithFiles(v.socket, v.conversationId, [attachment.id]);
    expect(answer.type).toBe('ack');
    const received = await agent.socket.next('event', (e) => e.event.kind === 'message' && e.event.attachments !== undefined);
    expect(received.event.attachments).toEqual([attachment]);
    expect(received.event.text).toBe('');
    // The list shows the file's name for a message of files alone.
    expect(received.conversation?.lastMessage?.text).toBe('📎 foto.png');
    const stored = (await storedEvents(server, v.conversationId)).find((e) => e.attachments);
    expect(stored?.attachments).toEqual([attachment]);
    const [record] = await server.papo.store.attachments.list(v.conversationId);
    expect(record!.eventSeq).toBe(stored!.seq);
    // Messages without files stay as they were: no attachments field at all.
    expect((await storedEvents(server, v.conversationId)).find((e) => e.text === 'Olá')).not.toHaveProperty('attachments');

    // A reconnecting visitor's history replays it.
    const again = await visitor(server, { token: v.token, resume: { conversationId: v.conversationId, afterSeq: 0 } });
    const history = await again.socket.next('history');
    expect(history.events.find((e: ConversationEvent) => e.attachments)?.attachments).toEqual([attachment]);
  });

  it('W3: resending the same clientId stays idempotent (D3); reusing a sent id in a new message is refused', async () => {
    const v = await chatting();
    const { attachment } = (await upload({ token: v.token }, v.conversationId, f.PDF, 'nota.pdf')).body as { attachment: Attachment };
    const clientId = randomUUID();
    const first = await sendWithFiles(v.socket, v.conversationId, [attachment.id], 'segue a nota', clientId);
    const resent = await sendWithFiles(v.socket, v.conversationId, [attachment.id], 'segue a nota', clientId);
    expect(first.type).toBe('ack');
    expect(resent).toEqual(first);
    const before = (await storedEvents(server, v.conversationId)).length;
    const reuse = await sendWithFiles(v.socket, v.conversationId, [attachment.id], 'de novo');
    expect(reuse).toMatchObject({ type: 'error', code: 'attachment_not_found' });
    expect(await storedEvents(server, v.conversationId)).toHaveLength(before);
  });

  it('W3: an id of another sender, another conversation, an unknown id or one named twice refuses the whole message', async () => {
    const agent = await onlineAgent(server, { role: 'admin' });
    const v = await chatting();
    const w = await chatting('Outra pessoa');
    const mine = (await upload({ token: v.token }, v.conversationId, f.PNG, 'a.png')).body.attachment as Attachment;
    const theirs = (await upload({ token: w.token }, w.conversationId, f.PNG, 'b.png')).body.attachment as Attachment;
    const agents = (await upload({ cookie: agent.cookie }, v.conversationId, f.PNG, 'c.png')).body.attachment as Attachment;
    const before = (await storedEvents(server, v.conversationId)).length;
    for (const ids of [[theirs.id], [agents.id], [mine.id, randomUUID()], [mine.id, mine.id]]) {
      expect(await sendWithFiles(v.socket, v.conversationId, ids, 'x')).toMatchObject({ type: 'error', code: 'attachment_not_found' });
    }
    expect(await storedEvents(server, v.conversationId)).toHaveLength(before);
    // The agent may not send the visitor's upload either.
    expect(await sendWithFiles(agent.socket, v.conversationId, [mine.id], 'x')).toMatchObject({ type: 'error', code: 'attachment_not_found' });
    // Nothing was marked sent: the visitor still sends its own.
    expect((await sendWithFiles(v.socket, v.conversationId, [mine.id])).type).toBe('ack');
  });

  it('W3: a visitor\'s first message (no conversation yet) cannot carry files', async () => {
    const v = await visitor(server);
    v.socket.send({ type: 'message.send', clientId: randomUUID(), text: 'oi', attachments: [randomUUID()] });
    const error = await v.socket.next('error');
    expect(error.code).toBe('attachment_not_found');
    expect(await server.papo.store.conversations.openForVisitor(v.session.visitorId)).toBeNull();
  });

  it('W3: an agent sends a file: the visitor receives it and downloads it; a file on a note stays with the agents', async () => {
    const agent = await onlineAgent(server, { role: 'admin' });
    const v = await chatting();
    const guide = (await upload({ cookie: agent.cookie }, v.conversationId, f.PDF, 'guia.pdf')).body.attachment as Attachment;
    expect((await sendWithFiles(agent.socket, v.conversationId, [guide.id], 'Segue o guia')).type).toBe('ack');
    const event = await v.socket.next('event', (e) => e.event.attachments !== undefined);
    expect(event.event.attachments).toEqual([guide]);
    const res = await download({ token: v.token, origin: server.origin }, guide.id);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from(f.PDF));

    const secret = (await upload({ cookie: agent.cookie }, v.conversationId, f.PNG, 'interno.png')).body.attachment as Attachment;
    // Before it is sent, only its uploader reads it.
    expect((await download({ token: v.token }, secret.id)).status).toBe(404);
    expect((await sendWithFiles(agent.socket, v.conversationId, [secret.id], 'nota interna', randomUUID(), true)).type).toBe('ack');
    expect((await download({ token: v.token }, secret.id)).status).toBe(404);
    expect((await download({ cookie: agent.cookie }, secret.id)).status).toBe(200);
  });
});

describe('W3: downloads', () => {
  async function sentFile(bytes: Uint8Array, name: string) {
    const v = await chatting();
    const attachment = (await upload({ token: v.token }, v.conversationId, bytes, name)).body.attachment as Attachment;
    expect((await sendWithFiles(v.socket, v.conversationId, [attachment.id])).type).toBe('ack');
    return { v, attachment };
  }

  it('W3: the visitor and an agent download it with the detected type, nosniff and a sandboxing CSP', async () => {
    const { v, attachment } = await sentFile(f.PNG, 'foto.pdf');
    const res = await download({ token: v.token, origin: server.origin }, attachment.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Sent as foto.pdf, served as what it is (issue 11 F9).
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="foto.png"; filename*=UTF-8''foto.png`);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expect(res.headers.get('access-control-allow-origin')).toBe(server.origin);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from(f.PNG));

    const agent = await download({ cookie: await login(server) }, attachment.id);
    expect(agent.status).toBe(200);
    expect(agent.headers.get('content-type')).toBe('image/png');
    // ?download=1 makes even an image an attachment.
    const forced = await download({ cookie: await login(server) }, attachment.id, '?download=1');
    expect(forced.headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it.each([
    ['a PDF', f.PDF, 'application/pdf', 'pdf'],
    ['a TIFF', f.TIFF_LE, 'image/tiff', 'tif'],
    ['a text file', new TextEncoder().encode('Olá, mundo'), 'text/plain; charset=utf-8', 'txt'],
  ])('W3: %s is served as an attachment, with a UTF-8 file name', async (_name, bytes, mime, ext) => {
    const { v, attachment } = await sentFile(bytes, 'ação 1.bin');
    const res = await download({ token: v.token }, attachment.id);
    expect(res.headers.get('content-type')).toBe(mime);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="a__o 1.${ext}"; filename*=UTF-8''a%C3%A7%C3%A3o%201.${ext}`);
  });

  it('W3: another visitor, an anonymous request, a bad token and an agent who may not see it all get 404 (not 403)', async () => {
    const { attachment } = await sentFile(f.PNG, 'foto.png');
    const other = await chatting('Outra pessoa');
    // A plain agent outside the conversation's queue does not see it (R10).
    const outsider = await onlineAgent(server, { role: 'agent' });
    for (const who of [{ token: other.token }, null, { token: 'v1.bad.token' }, { cookie: outsider.cookie }]) {
      const res = await download(who, attachment.id);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    expect((await download({ token: other.token }, randomUUID())).status).toBe(404);
  });
});

describe('W3: data rights', () => {
  it('W3: a visitor\'s export lists its files with where to fetch them; erase removes rows and bytes', async () => {
    const v = await chatting();
    const attachment = (await upload({ token: v.token }, v.conversationId, f.PNG, 'foto.png')).body.attachment as Attachment;
    expect((await sendWithFiles(v.socket, v.conversationId, [attachment.id])).type).toBe('ack');
    const unsent = (await upload({ token: v.token }, v.conversationId, f.PDF, 'rascunho.pdf')).body.attachment as Attachment;
    expect(onDisk(v.conversationId)).toHaveLength(2);

    const admin = await adminApi(server);
    const exported = await admin.get(`/data/export?visitorId=${v.session.visitorId}`);
    expect(exported.status).toBe(200);
    expect(exported.body.files.map((file: { id: string; url: string }) => [file.id, file.url])).toEqual([
      [attachment.id, `/api/v1/files/${attachment.id}`],
      [unsent.id, `/api/v1/files/${unsent.id}`],
    ]);
    // The admin fetches them at that address.
    expect((await download({ cookie: await login(server) }, unsent.id)).status).toBe(404); // unsent: the uploader's only
    expect((await download({ cookie: await login(server) }, attachment.id)).status).toBe(200);

    const erased = await admin.delete(`/data?visitorId=${v.session.visitorId}`);
    expect(erased.status).toBe(200);
    await expect.poll(() => existsSync(join(filesDir(), v.conversationId))).toBe(false);
    expect(await server.papo.store.attachments.list(v.conversationId)).toEqual([]);
    expect(await server.papo.store.attachments.byId(attachment.id)).toBeNull();
  });
});

describe('W3: limits and cleanup', () => {
  it('W3: files count in the upload bytes per address; past it: 429 rate_limited with Retry-After, nothing kept', async () => {
    await server.stop();
    server = await startTestServer({ env: { RATE_UPLOAD_MB_PER_10_MIN: '1' } });
    const v = await chatting();
    const text = new Uint8Array(600 * 1024).fill(0x41);
    expect((await upload({ token: v.token }, v.conversationId, text, 'a.txt')).status).toBe(201);
    const refused = await upload({ token: v.token }, v.conversationId, text, 'b.txt');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(onDisk(v.conversationId)).toHaveLength(1);
  });

  it('W3: a body without Content-Length is charged to the address as it arrives: refused past the budget before it ends', async () => {
    await server.stop();
    server = await startTestServer({ env: { RATE_UPLOAD_MB_PER_10_MIN: '1' } });
    const v = await chatting();
    // 1.25 MB of text in 64 KB chunks, and then the body never ends: only a refusal mid-body answers.
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 1280 * 1024) return new Promise<void>(() => undefined);
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x41));
      },
    });
    const refused = await upload({ token: v.token }, v.conversationId, body, 'big.txt');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(onDisk(v.conversationId)).toEqual([]);
  });

  it('W3: a visitor cannot upload into its conversation once it ended', async () => {
    const v = await chatting();
    v.socket.send({ type: 'conversation.end', conversationId: v.conversationId });
    await expect.poll(async () => (await server.papo.store.conversations.byId(v.conversationId))?.status).not.toBe('open');
    const res = await upload({ token: v.token }, v.conversationId, f.PNG, 'x.png');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conversation_closed');
    expect(onDisk(v.conversationId)).toEqual([]);
  });

  it('W3: an admin deleting a conversation deletes its files from disk', async () => {
    const v = await chatting();
    const attachment = (await upload({ token: v.token }, v.conversationId, f.PNG, 'x.png')).body.attachment as Attachment;
    expect((await sendWithFiles(v.socket, v.conversationId, [attachment.id])).type).toBe('ack');
    const admin = await adminApi(server);
    expect((await admin.delete(`/conversations/${v.conversationId}`)).status).toBe(204);
    await expect.poll(() => existsSync(join(filesDir(), v.conversationId))).toBe(false);
    expect(await server.papo.store.attachments.byId(attachment.id)).toBeNull();
  });

  it('W3: uploads never sent within a day are swept (row and bytes); sent ones stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'papo-sweep-'));
    const store = createSqliteStore(join(dir, 'papo.db'));
    let now = 1_800_000_000_000;
    const log = createLogger('silent');
    const conversations = createConversationService({ store, bus: createMemoryBus(log), now: () => now });
    const service = createAttachmentService({
      store,
      conversations,
      safety: { uploadBytes: () => undefined, blocked: () => null },
      filesDir: join(dir, 'files'),
      secret: 'x'.repeat(32),
      now: () => now,
      log,
    });
    try {
      await store.sites.create({ id: 'site-1', key: 'key-1', name: 'Loja', allowedOrigins: ['*'], createdAt: now });
      const actor = { kind: 'visitor' as const, visitorId: 'visitor-1', siteId: 'site-1' };
      const { conversationId } = await conversations.sendMessage(actor, { clientId: randomUUID(), text: 'Olá' });
      const put = (name: string) => service.upload(actor, { conversationId, declaredBytes: null, body: new Blob([Buffer.from(f.PNG)]).stream(), name, ip: '203.0.113.9' });
      const kept = await put('enviada.png');
      await conversations.sendMessage(actor, { clientId: randomUUID(), conversationId, text: '', attachments: [kept.id] });
      const dropped = await put('esquecida.png');
      now += UNSENT_TTL_MS - 1;
      expect(await service.sweep()).toBe(0);
      now += 2;
      expect(await service.sweep()).toBe(1);
      expect(await store.attachments.byId(dropped.id)).toBeNull();
      expect(await store.attachments.byId(kept.id)).not.toBeNull();
      expect(readdirSync(join(dir, 'files', conversationId))).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
