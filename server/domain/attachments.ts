/**
 * @module Attachment rules (SPEC W3), pure: which uploaded files a message may carry, the name a file is
 * shown with, and the headers it is served with. The store runs `claimAttachments` inside the message's
 * write transaction, so two messages can never both carry one file.
 */
import type { Attachment, Author } from '../../shared/protocol';
import type { ConversationState, Decision } from './conversation';
import { INLINE_MIMES, typeOfMime, type FileType } from './file-type';

/** An uploaded file as stored: its metadata, who sent it, and where its bytes are. */
export interface AttachmentRecord extends Attachment {
  siteId: string;
  conversationId: string;
  uploaderKind: 'visitor' | 'agent';
  uploaderId: string;
  /** The random file name under the conversation's folder of the files directory; never the sender's. */
  storageName: string;
  /** The message that carries it; null while it is uploaded and not sent. */
  eventSeq: number | null;
  createdAt: number;
}

/** What a message's event carries of a record. */
export function toAttachment(record: AttachmentRecord): Attachment {
  return { id: record.id, name: record.name, mime: record.mime, size: record.size, kind: record.kind };
}

/**
 * The files a message names, in its order, when every one was uploaded by this sender to this conversation
 * and is not sent yet; null otherwise (the whole message is refused: `attachment_not_found`). Naming one
 * file twice is a reuse.
 *
 * @example claimAttachments(found, [id], conversation.id, { kind: 'visitor', id: visitorId }) // [Attachment]
 */
export function claimAttachments(
  found: readonly AttachmentRecord[],
  ids: readonly string[],
  conversationId: string,
  sender: Pick<Author, 'kind' | 'id'>,
): Attachment[] | null {
  if (new Set(ids).size !== ids.length) return null;
  const byId = new Map(found.map((r) => [r.id, r]));
  const claimed: Attachment[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r || r.conversationId !== conversationId || r.eventSeq !== null) return null;
    if (r.uploaderKind !== sender.kind || r.uploaderId !== sender.id) return null;
    claimed.push(toAttachment(r));
  }
  return claimed;
}

/** Longest display name kept, in characters. */
export const MAX_NAME_CHARS = 200;

/**
 * The name a file is shown and downloaded with: the last path segment only, without control, bidi-override
 * or other invisible formatting characters (a `gpj.exe` shown as `exe.jpg`), trimmed, at most 200
 * characters; "file" when nothing is left. The X-File-Name header carries it percent-encoded.
 *
 * @example cleanFileName('C:\\fakepath\\recibo\u202Egpj.exe') // 'recibogpj.exe'
 */
export function cleanFileName(raw: string | null | undefined): string {
  let name = raw ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not percent-encoded as it should be: kept as sent, and cleaned like any other.
  }
  name = name.split(/[/\\]/).at(-1) ?? '';
  name = name
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g, '')
    .trim();
  if (name === '.' || name === '..') name = '';
  const chars = [...name];
  if (chars.length > MAX_NAME_CHARS) name = chars.slice(0, MAX_NAME_CHARS).join('').trim();
  return name === '' ? 'file' : name;
}

/**
 * SPEC W3 (issue 11 F9): the name a file of `type` is shown and served with. The sender's base name stays;
 * the extension is one of the detected type's: kept when it already is one (any case), replaced when the
 * name ends in some other short extension (`invoice.hta` as text is `invoice.txt`, a PNG `photo.html` is
 * `photo.png`), appended otherwise (`contrato` is `contrato.pdf`, `.htaccess` is `.htaccess.txt`); the
 * base is shortened so the whole fits `MAX_NAME_CHARS`.
 *
 * @example servedFileName('invoice.hta', TYPES.txt) // 'invoice.txt'
 */
export function servedFileName(name: string, type: Pick<FileType, 'extensions'>): string {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1) : '';
  if (type.extensions.includes(extension.toLowerCase())) return name;
  // An extension has a letter in it: `report.2024` keeps its number (`report.2024.txt`).
  const base = /^(?=.*\p{L})[\p{L}\p{N}_-]{1,10}$/u.test(extension) ? name.slice(0, dot) : name;
  const wanted = `.${type.extensions[0]}`;
  const room = MAX_NAME_CHARS - wanted.length;
  const chars = [...base];
  const kept = (chars.length > room ? chars.slice(0, room).join('') : base).replace(/[.\s]+$/, '');
  return `${kept === '' ? 'file' : kept}${wanted}`;
}

/** How long a browser may keep a downloaded file (private: never a shared cache). */
export const FILE_MAX_AGE_S = 3600;

/**
 * The headers a file is served with: the detected type, never sniffed; raster images inline, everything
 * else (TIFF and HEIF too, which browsers cannot show) as an attachment; no script may ever run in it.
 *
 * @example fileHeaders(pngRecord, false)['Content-Disposition'] // "inline; filename*=UTF-8''photo.png"
 */
export function fileHeaders(record: Pick<AttachmentRecord, 'name' | 'mime' | 'size'>, forceDownload: boolean): Record<string, string> {
  const inline = !forceDownload && INLINE_MIMES.has(record.mime);
  // Names are corrected at upload; a file stored before that rule gets its served name here (issue 11 F9).
  const type = typeOfMime(record.mime);
  const name = type ? servedFileName(record.name, type) : record.name;
  return {
    'Content-Type': record.mime,
    'Content-Length': String(record.size),
    'X-Content-Type-Options': 'nosniff',
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeRfc5987(name)}`,
    'Cache-Control': `private, max-age=${FILE_MAX_AGE_S}`,
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };
}

/** RFC 5987 value: percent-encoded UTF-8, also the characters encodeURIComponent leaves. */
function encodeRfc5987(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** For old clients that ignore filename*: printable ASCII, no quotes or backslashes. */
function asciiFallback(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
}

/**
 * SPEC W3: a message decision with the files it names on its message (or note): refused as a whole with
 * `attachment_not_found` when any is not the sender's unsent upload to this conversation. A refused
 * decision stays refused with its own code; no files named leaves it as it is.
 */
export function withAttachments(
  decision: Decision,
  conversation: Pick<ConversationState, 'id'>,
  sender: Pick<Author, 'kind' | 'id'>,
  clientId: string,
  ids: readonly string[] | undefined,
  found: readonly AttachmentRecord[] = [],
): Decision {
  if (!decision.ok || !ids || ids.length === 0) return decision;
  const files = claimAttachments(found, ids, conversation.id, sender);
  if (!files) return { ok: false, code: 'attachment_not_found' };
  return { ...decision, events: decision.events.map((e) => (e.clientId === clientId ? { ...e, attachments: files } : e)) };
}
