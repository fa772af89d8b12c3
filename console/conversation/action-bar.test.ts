/** Issue 15: which actions are in view, in the More menu and set apart, per state and role; the header line per state. */
import { describe, expect, it } from 'vitest';
import type { AgentRole, ConversationSummary } from '../../shared/protocol';
import { summaryFixture } from '../../shared/test/summary';
import { TABLES } from '../i18n/i18n';
import { actionBar, headLine, type ActionBar } from './action-bar';

const ME = 'me';
const who = (role: AgentRole = 'agent') => ({ id: ME, role });
const conv = (over: Partial<ConversationSummary> = {}) => summaryFixture({ queueId: null, ...over });
const mine = (over: Partial<ConversationSummary> = {}) => conv({ assignedAgentId: ME, assignedAgentName: 'Ana', ...over });
const others = (over: Partial<ConversationSummary> = {}) => conv({ assignedAgentId: 'x', assignedAgentName: 'Beto', ...over });
const BOT = { bot: true };
const NO_BOT = { bot: false };

describe('actionBar', () => {
  it.each<[string, ConversationSummary, AgentRole, { bot: boolean }, ActionBar]>([
    [
      'an agent\'s own open chat: Transfer and End in view; Resolve first in the menu; Block apart; no Return to bot without a bot',
      mine(),
      'agent',
      NO_BOT,
      { primary: ['transfer', 'end'], menu: ['resolve', 'invite', 'endWithTicket', 'labels', 'requester'], priority: true, danger: ['block'] },
    ],
    [
      'the same on a site with a bot: Return to bot in the menu',
      mine(),
      'agent',
      BOT,
      { primary: ['transfer', 'end'], menu: ['resolve', 'invite', 'endWithTicket', 'returnToBot', 'labels', 'requester'], priority: true, danger: ['block'] },
    ],
    [
      'an admin\'s own open chat: Delete joins Block at the bottom',
      mine(),
      'admin',
      NO_BOT,
      { primary: ['transfer', 'end'], menu: ['resolve', 'invite', 'endWithTicket', 'labels', 'requester'], priority: true, danger: ['block', 'delete'] },
    ],
    [
      'a waiting chat for an agent: Take in view, only edits in the menu',
      conv(),
      'agent',
      NO_BOT,
      { primary: ['take'], menu: ['labels', 'requester'], priority: true, danger: [] },
    ],
    [
      'a supervisor on another agent\'s chat: at most three in view (Take over, Transfer, End)',
      others(),
      'supervisor',
      BOT,
      { primary: ['take', 'transfer', 'end'], menu: ['resolve', 'invite', 'endWithTicket', 'returnToBot', 'labels', 'requester'], priority: true, danger: ['block'] },
    ],
    [
      'with a transfer pending: no Transfer, no Conference',
      mine({ request: { kind: 'transfer', fromAgentId: ME, fromName: 'Ana', toAgentId: 'x', toQueueId: null, toName: 'Beto', expiresAt: 1 } }),
      'agent',
      NO_BOT,
      { primary: ['end'], menu: ['resolve', 'endWithTicket', 'labels', 'requester'], priority: true, danger: ['block'] },
    ],
    [
      'a conference guest: Leave in the menu, nothing that steers the chat',
      others({ participants: [{ id: ME, name: 'Ana' }] }),
      'agent',
      BOT,
      { primary: [], menu: ['leave', 'labels', 'requester'], priority: true, danger: [] },
    ],
    [
      'the visitor ended it: nothing stale in view (no End, no Transfer: the wrap-up prompt is the way on); no Conference, no Return to bot',
      mine({ status: 'ended' }),
      'agent',
      BOT,
      { primary: [], menu: ['resolve', 'endWithTicket', 'labels', 'requester'], priority: true, danger: ['block'] },
    ],
    [
      'closed, the holder: Reopen in view; Reopen and transfer and Archive in the menu; no edits, no Block',
      mine({ status: 'closed' }),
      'agent',
      NO_BOT,
      { primary: ['reopen'], menu: ['reopenTransfer', 'archive'], priority: false, danger: [] },
    ],
    [
      'archived, an admin: Reopen, Reopen and transfer, Unarchive; Delete apart',
      others({ status: 'closed', archived: true }),
      'admin',
      NO_BOT,
      { primary: ['reopen'], menu: ['reopenTransfer', 'unarchive'], priority: false, danger: ['delete'] },
    ],
    [
      'closed, a plain agent who did not hold it: nothing',
      others({ status: 'closed' }),
      'agent',
      NO_BOT,
      { primary: [], menu: [], priority: false, danger: [] },
    ],
  ])('%s', (_name, c, role, site, expected) => {
    const bar = actionBar(c, who(role), site);
    expect(bar).toEqual(expected);
    expect(bar.primary.length).toBeLessThanOrEqual(3);
    // Destructive actions are never in view nor among the ordinary menu items.
    for (const id of ['block', 'delete'] as const) expect([...bar.primary, ...bar.menu]).not.toContain(id);
  });
});

describe('headLine', () => {
  const queues = (id: string) => (id === 'q1' ? 'Vendas' : null);
  it.each<[string, ConversationSummary, string, string]>([
    ['open, mine, in conference', mine({ participants: [{ id: 'x', name: 'Beto' }], queueId: 'q1' }), 'Com você · em conferência com Beto · Vendas', 'With you · in conference with Beto · Vendas'],
    ['open, waiting', conv(), 'Aguardando atendimento', 'Waiting for an agent'],
    ['open, with the bot', conv({ bot: true }), 'Com o bot', 'With the bot'],
    ['ended by the visitor: no conference line', mine({ status: 'ended', participants: [{ id: 'x', name: 'Beto' }] }), 'Com você · encerrada pelo visitante, falta a conclusão', 'With you · ended by the visitor, wrap-up pending'],
    ['closed after a conference: not "in conference with you"', others({ status: 'closed', participants: [{ id: ME, name: 'Ana' }], requesterEmail: 'bia@example.com' }), 'Encerrada · atendida por Beto · bia@example.com', 'Closed · handled by Beto · bia@example.com'],
    ['archived, nobody took it', conv({ status: 'closed', archived: true }), 'Arquivada · sem atendimento', 'Archived · nobody took it'],
  ])('%s', (_name, c, pt, en) => {
    expect(headLine(c, { id: ME }, queues, TABLES['pt-BR'])).toBe(pt);
    expect(headLine(c, { id: ME }, queues, TABLES.en)).toBe(en);
  });
});
