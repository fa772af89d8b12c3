import { describe, expect, it } from 'vitest';
import type { Attachment } from '../../../shared/protocol';
import { createUploads, type FilesHost, type MakeRequest } from './uploads';

/** A request that records what was asked and answers when the test says so. */
class FakeRequest {
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown = null;
  aborted = false;
  status = 0;
  responseText = '';
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

const attachment: Attachment = { id: 'f1', name: 'foto 1.png', mime: 'image/png', size: 3, kind: 'image' };

function setup(view: Partial<FilesHost['view']> = {}) {
  const requests: FakeRequest[] = [];
  const sent: { text: string; attachments: Attachment[] }[] = [];
  const host: FilesHost = {
    view: {
      conversationId: 'k 1',
      status: 'open',
      site: { online: true, offlineFields: [], widget: { uploads: { enabled: true, maxBytes: 10 } } as never },
      ...view,
    },
    send: (text, extra) => sent.push({ text, ...extra }),
    fileAccess: () => ({ server: 'https://chat.example', token: 'tok' }),
  };
  const uploads = createUploads(host, (() => {
    const r = new FakeRequest();
    requests.push(r);
    return r;
  }) as unknown as MakeRequest);
  return { uploads, requests, sent, host };
}

const file = (size: number, name = 'foto 1.png') => new File(['x'.repeat(size)], name, { type: 'image/png' });

describe('Uploads (SPEC W3)', () => {
  it('posts the raw file with its name and the token in headers, shows progress, then sends it as a message', () => {
    const { uploads, requests, sent } = setup();
    const f = file(3);
    uploads.add([f]);
    const [r] = requests;
    expect(r).toMatchObject({ method: 'POST', url: 'https://chat.example/api/v1/files?conversation=k%201', body: f });
    expect(r!.headers).toEqual({ 'X-File-Name': 'foto%201.png', Authorization: 'Bearer tok' });
    expect(r!.url).not.toContain('tok');
    r!.upload.onprogress!({ lengthComputable: true, loaded: 1, total: 3 });
    expect(uploads.list[0]).toMatchObject({ state: 'uploading', progress: 33 });
    r!.answer(201, { attachment });
    expect(uploads.list).toEqual([]);
    expect(sent).toEqual([{ text: '', attachments: [attachment] }]);
  });

  it('a file over the site limit is refused before any byte is sent', () => {
    const { uploads, requests, sent } = setup();
    uploads.add([file(11)]);
    expect(requests).toEqual([]);
    expect(uploads.list[0]).toMatchObject({ state: 'failed', code: 'file_too_large' });
    expect(sent).toEqual([]);
  });

  it('without an open conversation nothing is uploaded: the first message starts it', () => {
    const { uploads, requests } = setup({ conversationId: null, status: null });
    uploads.add([file(3)]);
    expect(requests).toEqual([]);
    expect(uploads.list[0]).toMatchObject({ state: 'failed', code: 'conversation_not_found' });
  });

  it("the server's refusal stays with its code and nothing is sent; discard drops it", () => {
    const { uploads, requests, sent } = setup();
    uploads.add([file(3, 'virus.png')]);
    requests[0]!.answer(415, { error: { code: 'file_type_refused', message: '…' } });
    expect(uploads.list[0]).toMatchObject({ state: 'failed', code: 'file_type_refused' });
    expect(sent).toEqual([]);
    uploads.discard(uploads.list[0]!.key);
    expect(uploads.list).toEqual([]);
  });

  it('a network failure can be retried, with a new request', () => {
    const { uploads, requests, sent } = setup();
    uploads.add([file(3)]);
    requests[0]!.onerror!();
    expect(uploads.list[0]).toMatchObject({ state: 'failed', code: 'network' });
    uploads.retry(uploads.list[0]!.key);
    expect(requests).toHaveLength(2);
    expect(uploads.list[0]).toMatchObject({ state: 'uploading', progress: 0, code: null });
    requests[1]!.answer(201, { attachment });
    expect(sent).toHaveLength(1);
  });

  it('cancel aborts the request, and a late answer sends nothing', () => {
    const { uploads, requests, sent } = setup();
    uploads.add([file(3)]);
    uploads.discard(uploads.list[0]!.key);
    expect(requests[0]!.aborted).toBe(true);
    requests[0]!.answer(201, { attachment });
    expect(sent).toEqual([]);
    expect(uploads.list).toEqual([]);
  });

  it('several files are several uploads, each its own message', () => {
    const { uploads, requests, sent } = setup();
    uploads.add([file(1, 'a.png'), file(2, 'b.png')]);
    expect(requests.map((r) => r.headers['X-File-Name'])).toEqual(['a.png', 'b.png']);
    requests[1]!.answer(201, { attachment: { ...attachment, id: 'b' } });
    requests[0]!.answer(201, { attachment: { ...attachment, id: 'a' } });
    expect(sent.map((s) => s.attachments[0]!.id)).toEqual(['b', 'a']);
  });

  it('uploads belong to their conversation: when it ends or is left they are cancelled and dropped', () => {
    const { uploads, requests, sent, host } = setup();
    uploads.add([file(3, 'a.png'), file(11, 'big.png')]);
    uploads.follow(); // same conversation, still open: nothing changes
    expect(uploads.list.map((u) => u.state)).toEqual(['uploading', 'failed']);
    host.view.status = 'ended';
    uploads.follow();
    expect(uploads.list).toEqual([]);
    expect(requests[0]!.aborted).toBe(true);
    requests[0]!.answer(201, { attachment });
    expect(sent).toEqual([]);

    host.view.status = 'open';
    uploads.add([file(11)]);
    host.view.conversationId = null; // "New conversation"
    host.view.status = null;
    uploads.follow();
    expect(uploads.list).toEqual([]);
  });

  it('a file waiting for the first message is adopted by the conversation it starts, and goes when that one ends', () => {
    const { uploads, host } = setup({ conversationId: null, status: null });
    uploads.add([file(3)]);
    uploads.follow();
    expect(uploads.list).toHaveLength(1);
    host.view.conversationId = 'k 2';
    host.view.status = 'open';
    uploads.follow();
    expect(uploads.list[0]).toMatchObject({ state: 'failed', code: 'conversation_not_found', for: 'k 2' });
    host.view.status = 'closed';
    uploads.follow();
    expect(uploads.list).toEqual([]);
  });
});
