/**
 * @module Files an agent attaches to a reply (SPEC W3): each is uploaded at once to POST /api/v1/files
 * (same origin, the session cookie) with its progress shown, and the reply carries the ids of those done.
 * A refusal (too large, type refused) is shown in the console's language; the file can be removed.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Attachment } from '../../shared/protocol';
import { formatSize } from './Attachments';
import { errorText, t } from '../i18n/i18n';

export interface UploadItem {
  key: string;
  name: string;
  size: number;
  /** 0-100 while uploading. */
  progress: number;
  /** Set once the server kept the file. */
  attachment: Attachment | null;
  /** An error code (`file_too_large`, `network`...) once it failed. */
  error: string | null;
  /** The server's own words for an error the console's table does not know. */
  message: string;
}

/** The answer to an upload: the attachment, or the error code and message (`network` when none came). */
export function readUploadAnswer(status: number, body: string): { attachment: Attachment } | { code: string; message: string } {
  try {
    const json = JSON.parse(body) as { attachment?: Attachment; error?: { code?: string; message?: string } };
    if (status === 201 && json.attachment) return { attachment: json.attachment };
    if (json.error?.code) return { code: json.error.code, message: json.error.message ?? json.error.code };
  } catch {
    // Not JSON: a proxy's page, a cut connection.
  }
  return { code: status === 0 ? 'network' : 'internal', message: t.errors.network };
}

let uploadCount = 0;

/** The uploads of one conversation's composer; aborted when the composer goes. */
export function useUploads(conversationId: string) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const requests = useRef(new Map<string, XMLHttpRequest>());
  useEffect(() => () => requests.current.forEach((xhr) => xhr.abort()), []);
  const patch = (key: string, change: Partial<UploadItem>) => setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i)));

  function add(files: File[]): void {
    for (const file of files) {
      const key = `upload-${++uploadCount}`;
      setItems((list) => [...list, { key, name: file.name, size: file.size, progress: 0, attachment: null, error: null, message: '' }]);
      const xhr = new XMLHttpRequest();
      requests.current.set(key, xhr);
      xhr.open('POST', `/api/v1/files?conversation=${encodeURIComponent(conversationId)}`);
      // The server decides the type from the bytes; the name travels percent-encoded.
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) patch(key, { progress: Math.min(99, Math.round((e.loaded / e.total) * 100)) });
      };
      xhr.onload = () => {
        requests.current.delete(key);
        const answer = readUploadAnswer(xhr.status, xhr.responseText);
        if ('attachment' in answer) patch(key, { attachment: answer.attachment, progress: 100, name: answer.attachment.name });
        else patch(key, { error: answer.code, message: answer.message });
      };
      xhr.onerror = () => {
        requests.current.delete(key);
        patch(key, { error: 'network', message: t.errors.network });
      };
      xhr.send(file);
    }
  }

  function remove(key: string): void {
    requests.current.get(key)?.abort();
    requests.current.delete(key);
    setItems((list) => list.filter((i) => i.key !== key));
  }

  return {
    items,
    add,
    remove,
    /** After the reply went: the list starts empty again. */
    clear: () => setItems([]),
    ready: items.flatMap((i) => (i.attachment ? [i.attachment] : [])),
    busy: items.some((i) => !i.attachment && !i.error),
  };
}

export function UploadList({ items, onRemove }: { items: readonly UploadItem[]; onRemove: (key: string) => void }) {
  if (items.length === 0) return null;
  return (
    <ul class="uploads" aria-label={t.attachments}>
      {items.map((item) => (
        <li key={item.key} class={`upload${item.error ? ' failed' : item.attachment ? ' done' : ''}`}>
          <span class="file-name">{item.name}</span> <span class="file-size">{formatSize(item.size)}</span>{' '}
          {item.error ? (
            <span class="upload-error" role="alert">
              {errorText(item.error, item.message)}
            </span>
          ) : item.attachment ? (
            <span class="upload-state">{t.uploadReady}</span>
          ) : (
            <progress max={100} value={item.progress} aria-label={t.uploading(item.progress)}>
              {t.uploading(item.progress)}
            </progress>
          )}{' '}
          <button type="button" class="link" onClick={() => onRemove(item.key)} aria-label={t.removeFile(item.name)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
