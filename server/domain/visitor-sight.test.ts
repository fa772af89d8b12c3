import { describe, expect, it } from 'vitest';
import type { AgentRole } from '../../shared/protocol';
import { visitorSites } from './visitor-sight';

const queues = [
  { id: 'q-loja', siteId: 'loja' },
  { id: 'q-loja-vendas', siteId: 'loja' },
  { id: 'q-blog', siteId: 'blog' },
];
const sites = [
  { id: 'loja', defaultQueueId: 'q-loja' },
  { id: 'blog', defaultQueueId: 'q-blog' },
  { id: 'sem-fila', defaultQueueId: null },
];

describe('R10/R11: whose online visitors an agent sees', () => {
  it.each<[string, AgentRole, string[], string[] | null]>([
    ['a supervisor: every site', 'supervisor', [], null],
    ['an admin: every site', 'admin', ['q-blog'], null],
    ["an agent of one site's queue: that site, and the site whose chats wait in no queue", 'agent', ['q-loja'], ['loja', 'sem-fila']],
    ["an agent of a site's second queue: that site too", 'agent', ['q-loja-vendas'], ['loja', 'sem-fila']],
    ['an agent of two sites', 'agent', ['q-loja', 'q-blog'], ['loja', 'blog', 'sem-fila']],
    ['an agent of no queue: only chats in no queue are its', 'agent', [], ['sem-fila']],
    ['an agent of a queue that is gone: nothing more', 'agent', ['q-deleted'], ['sem-fila']],
  ])('R10: %s', (_name, role, queueIds, expected) => {
    const seen = visitorSites({ role, queueIds: new Set(queueIds) }, queues, sites);
    expect(seen === null ? null : [...seen].sort()).toEqual(expected === null ? null : [...expected].sort());
  });
});
