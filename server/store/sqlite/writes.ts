/**
 * @module The conversation write path on SQLite: statements prepared once, run synchronously inside a
 * group-commit job (committer.ts), where the domain rule decides on the conversation as committed (SPEC C4).
 * Raw statements here, not Drizzle, because this is the message hot path (DESIGN.md: Drizzle doubles the
 * cost of a one-row insert).
 */
import type Database from 'better-sqlite3';
import type { ConversationEvent } from '../../../shared/protocol';
import { createdEvent, type NewEvent } from '../../domain/conversation';
import type { WriteOutcome, WriteReads, WriteRequest } from '../store';
import { applyPatch, freshRow, toConversation, toState, type ConversationLookups, type ConversationRow } from './rows';
import { attachmentStatements, toAttachmentRecord } from './attachments';
import { JobUndone } from './committer';
import type { AttachmentRecord } from '../../domain/attachments';

export function prepareWrites(
  sqlite: Database.Database,
  { byId, openForVisitor }: ConversationLookups,
): { write(request: WriteRequest): WriteOutcome } {
  const seqByClientId = sqlite
    .prepare<[string, string], number>('SELECT seq FROM events WHERE conversation_id = ? AND client_id = ?')
    .pluck();
  const byVisitorClientId = sqlite.prepare<[string, string], { conversation_id: string; seq: number }>(
    `SELECT e.conversation_id, e.seq FROM conversations c JOIN events e ON e.conversation_id = c.id
     WHERE c.visitor_id = ? AND e.client_id = ? LIMIT 1`,
  );
  const insertEvent = sqlite.prepare(
    `INSERT INTO events (conversation_id, seq, kind, author_kind, author_id, author_name, client_id, text, created_at, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // SPEC W3: a message with files is rare; its insert is its own statement so the hot path binds no more.
  const insertEventWithAttachments = sqlite.prepare(
    `INSERT INTO events (conversation_id, seq, kind, author_kind, author_id, author_name, client_id, text, created_at, data, attachments)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const files = attachmentStatements(sqlite);
  // SPEC R1/C4: one agent's load inside the write. The IN term repeats conversations_assigned_active's own
  // WHERE, so the planner reads that partial index (this agent's rows) rather than every open conversation.
  const agentLoad = sqlite
    .prepare<[string], number>(
      `SELECT count(*) FROM conversations WHERE assigned_agent_id = ? AND status IN ('open', 'ended') AND status = 'open'`,
    )
    .pluck();
  const reads: WriteReads = { loadOf: (agentId) => agentLoad.get(agentId) ?? 0 };
  const insertVisitor = sqlite.prepare('INSERT OR IGNORE INTO visitors (id, site_id, created_at) VALUES (?, ?, ?)');
  const insertConversation = sqlite.prepare(
    `INSERT INTO conversations (id, site_id, visitor_id, status, last_seq, created_at, updated_at)
     VALUES (@id, @site_id, @visitor_id, @status, @last_seq, @created_at, @updated_at)`,
  );
  /** A write whose decision changes no state (most messages): only what appending moves, no indexed column. */
  const updateProgress = sqlite.prepare(
    `UPDATE conversations SET last_seq = @last_seq, last_message_text = @last_message_text,
       last_message_author_kind = @last_message_author_kind, last_message_at = @last_message_at,
       first_message_text = @first_message_text, updated_at = @updated_at
     WHERE id = @id`,
  );
  const updateConversation = sqlite.prepare(
    `UPDATE conversations SET status = @status, visitor_name = @visitor_name, assigned_agent_id = @assigned_agent_id,
       assigned_agent_name = @assigned_agent_name, last_seq = @last_seq,
       last_message_text = @last_message_text, last_message_author_kind = @last_message_author_kind,
       last_message_at = @last_message_at, updated_at = @updated_at,
       queue_id = @queue_id, queued_at = @queued_at, priority = @priority, bot = @bot,
       offer_agent_id = @offer_agent_id, offer_agent_name = @offer_agent_name, offer_expires_at = @offer_expires_at,
       request_json = @request_json, participants_json = @participants_json, labels_json = @labels_json,
       requester_email = @requester_email, wrap_up_reason = @wrap_up_reason, archived = @archived,
       first_message_text = @first_message_text, proactive = @proactive
     WHERE id = @id`,
  );

  /** SPEC D1: each event takes lastSeq + 1, inside the caller's transaction. Mutates `row` to match. */
  function writeEvents(row: ConversationRow, events: readonly NewEvent[], at: number): ConversationEvent[] {
    const written: ConversationEvent[] = [];
    for (const e of events) {
      const seq = row.last_seq + 1;
      const data = e.data === undefined ? null : JSON.stringify(e.data);
      if (e.attachments === undefined) {
        insertEvent.run(row.id, seq, e.kind, e.author.kind, e.author.id, e.author.name, e.clientId, e.text, at, data);
      } else {
        insertEventWithAttachments.run(row.id, seq, e.kind, e.author.kind, e.author.id, e.author.name, e.clientId, e.text, at, data, JSON.stringify(e.attachments));
        for (const file of e.attachments) {
          // claimAttachments checked these inside this transaction; a miss here is a bug, and rolls back.
          if (files.markSent.run(seq, file.id, row.id).changes !== 1) throw new Error(`attachment ${file.id} is not unsent in ${row.id}`);
        }
      }
      row.last_seq = seq;
      if (e.kind === 'message' && e.text !== null) {
        // SPEC W3: a message of files alone shows as their names in the lists.
        const shown = e.text === '' && e.attachments?.length ? `📎 ${e.attachments.map((f) => f.name).join(', ')}` : e.text;
        row.last_message_text = shown;
        row.last_message_author_kind = e.author.kind;
        row.last_message_at = at;
        if (e.author.kind === 'visitor' && row.first_message_text === null) row.first_message_text = shown;
      }
      const event: ConversationEvent = { conversationId: row.id, seq, kind: e.kind, author: e.author, clientId: e.clientId, text: e.text, at };
      if (e.data !== undefined) event.data = e.data;
      if (e.attachments !== undefined) event.attachments = e.attachments;
      written.push(event);
    }
    row.updated_at = at;
    return written;
  }

  /** SPEC W3: the records of the files a message names, read inside its transaction; missing ones left out. */
  function found(ids: readonly string[]): AttachmentRecord[] {
    const records: AttachmentRecord[] = [];
    for (const id of ids) {
      const row = files.byId.get(id);
      if (row) records.push(toAttachmentRecord(row));
    }
    return records;
  }

  return {
    write(request) {
      const { visitor, clientId, at } = request;
      let row = request.conversationId !== null ? byId.get(request.conversationId) : visitor ? openForVisitor.get(visitor.visitorId) : undefined;
      if (request.conversationId !== null && row === undefined) return { kind: 'not_found' };
      let state = row && toState(row);
      if (row !== undefined && state !== undefined) {
        if (!request.authorize(state)) return { kind: 'not_found' };
        if (clientId !== null && request.conversationId !== null) {
          const seq = seqByClientId.get(row.id, clientId);
          if (seq !== undefined) return { kind: 'duplicate', seq, conversation: toConversation(row) };
        }
      }
      if (clientId !== null && request.conversationId === null && visitor) {
        // SPEC D3 without a conversation id: the message may sit in any of the visitor's conversations,
        // also one that has closed since (a first message whose ack was lost, resent after the close).
        const stored = byVisitorClientId.get(visitor.visitorId, clientId);
        const home = stored && byId.get(stored.conversation_id);
        if (stored && home) return { kind: 'duplicate', seq: stored.seq, conversation: toConversation(home) };
      }

      // SPEC C3: no open conversation yet; the rule decides on a fresh one, and only its approval creates it.
      const creating = row === undefined;
      if (row === undefined || state === undefined) {
        if (!visitor) return { kind: 'not_found' };
        row = freshRow(visitor.siteId, visitor.visitorId, at);
        state = toState(row);
      }
      const decision = request.decide(state, request.attachmentIds?.length ? found(request.attachmentIds) : NONE, reads);
      if (!decision.ok) return { kind: 'refused', code: decision.code };

      let events = decision.events;
      try {
        if (creating) {
          insertVisitor.run(row.visitor_id, row.site_id, at);
          insertConversation.run(row);
          events = [createdEvent(row.visitor_id), ...events];
        }
        const written = writeEvents(row, events, at);
        // A new conversation's row holds the defaults freshRow() has, so its progress alone is written, too.
        if (decision.patch === null) updateProgress.run(row);
        else {
          applyPatch(row, decision.patch);
          updateConversation.run(row);
        }
        return { kind: 'appended', events: written, conversation: toConversation(row) };
      } catch (err) {
        // Issue 14: a second offer to one agent (R4) or a second rating (T5), made by another node or a
        // stale routing leader, is this write's refusal, decided by the database: undone, and answered.
        if (isDecidedByIndex(err)) throw new JobUndone(CONFLICT);
        throw err;
      }
    },
  };
}

const NONE: readonly AttachmentRecord[] = [];

const CONFLICT: WriteOutcome = Object.freeze({ kind: 'refused', code: 'conflict' });

/**
 * The unique indexes that carry a rule (issue 14), by the columns SQLite names in the error:
 * conversations_one_offer_per_agent (R4) and events_one_rating (T5). Other unique violations (a seq, a
 * client id) are bugs or races the write path answers itself, and stay errors.
 */
const RULE_INDEXES: ReadonlySet<string> = new Set(['UNIQUE constraint failed: conversations.offer_agent_id', 'UNIQUE constraint failed: events.conversation_id']);

function isDecidedByIndex(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE' && RULE_INDEXES.has((err as Error).message);
}

/** Every field of the patch that is set, onto the row (which the UPDATE then writes whole). */
