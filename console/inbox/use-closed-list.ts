/**
 * @module The Closed and Archived lists: read from GET /conversations?view=closed|archived with the
 * filters, again when they change, after the agent's own actions, and on Reload; a page at a time (issue 12),
 * the next one on Load more.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationSummary } from '../../shared/protocol';
import { api } from '../session/api';
import { errorText } from '../i18n/i18n';
import { appendPage, type Filters } from './lists';
import { toApiError } from '../ui/use-action';

/** Rows a page of a stored list holds. */
export const CLOSED_PAGE = 100;

export function useClosedList(view: 'closed' | 'archived' | null, filters: Filters, changes: number) {
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  /** Which reading of the list is current: a page that answers after the filters changed is dropped. */
  const reading = useRef(0);
  /** The view and filters the rows on screen were read for. */
  const shownFor = useRef<string | null>(null);

  const read = (cursor: string | null) => {
    if (!view) return;
    const mine = cursor === null ? ++reading.current : reading.current;
    if (cursor === null) {
      // A cursor belongs to the reading that gave it: none until the first page answers. Rows of another view
      // or other filters go at once, so a first page that fails leaves neither them nor their Load more.
      setNextCursor(null);
      const key = JSON.stringify([view, filters.queueId, filters.priority, filters.label, filters.agentId]);
      if (shownFor.current !== key) {
        shownFor.current = key;
        setConversations([]);
      }
    }
    setLoading(true);
    setError(null);
    api
      .conversationPage({ view, queue: filters.queueId, priority: filters.priority, label: filters.label, agent: filters.agentId || null, limit: CLOSED_PAGE, cursor })
      .then(
        (page) => {
          if (mine !== reading.current) return;
          setConversations((shown) => (cursor === null ? page.conversations : appendPage(shown, page.conversations)));
          setNextCursor(page.nextCursor);
        },
        (err: unknown) => {
          const e = toApiError(err);
          if (mine === reading.current) setError(errorText(e.code));
        },
      )
      .finally(() => mine === reading.current && setLoading(false));
  };

  useEffect(() => {
    read(null);
    return () => {
      reading.current++;
    };
  }, [view, filters.queueId, filters.priority, filters.label, filters.agentId, round, changes]);

  return {
    conversations: view ? conversations : [],
    loading,
    error,
    reload: () => setRound((r) => r + 1),
    /** Null on the last page; otherwise reads the next page onto the list. */
    loadMore: view && nextCursor !== null ? () => read(nextCursor) : null,
  };
}
