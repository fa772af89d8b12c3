/**
 * @module Search (issue 12, SPEC S1-S3): the agent's query turned into words; the store's newest matches (a
 * bounded keyset scan) narrowed to what the agent may see (R10, D11: domain canView, as the lists), shown
 * through the site's masking (M2, as the lists) with a snippet whose matched words are marked, and ranked
 * within the page (domain rankScores).
 */
import type { SearchAnswer, SearchHit, Ticket } from '../../shared/api';
import { canView, type AgentActor } from '../domain/conversation';
import { decodeCursor, encodeCursor, matchesAll, rankScores, searchTerms, snippetOf } from '../domain/search';
import { AppError } from '../errors';
import { SEARCH_SCAN, type StoredSearchHit } from '../store/search';
import type { Store } from '../store/store';
import type { MaskingPolicy } from './masking-policy';

export interface SearchDeps {
  store: Store;
  masking: MaskingPolicy;
  /** A ticket as agents read it (the ticket service's masking, issue 6). */
  viewTicket: (ticket: Ticket) => Ticket;
}

export type SearchService = ReturnType<typeof createSearchService>;

export function createSearchService({ store, masking, viewTicket }: SearchDeps) {
  /**
   * SPEC S3: the hit as the agent sees it, or null. A text the masking changed must still hold every word by
   * itself: otherwise the words matched a masked value (a card number, an e-mail), and showing the hit would
   * tell which conversation holds it.
   */
  function shown(actor: AgentActor, terms: readonly string[], hit: StoredSearchHit): { hit: SearchHit; text: string } | null {
    if (hit.kind === 'conversation') {
      if (!canView(actor, hit.conversation)) return null;
      // Labels are the team's own words: the lists show them unmasked.
      const text = hit.field === 'label' ? hit.text : masking.field(hit.conversation.siteId, hit.text);
      if (text !== hit.text && !matchesAll(text, terms)) return null;
      const shownHit: SearchHit = { kind: 'conversation', conversation: masking.summary(hit.conversation), field: hit.field, seq: hit.seq, snippet: snippetOf(text, terms), at: hit.at };
      return { hit: shownHit, text };
    }
    // Entries are the agents' notes and replies: the ticket's history shows them unmasked.
    const text = hit.field === 'entry' ? hit.text : masking.field(hit.ticket.siteId, hit.text);
    if (text !== hit.text && !matchesAll(text, terms)) return null;
    return { hit: { kind: 'ticket', ticket: viewTicket(hit.ticket), field: hit.field, entryId: hit.entryId, snippet: snippetOf(text, terms), at: hit.at }, text };
  }

  return {
    /**
     * One page of hits, best first among the page's. `q` with no letter or digit, or a cursor this server did not make, is
     * `invalid_request`.
     *
     * @example await search.search(actor, { q: 'acao', limit: 20 })
     */
    async search(actor: AgentActor, query: { q: string; limit: number; cursor?: string | undefined }): Promise<SearchAnswer> {
      const terms = searchTerms(query.q);
      if (terms.length === 0) throw new AppError('invalid_request', 'q: type a word (letters or digits) to search for.');
      const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (query.cursor !== undefined && cursor === null) throw new AppError('invalid_request', 'cursor: pass the nextCursor of a previous answer.');
      // SPEC R10: supervisors and admins see every conversation; a plain agent's scope goes to the store.
      const scope = actor.role === 'agent' ? { agentId: actor.id, queueIds: [...actor.queueIds] } : null;

      // SPEC S2, S3: the newest matches older than the cursor, read by keyset, at most SEARCH_SCAN of them for
      // this page, until `limit` hits are shown and one more is found (only then is there a next page).
      const found: Array<{ hit: SearchHit; text: string; doc: number }> = [];
      let before = cursor?.before ?? null;
      let budget = SEARCH_SCAN;
      let next: number | null = null;
      for (;;) {
        const page = await store.search.query({ terms, scope, before, limit: query.limit + 1 - found.length, scan: budget });
        budget -= page.read;
        const extra = page.hits.some((hit) => {
          const visible = shown(actor, terms, hit);
          if (!visible) return false;
          if (found.length === query.limit) return true;
          found.push({ ...visible, doc: hit.doc });
          return false;
        });
        if (extra) {
          // A shown hit follows: the next page starts after this page's last (oldest) hit.
          next = found[found.length - 1]!.doc;
          break;
        }
        if (!page.more) break;
        before = page.last;
        if (budget <= 0) {
          // The page read all it may: it comes back short, and the next one goes on after the last match read.
          next = page.last;
          break;
        }
      }
      // SPEC S2: ranked within the page, by bm25 over the page's own texts as the agent sees them, then the newest.
      const scores = rankScores(found.map((f) => f.text), terms);
      const order = found.map((f, i) => ({ hit: f.hit, doc: f.doc, score: scores[i]! }));
      order.sort((a, b) => b.score - a.score || b.doc - a.doc);
      return { hits: order.map((o) => o.hit), nextCursor: next === null ? null : encodeCursor({ before: next }) };
    },
  };
}
