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
  /**
   * A keyset position: only documents older than this one (a previous page's last document); null: from the
   * newest. Documents indexed meanwhile are newer than any position, so they never shift later pages.
   */
  before: number | null;
  /** Stop after this many hits the scope allows. */
  limit: number;
  /**
   * Stop after reading this many matches, whether the scope allows them or not: one call never reads more
   * than this, however many matches the index holds or the caller may not see. {@link SEARCH_SCAN} a page.
   */
  scan: number;
}

/**
 * SPEC S2: matches read at most for one page (by all the store calls it takes). A page that reads this many
 * without filling up comes back short, with a cursor to go on from where it stopped.
 */
export const SEARCH_SCAN = 1_000;

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
      /** The document's position in the index: newer documents have larger ones, never reused. */
      doc: number;
    }
  | {
      kind: 'ticket';
      ticket: Ticket;
      field: 'subject' | 'requester' | 'entry';
      entryId: string | null;
      text: string;
      at: number;
      doc: number;
    };

export interface SearchPage {
  /** The matches the scope allows, newest first (ranking is the caller's: SPEC S2, domain rankScores). */
  hits: StoredSearchHit[];
  /** The position of the last match read, allowed or not (null: none); the next call passes it as `before`. */
  last: number | null;
  /** Matches read, allowed or not (at most `scan`). */
  read: number;
  /** Whether matches older than `last` remain: false when the index ran out. */
  more: boolean;
}

export interface StoreSearch {
  query(request: SearchRequest): Promise<SearchPage>;
}
