/**
 * @module The conversation write path on SQLite: statements prepared once, run synchronously inside a
 * group-commit job (committer.ts). Raw statements here, not Drizzle, because this is the message hot path
 * (DESIGN.md: Drizzle doubles the cost of a one-row insert).
 */
import type Database from 'better-sqlite3';
import type { ConversationEvent } from '../../../shared/protocol';
import { createdEvent, type NewEvent } from '../../domain/conversation';
import { uuidv7 } from '../../ids';
import type { AppendInput, AppendOutcome, StartInput, StartOutcome } from '../store';
import { toConversation, type ConversationRow } from './rows';

export interface ConversationWrites {
  append(input: AppendInput): AppendOutcome;
  start(input: StartInput): StartOutcome;
}

export function prepareWrites(sqlite: Database.Database): ConversationWrites {
  const byId = sqlite.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?');
  const openForVisitor = sqlite.prepare<[string], ConversationRow>(
    "SELECT * FROM conversations WHERE visitor_id = ? AND status = 'open'",
  );
  const seqByClientId = sqlite
    .prepare<[string, string], number>('SELECT seq FROM events WHERE conversation_id = ? AND client_id = ?')
    .pluck();
  const insertEvent = sqlite.prepare(
    `INSERT INTO events (conversation_id, seq, kind, author_kind, author_id, author_name, client_id, text, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertVisitor = sqlite.prepare('INSERT OR IGNORE INTO visitors (id, site_id, created_at) VALUES (?, ?, ?)');
  const insertConversation = sqlite.prepare(
    `INSERT INTO conversations (id, site_id, visitor_id, status, version, last_seq, created_at, updated_at)
     VALUES (@id, @site_id, @visitor_id, @status, @version, @last_seq, @created_at, @updated_at)`,
  );
  const updateConversation = sqlite.prepare(
    `UPDATE conversations SET status = @status, assigned_agent_id = @assigned_agent_id,
       assigned_agent_name = @assigned_agent_name, version = @version, last_seq = @last_seq,
       last_message_text = @last_message_text, last_message_author_kind = @last_message_author_kind,
       last_message_at = @last_message_at, updated_at = @updated_at
     WHERE id = @id`,
  );

  /** SPEC D1: each event takes lastSeq + 1, inside the caller's transaction. Mutates `row` to match. */
  function writeEvents(row: ConversationRow, events: readonly NewEvent[], at: number): ConversationEvent[] {
    const written: ConversationEvent[] = [];
    for (const e of events) {
      const seq = row.last_seq + 1;
      insertEvent.run(row.id, seq, e.kind, e.author.kind, e.author.id, e.author.name, e.clientId, e.text, at);
      row.last_seq = seq;
      if (e.kind === 'message' && e.text !== null) {
        row.last_message_text = e.text;
        row.last_message_author_kind = e.author.kind;
        row.last_message_at = at;
      }
      written.push({ conversationId: row.id, seq, kind: e.kind, author: e.author, clientId: e.clientId, text: e.text, at });
    }
    row.updated_at = at;
    return written;
  }

  return {
    append(input) {
      const row = byId.get(input.conversationId);
      if (row === undefined) return { kind: 'not_found' };
      if (input.clientId !== null) {
        const seq = seqByClientId.get(row.id, input.clientId);
        if (seq !== undefined) return { kind: 'duplicate', seq, conversation: toConversation(row) };
      }
      if (row.version !== input.expectedVersion) return { kind: 'conflict', conversation: toConversation(row) };
      const events = writeEvents(row, input.events, input.at);
      if (input.patch !== null) {
        const p = input.patch;
        if (p.status !== undefined) row.status = p.status;
        if (p.assignedAgentId !== undefined) row.assigned_agent_id = p.assignedAgentId;
        if (p.assignedAgentName !== undefined) row.assigned_agent_name = p.assignedAgentName;
        row.version += 1;
      }
      updateConversation.run(row);
      return { kind: 'appended', events, conversation: toConversation(row) };
    },

    start(input) {
      const open = openForVisitor.get(input.visitorId);
      if (open !== undefined) return { kind: 'exists', conversation: toConversation(open) };
      insertVisitor.run(input.visitorId, input.siteId, input.at);
      const row: ConversationRow = {
        id: uuidv7(input.at),
        site_id: input.siteId,
        visitor_id: input.visitorId,
        visitor_name: null,
        status: 'open',
        assigned_agent_id: null,
        assigned_agent_name: null,
        version: 0,
        last_seq: 0,
        last_message_text: null,
        last_message_author_kind: null,
        last_message_at: null,
        created_at: input.at,
        updated_at: input.at,
      };
      insertConversation.run(row);
      const events = writeEvents(row, [createdEvent(input.visitorId), ...input.events], input.at);
      updateConversation.run(row);
      return { kind: 'appended', events, conversation: toConversation(row) };
    },
  };
}
