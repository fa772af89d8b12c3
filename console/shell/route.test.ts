import { describe, expect, it } from 'vitest';
import { formatRoute, HOME, parseRoute, sameRoute, type Route } from './route';

const ID = '3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f';

/** Each route and the URL it writes; the URL reads back as the same route. */
const ROUNDTRIP: [url: string, route: Route][] = [
  ['/console/', HOME],
  ['/console/conversations?list=mine', { screen: 'conversations', list: 'mine', conversationId: null }],
  ['/console/conversations?list=archived', { screen: 'conversations', list: 'archived', conversationId: null }],
  [`/console/conversations/${ID}`, { screen: 'conversations', list: 'new', conversationId: ID }],
  [`/console/conversations/${ID}?list=closed`, { screen: 'conversations', list: 'closed', conversationId: ID }],
  ['/console/tickets', { screen: 'tickets', ticket: null }],
  ['/console/tickets/42', { screen: 'tickets', ticket: '42' }],
  [`/console/tickets/${ID}`, { screen: 'tickets', ticket: ID }],
  ['/console/supervisor', { screen: 'supervisor' }],
  ['/console/visitors', { screen: 'visitors' }],
  ['/console/admin', { screen: 'admin', tab: null, id: null }],
  ['/console/admin/agents', { screen: 'admin', tab: 'agents', id: null }],
  ['/console/admin/canned', { screen: 'admin', tab: 'canned', id: null }],
  ['/console/admin/sites', { screen: 'admin', tab: 'sites', id: null }],
  [`/console/admin/sites/${ID}`, { screen: 'admin', tab: 'sites', id: ID }],
  ['/console/search?q=a%C3%A7%C3%A3o%20%2342', { screen: 'search', q: 'ação #42' }],
  ['/console/search', { screen: 'search', q: '' }],
  ['/console/team', { screen: 'team', channel: null }],
  ['/console/team/general', { screen: 'team', channel: 'general' }],
];

describe('console routes: formatRoute writes the URL, parseRoute reads it back', () => {
  it.each(ROUNDTRIP)('%s', (url, route) => {
    expect(formatRoute(route)).toBe(url);
    const u = new URL(url, 'https://papo.example');
    expect(parseRoute(u.pathname, u.search)).toEqual(route);
  });
});

/** URLs a person may type or an old link may hold: each reads as the nearest screen, never throws. */
const LENIENT: [pathname: string, search: string, route: Route][] = [
  ['/console', '', HOME],
  ['/console/conversations', '', HOME],
  ['/console/conversations/', '', HOME],
  ['/console/conversations', '?list=nope', HOME],
  ['/console/conversations', '?list=constructor', HOME],
  ['/console/conversations/a%2Fb', '', HOME],
  ['/console/conversations/%E0%A4%A', '', HOME],
  ['/console/conversations/x/y', '', HOME],
  [`/console/conversations/${'a'.repeat(65)}`, '', HOME],
  ['/console/tickets/42/', '', { screen: 'tickets', ticket: '42' }],
  ['/console/tickets/42/notes', '', HOME],
  ['/console/supervisor/x', '', HOME],
  ['/console/admin/nope', '', { screen: 'admin', tab: null, id: null }],
  ['/console/admin/agents/123', '', { screen: 'admin', tab: 'agents', id: null }],
  ['/console/admin/sites/a/b', '', { screen: 'admin', tab: null, id: null }],
  ['/console/search', `?q=${'x'.repeat(300)}`, { screen: 'search', q: 'x'.repeat(200) }],
  ['/console/no-such-screen', '', HOME],
  ['/elsewhere/tickets/1', '', HOME],
  ['/consoles/tickets', '', HOME],
];

describe('console routes: what parseRoute makes of other URLs', () => {
  it.each(LENIENT)('%s%s', (pathname, search, route) => {
    expect(parseRoute(pathname, search)).toEqual(route);
  });
});

describe('sameRoute', () => {
  it.each([
    [HOME, { screen: 'conversations', list: 'new', conversationId: null }, true],
    [HOME, { screen: 'conversations', list: 'mine', conversationId: null }, false],
    [{ screen: 'tickets', ticket: '1' }, { screen: 'tickets', ticket: '1' }, true],
    [{ screen: 'admin', tab: 'agents', id: 'x' }, { screen: 'admin', tab: 'agents', id: null }, true],
  ] as [Route, Route, boolean][])('%j and %j: %s', (a, b, same) => {
    expect(sameRoute(a, b)).toBe(same);
  });
});
