import { describe, expect, it } from 'vitest';
import { claimAttachments, cleanFileName, fileHeaders, servedFileName, withAttachments, type AttachmentRecord } from './attachments';
import { TYPES } from './file-type';
import type { Decision } from './conversation';

const record = (over: Partial<AttachmentRecord> = {}): AttachmentRecord => ({
  id: 'f1',
  name: 'foto.png',
  mime: 'image/png',
  size: 10,
  kind: 'image',
  siteId: 's1',
  conversationId: 'c1',
  uploaderKind: 'visitor',
  uploaderId: 'v1',
  storageName: 'abc',
  eventSeq: null,
  createdAt: 1,
  ...over,
});
const VISITOR = { kind: 'visitor' as const, id: 'v1' };
const asAttachment = (r: AttachmentRecord) => ({ id: r.id, name: r.name, mime: r.mime, size: r.size, kind: r.kind });

describe('W3: claimAttachments', () => {
  const f1 = record();
  const f2 = record({ id: 'f2', name: 'b.pdf', mime: 'application/pdf', kind: 'document' });
  it.each<[string, AttachmentRecord[], string[], ReturnType<typeof claimAttachments>]>([
    ['the sender\'s unsent uploads, in the message\'s order', [f1, f2], ['f2', 'f1'], [asAttachment(f2), asAttachment(f1)]],
    ['an unknown id', [f1], ['f1', 'nope'], null],
    ['one named twice', [f1], ['f1', 'f1'], null],
    ['one already sent', [record({ eventSeq: 4 })], ['f1'], null],
    ['one of another conversation', [record({ conversationId: 'c2' })], ['f1'], null],
    ['another visitor\'s', [record({ uploaderId: 'v2' })], ['f1'], null],
    ['an agent\'s with the same id string', [record({ uploaderKind: 'agent' })], ['f1'], null],
  ])('%s', (_name, found, ids, expected) => {
    expect(claimAttachments(found, ids, 'c1', VISITOR)).toEqual(expected);
  });
});

describe('W3: withAttachments', () => {
  const message: Decision = {
    ok: true,
    events: [
      { kind: 'assigned', author: { kind: 'agent', id: 'a1', name: 'Ana' }, clientId: null, text: null },
      { kind: 'message', author: { kind: 'agent', id: 'a1', name: 'Ana' }, clientId: 'k1', text: '' },
    ],
    patch: null,
  };
  const agentFile = record({ uploaderKind: 'agent', uploaderId: 'a1' });
  it('puts the files on the message only (the claim before it stays as it is)', () => {
    const out = withAttachments(message, { id: 'c1' }, { kind: 'agent', id: 'a1' }, 'k1', ['f1'], [agentFile]);
    expect(out.ok && out.events.map((e) => e.attachments)).toEqual([undefined, [asAttachment(agentFile)]]);
  });
  it('refuses the whole message when a file is not the sender\'s', () => {
    expect(withAttachments(message, { id: 'c1' }, { kind: 'agent', id: 'a2' }, 'k1', ['f1'], [agentFile])).toEqual({ ok: false, code: 'attachment_not_found' });
  });
  it('keeps a refusal\'s own code, and a message without files as it is', () => {
    const closed: Decision = { ok: false, code: 'conversation_closed' };
    expect(withAttachments(closed, { id: 'c1' }, VISITOR, 'k1', ['f1'], [])).toBe(closed);
    expect(withAttachments(message, { id: 'c1' }, VISITOR, 'k1', undefined)).toBe(message);
    expect(withAttachments(message, { id: 'c1' }, VISITOR, 'k1', [])).toBe(message);
  });
});

