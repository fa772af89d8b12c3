/**
 * @module The Closed and Archived lists: read from GET /conversations?view=closed|archived with the
 * filters, again when they change, after the agent's own actions, and on Reload.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConversationSummary } from '../shared/protocol';
import { api } from './api';
import { errorText } from './i18n';
import type { Filters } from './lists';
import { toApiError } from './use-action';

export function useClosedList(view: 'closed' | 'archived' | null, filters: Filters, changes: number) {
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);

  useEffect(() => {
    if (!view) return;
    let current = true;
    setLoading(true);
    setError(null);
    api
      .conversations({ view, queue: filters.queueId, priority: filters.priority, label: filters.label, agent: filters.agentId || null, limit: 100 })
      .then(
        (list) => current && setConversations(list),
        (err: unknown) => {
          const e = toApiError(err);
          if (current) setError(`${errorText(e.code, e.message)} (${e.code})`);
        },
      )
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [view, filters.queueId, filters.priority, filters.label, filters.agentId, round, changes]);

  return { conversations: view ? conversations : [], loading, error, reload: () => setRound((r) => r + 1) };
}
