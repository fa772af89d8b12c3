/**
 * Issue 11 F9 against the real server (SPEC W3): a file is shown and served under a name whose extension is
 * its detected type's, whatever the sender called it. A text file named invoice.hta is invoice.txt; a PNG
 * (a polyglot with HTML in it included) named .html is a .png. The sender's base name stays.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Attachment } from '../../shared/protocol';
import * as f from '../domain/file-type.fixtures';
import { onlineAgent, visitor } from './agents';
import { login } from './clients';
import { serverForAll } from './harness';

const server = serverForAll();

const text = (s: string) => new TextEncoder().encode(s);
/** A real PNG with an HTML page in a text chunk after it: a browser sniffing it as HTML would run it. */
const PNG_POLYGLOT = new Uint8Array([...f.PNG, ...text('<html><body><script>alert(document.domain)</script></body></html>')]);

/** A visitor's upload into its conversation, sent in a message; answers what the message carries. */
async function sendFile(bytes: Uint8Array, name: string) {
  const v = await visitor(server);
  const { conversationId } = await v.socket.say('segue o arquivo');
  const res = await fetch(`${server.url}/api/v1/files?conversation=${conversationId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${v.session.token}`, origin: server.origin, 'x-file-name': encodeURIComponent(name) },
    body: Buffer.from(bytes),
  });
  expect(res.status).toBe(201);
  const uploaded = ((await res.json()) as { attachment: Attachment }).attachment;
  const clientId = randomUUID();
  v.socket.send({ type: 'message.send', clientId, conversationId, text: '', attachments: [uploaded.id] });
  await v.socket.next('ack', (a) => a.clientId === clientId);
  const event = await v.socket.next('event', (e) => e.event.clientId === clientId);
  return { v, conversationId, uploaded, sent: event.event.attachments![0]! };
}

describe('W3: the served name follows the detected type', () => {
  it.each([
    ['a text file named invoice.hta', 'invoice.txt', text('Fatura 123: R$ 10,00'), 'invoice.hta', 'text/plain; charset=utf-8', 'attachment'],
    ['a text file named script.js', 'script.txt', text('alert(1)'), 'script.js', 'text/plain; charset=utf-8', 'attachment'],
    ['a text file named page.html', 'page.txt', text('hello, not markup'), 'page.html', 'text/plain; charset=utf-8', 'attachment'],
    ['a text file named logo.svg', 'logo.txt', text('just words'), 'logo.svg', 'text/plain; charset=utf-8', 'attachment'],
    ['a PNG polyglot named photo.html', 'photo.png', PNG_POLYGLOT, 'photo.html', 'image/png', 'inline'],
    ['a PNG named report.pdf', 'report.png', f.PNG, 'report.pdf', 'image/png', 'inline'],
    ['a PDF with no extension', 'contrato.pdf', f.PDF, 'contrato', 'application/pdf', 'attachment'],
    ['a PDF named .PDF keeps its own case', 'Contrato.PDF', f.PDF, 'Contrato.PDF', 'application/pdf', 'attachment'],
    ['a JPEG named .jpeg keeps it', 'foto.jpeg', f.JPG, 'foto.jpeg', 'image/jpeg', 'inline'],
    ['a DOCX named .doc', 'carta.docx', f.DOCX, 'carta.doc', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'attachment'],
    ['a text file named .htaccess', '.htaccess.txt', text('deny from all'), '.htaccess', 'text/plain; charset=utf-8', 'attachment'],
  ])('W3: %s is shown and downloaded as %s', async (_what, served, bytes, name, mime, disposition) => {
    const { v, uploaded, sent } = await sendFile(bytes, name);
    expect(uploaded).toMatchObject({ name: served, mime });
    expect(sent.name).toBe(served);
    const readers: Array<Record<string, string>> = [{ authorization: `Bearer ${v.session.token}` }, { cookie: await login(server) }];
    for (const who of readers) {
      const res = await fetch(`${server.url}/api/v1/files/${uploaded.id}`, { headers: who });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(mime);
      expect(res.headers.get('content-disposition')).toBe(`${disposition}; filename="${served}"; filename*=UTF-8''${encodeURIComponent(served)}`);
    }
  });

  it('W3: the corrected name is what the agents see too, and a long name keeps its extension within 200 characters', async () => {
    const agent = await onlineAgent(server, { role: 'supervisor' });
    const long = `${'r'.repeat(240)}.exe`;
    const { conversationId, sent } = await sendFile(text('texto'), long);
    expect(sent.name).toBe(`${'r'.repeat(196)}.txt`);
    const seen = await agent.api.get(`/conversations/${conversationId}/events`);
    const names = (seen.body.events as Array<{ attachments?: Attachment[] }>).flatMap((e) => e.attachments ?? []).map((a) => a.name);
    expect(names).toEqual([`${'r'.repeat(196)}.txt`]);
    await agent.socket.close();
  });
});