describe('W3: cleanFileName', () => {
  it.each<[string | null, string]>([
    ['foto.png', 'foto.png'],
    ['relat%C3%B3rio%20final.pdf', 'relatório final.pdf'],
    ['C:\\fakepath\\recibo.pdf', 'recibo.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['dir/', 'file'],
    ['..', 'file'],
    ['recibo\u202Egpj.exe', 'recibogpj.exe'],
    ['a\u200Bb\u2066c\uFEFF.txt', 'abc.txt'],
    ['tab\there\nnew.txt', 'tabherenew.txt'],
    ['100%.txt', '100%.txt'],
    ['  espaços  ', 'espaços'],
    ['😀'.repeat(250), '😀'.repeat(200)],
    ['', 'file'],
    [null, 'file'],
  ])('%j is shown as %j', (raw, shown) => {
    expect(cleanFileName(raw)).toBe(shown);
  });
});

describe('W3: fileHeaders', () => {
  it.each<[string, boolean, string]>([
    ['image/png', false, 'inline'],
    ['image/jpeg', false, 'inline'],
    ['image/webp', false, 'inline'],
    ['image/png', true, 'attachment'],
    ['image/tiff', false, 'attachment'],
    ['image/heic', false, 'attachment'],
    ['application/pdf', false, 'attachment'],
    ['text/plain; charset=utf-8', false, 'attachment'],
  ])('%s (download: %s) is %s', (mime, download, disposition) => {
    const headers = fileHeaders({ name: 'x', mime, size: 3 }, download);
    expect(headers['Content-Disposition']!.split(';')[0]).toBe(disposition);
    expect(headers['Content-Type']).toBe(mime);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Content-Security-Policy']).toBe("default-src 'none'; sandbox");
  });

  it('names the file in UTF-8 (RFC 5987) with an ASCII fallback, never breaking the header', () => {
    expect(fileHeaders({ name: 'ação "1"(a).pdf', mime: 'application/pdf', size: 1 }, false)['Content-Disposition']).toBe(
      `attachment; filename="a__o _1_(a).pdf"; filename*=UTF-8''a%C3%A7%C3%A3o%20%221%22%28a%29.pdf`,
    );
  });
});

describe('W3: servedFileName (issue 11 F9)', () => {
  it.each<[string, keyof typeof TYPES, string]>([
    ['invoice.hta', 'txt', 'invoice.txt'],
    ['script.js', 'txt', 'script.txt'],
    ['page.HTML', 'txt', 'page.txt'],
    ['logo.svg', 'txt', 'logo.txt'],
    ['dados.csv', 'txt', 'dados.txt'],
    ['notas.md', 'txt', 'notas.md'],
    ['LEIA.TXT', 'txt', 'LEIA.TXT'],
    ['photo.html', 'png', 'photo.png'],
    ['foto.JPEG', 'jpg', 'foto.JPEG'],
    ['foto.png', 'jpg', 'foto.jpg'],
    ['scan.tiff', 'tiff', 'scan.tiff'],
    ['carta.doc', 'docx', 'carta.docx'],
    ['contrato', 'pdf', 'contrato.pdf'],
    ['relatório final', 'pdf', 'relatório final.pdf'],
    ['report.2024', 'pdf', 'report.2024.pdf'],
    ['v1.2 notas', 'txt', 'v1.2 notas.txt'],
    ['.htaccess', 'txt', '.htaccess.txt'],
    ['photo.', 'png', 'photo.png'],
    ['archive.tar.gz', 'pdf', 'archive.tar.pdf'],
    ['file', 'png', 'file.png'],
    [`${'a'.repeat(200)}`, 'pdf', `${'a'.repeat(196)}.pdf`],
    [`${'é'.repeat(198)}.js`, 'txt', `${'é'.repeat(196)}.txt`],
  ])('%s as %s is %s', (name, type, served) => {
    expect(servedFileName(name, TYPES[type])).toBe(served);
  });

  it('a file stored under the name it was sent with (before this rule) is served under the corrected one', () => {
    expect(fileHeaders({ name: 'nota.html', mime: 'text/plain; charset=utf-8', size: 1 }, false)['Content-Disposition']).toBe(
      `attachment; filename="nota.txt"; filename*=UTF-8''nota.txt`,
    );
    expect(fileHeaders({ name: 'x.html', mime: 'image/png', size: 1 }, false)['Content-Disposition']).toBe(`inline; filename="x.png"; filename*=UTF-8''x.png`);
  });
});
