/**
 * @module The Store port's search part (issue 12, SPEC S1-S3): full-text search over what the log and the
 * tickets hold. The SQLite store answers it from an FTS5 index kept by triggers in the write transaction
 * (migrations/0007_search.sql); a PostgreSQL store would answer it from its own full-text search. Both pass
 * the contract in search.case.test.ts.
 */
import type { Ticket } from '../../shared/api';
import type { ConversationSummary } from '../../shared/protocol';

/**
 * Whose conversations a search may answer. null: every conversation (supervisors and admins, SPEC R10).
 * For an agent the store answers at least every matching conversation it may see (domain canView), and
 * none held by another agent that does not involve it (assignment, conference, offer) nor any waiting in a
 * queue it is not in; the caller applies canView itself for the rest (a pending transfer's target).
 */
export interface SearchScope {
  agentId: string;
  queueIds: readonly string[];
}

export interface SearchRequest {
  /** Folded words (domain/search.ts searchTerms), all required; the last also matches as a prefix (prefixOf). */
  terms: readonly string[];
  scope: SearchScope | null;
  /** Only documents indexed up to this mark (a previous page's `upTo`); null: all of them. */
  upTo: number | null;
  /** Hits to skip in the ranking. */
  offset: number;
  limit: number;
  /**
   * How many matches are ranked together: the ranking is by windows of this many matching documents (the
   * caller may see), newest window first; within one, best first (bm25), then the newest. A word found in
   * half the log then costs one window, not half the log. {@link SEARCH_WINDOW} in the product.
   */
  window: number;
}

/** SPEC S2: matches ranked together. bm25 over 1,000 texts takes about a millisecond here. */
export const SEARCH_WINDOW = 1_000;

/** A stored text that matched, with what it belongs to as stored (not masked) and the text itself. */
export type StoredSearchHit =
  | {
      kind: 'conversation';
      conversation: ConversationSummary;
      field: 'message' | 'visitor' | 'label';
      /** The message's (or note's) seq when field is 'message'. */
      seq: number | null;
      text: string;
      at: number;
    }
  | {
      kind: 'ticket';
      ticket: Ticket;
      field: 'subject' | 'requester' | 'entry';
      entryId: string | null;
      text: string;
      at: number;
    };

export interface SearchPage {
  /** Best first (bm25), then the most recently indexed, within each window (SearchRequest.window). */
  hits: StoredSearchHit[];
  /** The mark to pass as `upTo` for the next pages, so documents indexed meanwhile do not shift them. */
  upTo: number;
  /** Whether the ranking holds hits after these. A page ends at its window's end (it may be short). */
  more: boolean;
}

export interface StoreSearch {
  query(request: SearchRequest): Promise<SearchPage>;
}
