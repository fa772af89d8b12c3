/**
 * @module Search (issue 12, SPEC S1-S3): the agent's query turned into words, the store's ranked hits
 * narrowed to what the agent may see (R10, D11: domain canView, as the lists) and shown through the site's
 * masking (M2, as the lists), each with a snippet whose matched words are marked.
 */
import type { SearchAnswer, SearchHit, Ticket } from '../../shared/api';
import { canView, type AgentActor } from '../domain/conversation';
import { decodeCursor, encodeCursor, matchesAll, searchTerms, snippetOf } from '../domain/search';
import { AppError } from '../errors';
import { SEARCH_WINDOW, type StoredSearchHit } from '../store/search';
import type { Store } from '../store/store';
import type { MaskingPolicy } from './masking-policy';

export interface SearchDeps {
  store: Store;
  masking: MaskingPolicy;
  /** A ticket as agents read it (the ticket service's masking, issue 6). */
  viewTicket: (ticket: Ticket) => Ticket;
}

/** The store answers the agent's scope exactly; more rounds when a page ends at a window's end or masking (S3) drops hits. */
const MAX_ROUNDS = 5;

export type SearchService = ReturnType<typeof createSearchService>;

export function createSearchService({ store, masking, viewTicket }: SearchDeps) {
  /**
   * SPEC S3: the hit as the agent sees it, or null. A text the masking changed must still hold every word by
   * itself: otherwise the words matched a masked value (a card number, an e-mail), and showing the hit would
   * tell which conversation holds it.
   */
  function shown(actor: AgentActor, terms: readonly string[], hit: StoredSearchHit): SearchHit | null {
    if (hit.kind === 'conversation') {
      if (!canView(actor, hit.conversation)) return null;
      // Labels are the team's own words: the lists show them unmasked.
      const text = hit.field === 'label' ? hit.text : masking.field(hit.conversation.siteId, hit.text);
      if (text !== hit.text && !matchesAll(text, terms)) return null;
      return { kind: 'conversation', conversation: masking.summary(hit.conversation), field: hit.field, seq: hit.seq, snippet: snippetOf(text, terms), at: hit.at };
    }
    // Entries are the agents' notes and replies: the ticket's history shows them unmasked.
    const text = hit.field === 'entry' ? hit.text : masking.field(hit.ticket.siteId, hit.text);
    if (text !== hit.text && !matchesAll(text, terms)) return null;
    return { kind: 'ticket', ticket: viewTicket(hit.ticket), field: hit.field, entryId: hit.entryId, snippet: snippetOf(text, terms), at: hit.at };
  }

  return {
    /**
     * One page of hits, best first. `q` with no letter or digit, or a cursor this server did not make, is
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

      const hits: SearchHit[] = [];
      let upTo = cursor?.upTo ?? null;
      let offset = cursor?.offset ?? 0;
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const page = await store.search.query({ terms, scope, upTo, offset, limit: query.limit - hits.length, window: SEARCH_WINDOW });
        upTo = page.upTo;
        for (const [i, hit] of page.hits.entries()) {
          const visible = shown(actor, terms, hit);
          if (visible) hits.push(visible);
          if (hits.length === query.limit) {
            const more = i < page.hits.length - 1 || page.more;
            return { hits, nextCursor: more ? encodeCursor({ upTo, offset: offset + i + 1 }) : null };
          }
        }
        offset += page.hits.length;
        if (!page.more) return { hits, nextCursor: null };
      }
      // Masking dropped many hits in a row: answer what was found; the next page goes on from there.
      return { hits, nextCursor: encodeCursor({ upTo: upTo ?? 0, offset }) };
    },
  };
}
