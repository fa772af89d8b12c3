/**
 * @module Runs the console's search (issue 12): the paging state of search-model.ts driven by real calls,
 * each answer applied to the state as it is then (answers to an older query are dropped there).
 */
import { useRef, useState } from 'preact/hooks';
import type { SearchAnswer } from '../../shared/api';
import { api } from '../session/api';
import { IDLE_SEARCH, pageArrived, pageFailed, retrySearch, startMore, startSearch, type PageCall, type SearchState } from './search-model';
import { toApiError } from '../ui/use-action';

export interface SearchRun {
  state: SearchState;
  /** Searches for `q`; false for a blank query (nothing asked). */
  submit: (q: string) => boolean;
  more: () => void;
  retry: () => void;
}

export function useSearch(fetchPage: (q: string, cursor: string | null) => Promise<SearchAnswer> = api.search): SearchRun {
  const [state, setState] = useState<SearchState>(IDLE_SEARCH);
  // The state the next answer applies to: answers arrive after renders the closure did not see.
  const latest = useRef(state);
  const apply = (next: SearchState) => {
    latest.current = next;
    setState(next);
  };
  const run = (started: { state: SearchState; call: PageCall } | null): boolean => {
    if (!started) return false;
    const { call } = started;
    apply(started.state);
    fetchPage(call.q, call.cursor).then(
      (answer) => apply(pageArrived(latest.current, call, answer)),
      (err: unknown) => {
        const e = toApiError(err);
        apply(pageFailed(latest.current, call, { code: e.code, message: e.message }));
      },
    );
    return true;
  };
  return {
    state,
    submit: (q) => run(startSearch(latest.current, q)),
    more: () => void run(startMore(latest.current)),
    retry: () => void run(retrySearch(latest.current)),
  };
}
