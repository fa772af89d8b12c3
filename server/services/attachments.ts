/**
 * @module Files (SPEC W3): upload into a conversation, read back by its participants, swept when never sent,
 * and removed with their conversation. The bytes live where ./file-bytes.ts says: in the store when it keeps
 * them (PostgreSQL, several nodes: issue 14), else on this node's disk.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_WIDGET } from '../../shared/api';
import type { Attachment } from '../../shared/protocol';
import { cleanFileName, servedFileName, toAttachment, type AttachmentRecord } from '../domain/attachments';
import { limitKey } from '../domain/client-ip';
import { canView, decideMessage, visibleToVisitor, type AgentActor, type VisitorActor } from '../domain/conversation';
import { detectFileType } from '../domain/file-type';
import { verifyVisitorToken } from '../domain/visitor-token';
import { AppError } from '../errors';
import { uuidv7 } from '../ids';
import type { Logger } from '../log';
import type { Store } from '../store/store';
import type { ConversationService } from './conversations';
import { fileBytesFor } from './file-bytes';
import type { MaskingPolicy } from './masking-policy';
import type { Safety } from './safety';

export interface AttachmentDeps {
  store: Store;
  conversations: ConversationService;
  safety: Pick<Safety, 'uploadBytes' | 'blocked'>;
  filesDir: string;
  /** Signs visitor tokens: a visitor's upload and download carry its token as a Bearer credential. */
  secret: string;
  now: () => number;
  log: Logger;
  /** SPEC M1, M2: a visitor's file name is free text, stored masked in `redact`, served masked to agents in `mask`. */
  masking?: Pick<MaskingPolicy, 'incoming' | 'field'>;
}

export type FileActor = VisitorActor | AgentActor;

export interface Upload {
  conversationId: string;
  /** The request's Content-Length, when it sent one: a file past the limit is refused before it is read. */
  declaredBytes: number | null;
  body: ReadableStream<Uint8Array> | null;
  /** X-File-Name, percent-encoded UTF-8 as the browser's encodeURIComponent makes it. */
  name: string | null;
  ip: string;
}

/** Uploaded and never sent for this long: swept. */
export const UNSENT_TTL_MS = 24 * 3_600_000;
export type AttachmentService = ReturnType<typeof createAttachmentService>;

