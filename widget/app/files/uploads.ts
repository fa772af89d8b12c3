/**
 * @module The visitor's uploads in flight (SPEC W3): each file is checked against the site's limit, sent
 * with XMLHttpRequest (for its progress), and once the server answers 201 sent as a message of its own
 * (`attachments: [id]`, text '') through the session's outbox, which resends it after a reconnect. A
 * refused or failed upload stays as a bubble with its reason until the visitor retries or discards it, or
 * until the conversation it was for ends or is left (see `follow`).
 */
import type { Attachment, SiteStatus } from '../../../shared/protocol';
import { checkFile, readUploadAnswer } from './files';

/** What uploads need of the visitor's session. */
export interface FilesHost {
  readonly view: { conversationId: string | null; status: string | null; site: SiteStatus | null };
  send(text: string, extra: { attachments: Attachment[] }): void;
  /** The server's origin and the visitor's token, for `Authorization: Bearer` (never in a URL). */
  fileAccess(): { server: string; token: string | null };
}

export interface Upload {
  key: string;
  file: File;
  /** 0-100 while uploading. */
  progress: number;
  state: 'uploading' | 'failed';
  /** Why it failed: an error code of the server's, or `network`. */
  code: string | null;
  /** The conversation it is for; null while there is none yet (the first message starts one and adopts it). */
  for: string | null;
}

/** Refusals another try cannot fix: the visitor may only discard these. */
export const FINAL_UPLOAD_ERRORS: ReadonlySet<string> = new Set(['file_too_large', 'file_type_refused', 'uploads_off', 'invalid_request']);

export type MakeRequest = () => Pick<XMLHttpRequest, 'open' | 'setRequestHeader' | 'send' | 'abort' | 'upload' | 'status' | 'responseText' | 'onload' | 'onerror'>;

let counter = 0;

/** The uploads of one session; `list` is a new array after every change, newest last. */
export interface Uploads {
  readonly list: Upload[];
  subscribe(listener: () => void): () => void;
  /** Files the visitor attached, dropped or pasted: each is checked, then uploaded. */
  add(files: readonly File[]): void;
  retry(key: string): void;
  /** Cancels an upload on its way, or drops a failed one. Nothing is sent. */
  discard(key: string): void;
  /**
   * Call when the session's conversation or its status changes: uploads belong to their conversation, so
   * those of a conversation that ended or was left (another one, or "New conversation") are cancelled and
   * dropped; those waiting for a first message are adopted by the conversation it starts.
   */
  follow(): void;
}

/**
 * A closure, not a class: class fields and `#private` members here made the bundler pull helpers into a
 * chunk shared with the app chunk, which cost the widget's budget more than this file.
 */
export function createUploads(host: FilesHost, request: MakeRequest = () => new XMLHttpRequest()): Uploads {
  const requests = new Map<string, ReturnType<MakeRequest>>();
  const listeners = new Set<() => void>();
  const set = (list: Upload[]) => {
    uploads.list = list;
    for (const listener of listeners) listener();
  };
  const patch = (key: string, change: Partial<Upload>) => set(uploads.list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const start = ({ key, file }: Upload): void => {
    const { conversationId, status, site } = host.view;
    // There must be an open conversation to upload into: the first message starts it (SPEC W3).
    if (!conversationId || status !== 'open') return patch(key, { state: 'failed', code: 'conversation_not_found', for: null });
    patch(key, { for: conversationId });
    const refusal = checkFile(file.size, site?.widget?.uploads);
    if (refusal) return patch(key, { state: 'failed', code: refusal });
    const { server, token } = host.fileAccess();
    const xhr = request();
    requests.set(key, xhr);
    xhr.open('POST', `${server}/api/v1/files?conversation=${encodeURIComponent(conversationId)}`);
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) patch(key, { progress: Math.min(100, Math.round((e.loaded / e.total) * 100)) });
    };
    const done = (answer: ReturnType<typeof readUploadAnswer>) => {
      if (requests.get(key) !== xhr) return; // cancelled meanwhile
      requests.delete(key);
      if (!answer.ok) return patch(key, { state: 'failed', code: answer.code });
      set(uploads.list.filter((u) => u.key !== key));
      host.send('', { attachments: [answer.attachment] });
    };
    xhr.onload = () => done(readUploadAnswer(xhr.status, xhr.responseText));
    xhr.onerror = () => done({ ok: false, code: 'network' });
    xhr.send(file);
  };

  const uploads = {
    list: [] as Upload[],
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    add(files: readonly File[]) {
      for (const file of files) {
        const upload: Upload = { key: `u${++counter}`, file, progress: 0, state: 'uploading', code: null, for: null };
        set([...uploads.list, upload]);
        start(upload);
      }
    },
    retry(key: string) {
      const upload = uploads.list.find((u) => u.key === key);
      if (!upload || upload.state !== 'failed') return;
      patch(key, { state: 'uploading', progress: 0, code: null });
      start(upload);
    },
    discard(key: string) {
      const pending = requests.get(key);
      requests.delete(key);
      pending?.abort();
      set(uploads.list.filter((u) => u.key !== key));
    },
    follow() {
      const { conversationId, status } = host.view;
      const open = !!conversationId && status === 'open';
      const over = uploads.list.filter((u) => u.for !== null && (u.for !== conversationId || !open));
      for (const u of over) uploads.discard(u.key);
      if (open && uploads.list.some((u) => u.for === null)) set(uploads.list.map((u) => (u.for === null ? { ...u, for: conversationId } : u)));
    },
  };
  return uploads;
}

const bySession = new WeakMap<FilesHost, Uploads>();

/** One upload list per session, kept while the window re-renders. */
export function uploadsOf(host: FilesHost): Uploads {
  let uploads = bySession.get(host);
  if (!uploads) bySession.set(host, (uploads = createUploads(host)));
  return uploads;
}
