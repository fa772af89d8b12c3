/**
 * @module The console's URLs (issue 15): every screen has one, so Back and Forward work, a link can be shared
 * or bookmarked and a reload comes back to the same place. `parseRoute` and `formatRoute` are pure and each
 * other's inverse on the routes `formatRoute` writes (route.test.ts); use-route.ts keeps the browser's
 * history and the workspace in step.
 *
 *   /console/                            the conversations, the New list
 *   /console/conversations?list=mine     another list (new, mine, others, closed, archived)
 *   /console/conversations/:id           one conversation (with ?list= when not the New list)
 *   /console/tickets                     the tickets
 *   /console/tickets/:n                  one ticket, by its number (#42), or by its id
 *   /console/supervisor                  the supervisor board
 *   /console/visitors                    live visitors
 *   /console/admin                       administration, the role's first tab
 *   /console/admin/:tab                  one tab (canned, reasons, queues, agents, sites, blocks)
 *   /console/admin/sites/:id             one site
 *   /console/search?q=…                  the top bar's search, with its question
 *   /console/team, /console/team/:channel  reserved for the agents' internal chat (issue 15, team helper)
 *
 * Anything else reads as the conversations (the workspace then writes that URL in place of the unknown one).
 */
import { ADMIN_TABS, type AdminTab } from '../admin/tabs';
import type { ListId } from '../inbox/lists';

/** Where the console is served (vite.config.ts `base`). */
export const CONSOLE_BASE = '/console/';

export type Route =
  | { screen: 'conversations'; list: ListId; conversationId: string | null }
  | { screen: 'tickets'; ticket: string | null }
  | { screen: 'supervisor' }
  | { screen: 'visitors' }
  | { screen: 'admin'; tab: AdminTab | null; id: string | null }
  | { screen: 'search'; q: string }
  | { screen: 'team'; channel: string | null };

export type Screen = Route['screen'];

export const HOME: Route = { screen: 'conversations', list: 'new', conversationId: null };

/** Ids, numbers and channel names in a path: letters, digits, `-` and `_` (UUIDs and numbers alike), at most 64. */
const PART = /^[\w-]{1,64}$/;

function part(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return PART.test(decoded) ? decoded : null;
}

/** Every list (a Record, so a new list fails to compile here until it is named). */
const LISTS: Record<ListId, true> = { new: true, mine: true, others: true, closed: true, archived: true };
const isList = (value: string | null): value is ListId => value !== null && Object.hasOwn(LISTS, value);
const isAdminTab = (value: string | undefined): value is AdminTab => value !== undefined && (ADMIN_TABS as readonly string[]).includes(value);

/**
 * The route of a location: `pathname` as the browser has it (with /console/), `search` with or without its
 * `?`. Never throws; what it cannot read is the home route, or the nearest screen it can read (a conversation
 * id that is not an id reads as that list).
 */
export function parseRoute(pathname: string, search = ''): Route {
  const query = new URLSearchParams(search);
  const base = CONSOLE_BASE.slice(0, -1);
  if (pathname !== base && !pathname.startsWith(CONSOLE_BASE)) return HOME;
  const parts = pathname.slice(CONSOLE_BASE.length).split('/').filter((p) => p !== '');
  const [first, second, third, ...rest] = parts;
  const list = query.get('list');
  switch (first) {
    case undefined:
      return HOME;
    case 'conversations': {
      if (third !== undefined) break;
      return { screen: 'conversations', list: isList(list) ? list : 'new', conversationId: part(second) };
    }
    case 'tickets':
      if (third !== undefined) break;
      return { screen: 'tickets', ticket: part(second) };
    case 'supervisor':
    case 'visitors':
      if (second !== undefined) break;
      return { screen: first };
    case 'admin': {
      if (second === undefined) return { screen: 'admin', tab: null, id: null };
      if (!isAdminTab(second) || rest.length > 0) return { screen: 'admin', tab: null, id: null };
      // Only sites have a page of their own; an id under another tab is that tab.
      return { screen: 'admin', tab: second, id: second === 'sites' ? part(third) : null };
    }
    case 'search':
      if (second !== undefined) break;
      return { screen: 'search', q: (query.get('q') ?? '').slice(0, 200) };
    case 'team':
      if (third !== undefined) break;
      return { screen: 'team', channel: part(second) };
  }
  return HOME;
}

const enc = encodeURIComponent;

/** The URL (path and query) of a route, under /console/. */
export function formatRoute(route: Route): string {
  switch (route.screen) {
    case 'conversations': {
      const list = route.list === 'new' ? '' : `?list=${route.list}`;
      if (route.conversationId) return `${CONSOLE_BASE}conversations/${enc(route.conversationId)}${list}`;
      return list ? `${CONSOLE_BASE}conversations${list}` : CONSOLE_BASE;
    }
    case 'tickets':
      return `${CONSOLE_BASE}tickets${route.ticket ? `/${enc(route.ticket)}` : ''}`;
    case 'supervisor':
    case 'visitors':
      return `${CONSOLE_BASE}${route.screen}`;
    case 'admin':
      if (!route.tab) return `${CONSOLE_BASE}admin`;
      return `${CONSOLE_BASE}admin/${route.tab}${route.tab === 'sites' && route.id ? `/${enc(route.id)}` : ''}`;
    case 'search':
      return `${CONSOLE_BASE}search${route.q ? `?q=${enc(route.q)}` : ''}`;
    case 'team':
      return `${CONSOLE_BASE}team${route.channel ? `/${enc(route.channel)}` : ''}`;
  }
}

/** Same place (formatting both is the test: `list` and ids compare as the URL does). */
export function sameRoute(a: Route, b: Route): boolean {
  return formatRoute(a) === formatRoute(b);
}
