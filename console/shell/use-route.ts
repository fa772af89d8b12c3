/**
 * @module The route in the address bar, as state (issue 15): `navigate` pushes a history entry (or replaces
 * the current one), Back and Forward (popstate) set the route they land on. No router library: the console
 * has one level of screens, and route.ts reads and writes them.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatRoute, parseRoute, type Route } from './route';

export function currentRoute(): Route {
  return parseRoute(location.pathname, location.search);
}

/** What each entry this console pushed remembers: the URL it was pushed from. */
interface EntryState {
  papoFrom: string;
}

const here = () => location.pathname + location.search;

export interface Navigate {
  /** Goes to `route`: a new history entry, or with `replace` in place of this one (nothing when already there). */
  (route: Route, options?: { replace?: boolean }): void;
  /**
   * Goes up to `parent` (a phone's back from a conversation to its list): the browser's Back when this entry
   * was pushed from there (so Forward returns), otherwise `parent` in place of this entry.
   */
  up(parent: Route): void;
  /** Leaves this entry (the search put away): the browser's Back when this console pushed it, else `fallback` in its place. */
  leave(fallback: Route): void;
}

export function useRoute(): [Route, Navigate] {
  const [route, setRoute] = useState<Route>(currentRoute);
  useEffect(() => {
    const onPop = () => setRoute(currentRoute());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = useMemo(() => {
    const go = ((next: Route, options: { replace?: boolean } = {}) => {
      const url = formatRoute(next);
      if (url !== here()) {
        if (options.replace) history.replaceState(history.state, '', url);
        else history.pushState({ papoFrom: here() } satisfies EntryState, '', url);
      }
      setRoute(next);
    }) as Navigate;
    go.up = (parent) => {
      const from = (history.state as Partial<EntryState> | null)?.papoFrom;
      if (from !== undefined && from === formatRoute(parent)) history.back();
      else go(parent, { replace: true });
    };
    go.leave = (fallback) => {
      if ((history.state as Partial<EntryState> | null)?.papoFrom !== undefined) history.back();
      else go(fallback, { replace: true });
    };
    return go;
  }, []);
  return [route, navigate];
}
