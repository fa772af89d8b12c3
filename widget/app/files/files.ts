/**
 * @module Pure rules of the widget's files (SPEC W3): which files the picker offers, the site's size limit
 * checked before uploading (the server checks again, and reads the type from the bytes), sizes as people
 * read them, and what an upload's answer means. No DOM, no network.
 */
import type { Attachment } from '../../../shared/protocol';
import type { Locale } from '../../contract';

const UNITS = ['B', 'KB', 'MB', 'GB'] as const;

/**
 * A size as people read it in the visitor's language: "1,2 MB" in pt-BR and es, "1.2 MB" in en. Units of
 * 1024 bytes, at most one decimal, none for bytes.
 *
 * @example formatSize(1_258_291, 'pt-BR') // '1,2 MB'
 */
export function formatSize(bytes: number, locale: Locale): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${UNITS[unit]}`;
}

/** What refuses a file before any byte is sent: the site takes no files, or it is over the site's limit. */
export function checkFile(size: number, uploads: { enabled: boolean; maxBytes: number } | undefined): 'uploads_off' | 'file_too_large' | null {
  if (!uploads?.enabled) return 'uploads_off';
  return size > uploads.maxBytes ? 'file_too_large' : null;
}

export type UploadAnswer = { ok: true; attachment: Attachment } | { ok: false; code: string; retryAfterMs?: number };

/**
 * Reads the answer of `POST /api/v1/files`: 201 with `{ attachment }`, else the typed error's code. A body
 * that is not what the protocol says (a proxy's HTML page, a cut connection: status 0) is `network` for
 * no status and `internal` otherwise.
 */
export function readUploadAnswer(status: number, body: string): UploadAnswer {
  if (status === 0) return { ok: false, code: 'network' };
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { ok: false, code: 'internal' };
  }
  const d = data as { attachment?: Partial<Attachment>; error?: { code?: unknown; retryAfterMs?: unknown } } | null;
  const a = d?.attachment;
  if (status >= 200 && status < 300 && a && typeof a.id === 'string' && typeof a.name === 'string' && typeof a.size === 'number') {
    return { ok: true, attachment: { id: a.id, name: a.name, mime: String(a.mime ?? ''), size: a.size, kind: a.kind === 'image' ? 'image' : 'document' } };
  }
  const code = d?.error?.code;
  const retry = d?.error?.retryAfterMs;
  return { ok: false, code: typeof code === 'string' ? code : 'internal', ...(typeof retry === 'number' ? { retryAfterMs: retry } : {}) };
}