export function createAttachmentService({ store, conversations, safety, filesDir, secret, now, log, masking }: AttachmentDeps) {
  const files = fileBytesFor(store, filesDir, log, now);

  // A deleted conversation (admin delete, data-rights erase) takes its files along.
  conversations.onRemove((conversation) => files.conversationRemoved(conversation.id));

  /**
   * Reads the body, counting; past `max` bytes it stops reading and refuses. Each chunk is charged to the
   * address (`charge` throws `rate_limited`) as it arrives, not once the body is whole: bodies read at once
   * from one address never hold more memory than its upload budget, Content-Length or not.
   */
  async function readAtMost(body: ReadableStream<Uint8Array> | null, max: number, charge: (bytes: number) => void): Promise<Uint8Array> {
    if (!body) return new Uint8Array();
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > max) throw new AppError('file_too_large');
        charge(value.byteLength);
        chunks.push(value);
      }
    } catch (err) {
      await reader.cancel().catch(() => undefined);
      throw err;
    }
    return Buffer.concat(chunks, total);
  }

  /** Who may put a file in this conversation: its visitor while open; an agent where it may write (SPEC C1, C2, R7, R9). */
  async function writableConversation(actor: FileActor, conversationId: string) {
    const conversation = await conversations.load(actor, conversationId);
    if (actor.kind === 'visitor') {
      if (conversation.status !== 'open') throw new AppError('conversation_closed');
      return conversation;
    }
    const asMessage = decideMessage(conversation, actor, '', 'upload');
    if (asMessage.ok || decideMessage(conversation, actor, '', 'upload', { note: true }).ok) return conversation;
    throw new AppError(asMessage.code);
  }

  return {
    /**
     * The visitor a Bearer token names (SPEC D10): ours, unexpired, and not blocked; on a strict site (SPEC W6)
     * an identified one, as its hello must be (an anonymous token from before strict was turned on is
     * `identity_required`). Its site is the token's; the route checks the request's Origin against that
     * site's allowed origins.
     */
    async visitorFromToken(token: string): Promise<VisitorActor> {
      const check = verifyVisitorToken(token, secret, now());
      if (!check.ok) throw new AppError(check.code);
      const { visitorId, siteId } = check.claims;
      if (safety.blocked({ visitorId })) throw new AppError('blocked');
      const site = await store.sites.byId(siteId);
      if (site?.widget?.strictIdentity) {
        const visitor = await store.visitors.byId(visitorId);
        if (!visitor?.externalId || visitor.siteId !== siteId) throw new AppError('identity_required');
      }
      return { kind: 'visitor', visitorId, siteId };
    },

    /**
     * Stores one file (SPEC W3). Refusals, in order: the conversation (not found, closed, taken), the site's
     * uploads off (visitors), too large by Content-Length, the address's upload bytes, too large by what was
     * read, a type that is not accepted, a disk that cannot take the file (`storage_unavailable`, SPEC D15).
     * Nothing is kept for any of them.
     */
    async upload(actor: FileActor, input: Upload): Promise<Attachment> {
      const conversation = await writableConversation(actor, input.conversationId);
      const site = await store.sites.byId(conversation.siteId);
      const uploads = site?.widget?.uploads ?? DEFAULT_WIDGET.uploads;
      if (actor.kind === 'visitor' && !uploads.enabled) throw new AppError('uploads_off');
      if (input.declaredBytes !== null && input.declaredBytes > uploads.maxBytes) throw new AppError('file_too_large');
      const key = limitKey(input.ip);
      if (input.declaredBytes !== null) safety.uploadBytes(key, input.declaredBytes, 'peek');
      const bytes = await readAtMost(input.body, uploads.maxBytes, (n) => safety.uploadBytes(key, n, 'take'));
      const type = detectFileType(bytes);
      if (!type) throw new AppError('file_type_refused');

      const at = now();
      const record: AttachmentRecord = {
        id: uuidv7(at),
        siteId: conversation.siteId,
        conversationId: conversation.id,
        uploaderKind: actor.kind,
        uploaderId: actor.kind === 'visitor' ? actor.visitorId : actor.id,
        // SPEC W3: shown and served under an extension of what it is, not of what the sender called it; SPEC
        // M1: a visitor's file name is visitor text, redacted before it is stored.
        name: servedFileName(actor.kind === 'visitor' && masking ? masking.incoming(conversation.siteId, cleanFileName(input.name)) : cleanFileName(input.name), type),
        mime: type.mime,
        kind: type.kind,
        size: bytes.byteLength,
        storageName: randomBytes(24).toString('hex'),
        eventSeq: null,
        createdAt: at,
      };
      try {
        await files.save(record, bytes);
      } catch (err) {
        // The conversation was deleted meanwhile (its foreign key): as if it never was.
        if (!(await store.conversations.byId(record.conversationId))) throw new AppError('conversation_not_found');
        throw err;
      }
      return toAttachment(record);
    },

    /**
     * A file for someone who may see it, else null (answered 404 either way: existence is not revealed).
     * Sent files go to the conversation's visitor and the agents who may see it (a note's only to agents);
     * an unsent upload only to its uploader. SPEC M2: an agent gets it under its name masked in a `mask` site,
     * as the file's event shows it.
     */
    async open(actor: FileActor, id: string): Promise<{ record: AttachmentRecord; body: ReadableStream<Uint8Array> } | null> {
      if (id.length > 64) return null;
      const record = await store.attachments.byId(id);
      if (!record) return null;
      const mine = record.uploaderKind === actor.kind && record.uploaderId === (actor.kind === 'visitor' ? actor.visitorId : actor.id);
      if (record.eventSeq === null && !mine) return null;
      const conversation = await store.conversations.byId(record.conversationId);
      if (!conversation || !canView(actor, conversation)) return null;
      if (actor.kind === 'visitor' && !mine && record.eventSeq !== null) {
        const [event] = await store.events.after(record.conversationId, record.eventSeq - 1, { limit: 1 });
        if (!event || event.seq !== record.eventSeq || !visibleToVisitor(event.kind)) return null;
      }
      const body = await files.read(record);
      if (!body) return null;
      const name = actor.kind === 'agent' && masking ? masking.field(record.siteId, record.name) : record.name;
      return { record: { ...record, name }, body };
    },

    /** Where the bytes live: the store's (several nodes) or this node's disk. */
    filesKind: files.kind,

    /** Removes uploads never sent within UNSENT_TTL_MS (rows, then bytes). Answers how many. */
    async sweep(): Promise<number> {
      let removed = 0;
      for (const record of await store.attachments.unsent(now() - UNSENT_TTL_MS, 1000)) {
        if (!(await store.attachments.deleteUnsent(record.id))) continue;
        await files.removed(record);
        removed++;
      }
      return removed;
    },
  };
}
