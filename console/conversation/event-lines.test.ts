import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, type ConversationEvent, type EventData } from '../../shared/protocol';
import { eventLine, logNotices, reasonText, timelineEntries, type LineContext } from './event-lines';
import { TABLES } from '../i18n/i18n';

const ctx: LineContext = { agentId: 'me', visitor: 'Bia', queueName: (id) => ({ sales: 'Vendas' })[id] ?? null };
const agent = (id: string, name: string) => ({ kind: 'agent' as const, id, name });
const SYSTEM = { kind: 'system' as const, id: null, name: null };
const e = (kind: string, author: ConversationEvent['author'], data?: EventData, text: string | null = null): ConversationEvent => ({
  conversationId: 'c1',
  seq: 1,
  kind,
  author,
  clientId: null,
  text,
  at: 0,
  ...(data ? { data } : {}),
});

/** One event of each kind as the server writes it (server/domain/workflow.ts). */
const SAMPLES: Record<(typeof EVENT_KINDS)[number], ConversationEvent> = {
  created: e('created', { kind: 'visitor', id: 'v', name: null }),
  queued: e('queued', SYSTEM, { queueId: 'sales', queueName: 'Vendas' }),
  message: e('message', { kind: 'visitor', id: 'v', name: null }, undefined, 'Oi'),
  note: e('note', agent('x', 'Beto'), undefined, 'VIP'),
  offered: e('offered', SYSTEM, { agentId: 'x', agentName: 'Beto', expiresAt: 5 }),
  accepted: e('accepted', agent('x', 'Beto')),
  no_answer: e('no_answer', SYSTEM, { agentId: 'x', agentName: 'Beto' }),
  assigned: e('assigned', agent('x', 'Beto'), { via: 'take' }),
  transfer_requested: e('transfer_requested', agent('me', 'Ana'), { toAgentId: 'x', toQueueId: null, toName: 'Beto' }),
  transfer_accepted: e('transfer_accepted', agent('x', 'Beto'), { fromAgentId: 'me', toQueueId: null }),
  transfer_abandoned: e('transfer_abandoned', SYSTEM, { fromAgentId: 'me', toAgentId: null, toQueueId: 'sales', toName: 'Vendas' }),
  conference_requested: e('conference_requested', agent('me', 'Ana'), { toAgentId: 'x', toQueueId: null, toName: 'Beto' }),
  conference_joined: e('conference_joined', agent('x', 'Beto')),
  conference_abandoned: e('conference_abandoned', SYSTEM, { toName: 'Beto' }),
  conference_left: e('conference_left', agent('x', 'Beto')),
  priority_changed: e('priority_changed', agent('me', 'Ana'), { from: 1, to: 3 }),
  requester_edited: e('requester_edited', agent('me', 'Ana'), { name: 'Bia', email: 'bia@example.com' }),
  labels_changed: e('labels_changed', agent('me', 'Ana'), { labels: ['vip', 'entrega'] }),
  ended_by_visitor: e('ended_by_visitor', { kind: 'visitor', id: 'v', name: null }),
  closed: e('closed', agent('me', 'Ana'), { reason: 'Resolvido' }),
  archived: e('archived', agent('me', 'Ana')),
  unarchived: e('unarchived', agent('me', 'Ana')),
  bot_handoff: e('bot_handoff', { kind: 'bot', id: null, name: null }, { queueId: 'sales' }),
  returned_to_bot: e('returned_to_bot', agent('x', 'Beto')),
  ticket_created: e('ticket_created', SYSTEM, { number: 12, ticketId: 't12' }),
  rated: e('rated', { kind: 'visitor', id: 'v', name: null }, { score: 4, comment: 'Rápido' }),
  ticket_email: e('ticket_email', { kind: 'visitor', id: 'v', name: null }, { email: 'bia@example.com' }),
  reopened: e('reopened', agent('me', 'Ana'), { fromAgentId: 'x' }),
  transfer_declined: e('transfer_declined', agent('x', 'Beto'), { fromAgentId: 'me', toAgentId: 'x', toQueueId: null, toName: 'Beto' }),
  conference_declined: e('conference_declined', agent('x', 'Beto'), { fromAgentId: 'me', toAgentId: 'x', toQueueId: null, toName: 'Beto' }),
  wrapped_up: e('wrapped_up', agent('me', 'Ana'), { reason: 'Resolvido', after: 'transfer', forSeq: 4 }),
  offer_declined: e('offer_declined', agent('x', 'Beto'), { agentId: 'x', agentName: 'Beto' }),
};

describe('eventLine', () => {
  for (const [locale, strings] of Object.entries(TABLES)) {
    it.each(EVENT_KINDS.map((k) => [k]))(`${locale}: %s reads as a line with no hole`, (kind) => {
      const line = eventLine(SAMPLES[kind], ctx, strings);
      expect(line.length).toBeGreaterThan(3);
      expect(line).not.toMatch(/undefined|null|NaN|\[object/);
    });
  }

  it.each<[string, ConversationEvent, string]>([
    ['queue by name', SAMPLES.queued, 'Entered the Vendas queue'],
    ['queue unknown', e('queued', SYSTEM, { queueId: null, queueName: null }), 'Waiting for an agent'],
    ['me as "You"', SAMPLES.closed, 'You closed the conversation: Resolvido'],
    ['closed by the system after the visitor left', e('closed', SYSTEM, { reason: null }), 'Conversation closed'],
    ['offer to me', e('offered', SYSTEM, { agentId: 'me', agentName: 'Ana' }), 'Offered to you'],
    ['no answer (RONA)', SAMPLES.no_answer, 'Beto did not answer the offer (RONA)'],
    ['transfer abandoned names the target', SAMPLES.transfer_abandoned, 'Transfer to Vendas abandoned: nobody accepted in time. The conversation stays where it was.'],
    ['assigned by reply', e('assigned', agent('x', 'Beto'), { via: 'reply' }), 'Beto replied and took the conversation'],
    ['assigned by takeover', e('assigned', agent('x', 'Beto'), { via: 'takeover' }), 'Beto took the conversation over from another agent'],
    ['assigned, unknown way', e('assigned', agent('x', 'Beto'), { via: 'teleport' }), 'Beto took the conversation'],
    ['priority names', SAMPLES.priority_changed, 'You changed the priority from Normal to Urgent'],
    ['labels cleared', e('labels_changed', agent('x', 'Beto'), { labels: [] }), 'Beto removed the labels'],
    ['bot hand-off to a queue', SAMPLES.bot_handoff, 'The bot handed the conversation to the Vendas queue'],
    ['a kind from a newer server', e('teleported', SYSTEM), 'teleported (Papo)'],
    ['waiting chat turned into a ticket', SAMPLES.ticket_created, 'Ticket #12 opened with this conversation'],
    ['end and create ticket by me', e('ticket_created', agent('me', 'Ana'), { number: 3, ticketId: 't3' }), 'You opened ticket #3'],
    ['rating with a comment', SAMPLES.rated, 'Bia rated 4/5: Rápido'],
    ['rating without a comment', e('rated', { kind: 'visitor', id: 'v', name: null }, { score: 5, comment: null }), 'Bia rated 5/5'],
    ['rating with an empty comment', e('rated', { kind: 'visitor', id: 'v', name: null }, { score: 2, comment: '' }), 'Bia rated 2/5'],
  ])('en: %s', (_name, event, line) => expect(eventLine(event, ctx, TABLES.en)).toBe(line));

  it('pt-BR: the visitor ending the chat reads as the agents know it', () => {
    expect(eventLine(SAMPLES.ended_by_visitor, ctx, TABLES['pt-BR'])).toBe('O visitante encerrou a conversa');
    expect(eventLine(SAMPLES.returned_to_bot, ctx, TABLES['pt-BR'])).toBe('Beto devolveu o controle ao bot');
    expect(eventLine(SAMPLES.rated, ctx, TABLES['pt-BR'])).toBe('Bia avaliou o atendimento com 4/5: Rápido');
    expect(eventLine(SAMPLES.ticket_created, ctx, TABLES['pt-BR'])).toBe('Chamado #12 aberto com esta conversa');
  });
});

describe('issue 15: the reasons the server stores in English read in the console\'s language', () => {
  it.each<[string, string, string, string]>([
    ['a chat that became a ticket', 'Ticket #12', 'virou o chamado #12', 'became ticket #12'],
    ['block and end', 'Blocked', 'visitante bloqueado', 'visitor blocked'],
    ['a reason from the site\'s list, as written', 'Resolvido', 'Resolvido', 'Resolvido'],
    ['a list reason that only mentions a ticket, as written', 'Ticket #12 duplicado', 'Ticket #12 duplicado', 'Ticket #12 duplicado'],
  ])('%s', (_name, stored, pt, en) => {
    expect(reasonText(stored, TABLES['pt-BR'])).toBe(pt);
    expect(reasonText(stored, TABLES.en)).toBe(en);
  });

  it('the closed line of a chat that became a ticket, in pt-BR and en', () => {
    const closed = e('closed', agent('x', 'Beto'), { reason: 'Ticket #7' });
    expect(eventLine(closed, ctx, TABLES['pt-BR'])).toBe('Beto encerrou a conversa: virou o chamado #7');
    expect(eventLine(closed, ctx, TABLES.en)).toBe('Beto closed the conversation: became ticket #7');
    expect(eventLine(e('closed', SYSTEM, { reason: 'Ticket #7' }), ctx, TABLES['pt-BR'])).toBe('Conversa encerrada: virou o chamado #7');
  });
});

describe('issue 15: transfer lines', () => {
  const at = (seq: number, ev: ConversationEvent): ConversationEvent => ({ ...ev, seq, at: seq * 1000 });
  const requested = (kind: 'transfer' | 'conference', note?: string) =>
    e(`${kind}_requested`, agent('ana', 'Ana'), { toAgentId: 'x', toQueueId: null, toName: 'Beto', ...(note ? { note } : {}) });

  it.each<[string, ConversationEvent, string]>([
    ['a request with a note shows it', requested('transfer', 'VIP'), 'Ana asked to transfer it to Beto: “VIP”'],
    ['a declined transfer names who declined', SAMPLES.transfer_declined, 'Beto declined the transfer'],
    ['a declined invitation', SAMPLES.conference_declined, 'Beto declined the conference invitation'],
    ['a declined offer', SAMPLES.offer_declined, 'Beto declined the offer'],
    ['my wrap-up after a transfer', SAMPLES.wrapped_up, 'You wrapped up after transferring: Resolvido'],
    ['a wrap-up after leaving a conference', e('wrapped_up', agent('x', 'Beto'), { reason: 'Dúvida', after: 'conference' }), 'Beto wrapped up their part in the conference: Dúvida'],
    ['the bot hands it to a named agent', e('bot_handoff', { kind: 'bot', id: null, name: null }, { queueId: 'sales', agentId: 'x', agentName: 'Beto' }), 'The bot handed the conversation to Beto'],
  ])('en: %s', (_name, event, line) => expect(eventLine(event, ctx, TABLES.en)).toBe(line));

  it('an accepted transfer is one line (requested, accepted and assigned folded), with the note, at the acceptance', () => {
    const events = [
      at(3, e('message', { kind: 'visitor', id: 'v', name: null }, undefined, 'Oi')),
      at(4, requested('transfer', 'Cliente VIP')),
      at(5, e('transfer_accepted', agent('x', 'Bruno'), { fromAgentId: 'ana', toQueueId: null, previousAgentId: 'ana', note: 'Cliente VIP' })),
      at(6, e('assigned', agent('x', 'Bruno'), { via: 'transfer' })),
      at(7, e('wrapped_up', agent('ana', 'Ana'), { reason: 'Resolvido', after: 'transfer' })),
    ];
    expect(timelineEntries(events, ctx, TABLES['pt-BR']).map((x) => [x.seq, x.line])).toEqual([
      [3, 'Bia: Oi'],
      [5, 'Ana transferiu a conversa para Bruno: “Cliente VIP”'],
      [7, 'Ana concluiu o atendimento após transferir: Resolvido'],
    ]);
    expect(timelineEntries(events, ctx, TABLES.en)[1]?.line).toBe('Ana transferred the conversation to Bruno: “Cliente VIP”');
  });

  it('an accepted invitation is one line; a declined or waiting request keeps its own lines', () => {
    const joined = [at(4, requested('conference')), at(5, e('conference_joined', agent('x', 'Bruno'), { fromAgentId: 'ana' }))];
    expect(timelineEntries(joined, ctx, TABLES.en).map((x) => x.line)).toEqual(['Ana invited Bruno, who joined the conversation']);
    const declined = [at(4, requested('transfer')), at(5, SAMPLES.transfer_declined)];
    expect(timelineEntries(declined, ctx, TABLES.en).map((x) => x.line)).toEqual(['Ana asked to transfer it to Beto', 'Beto declined the transfer']);
    expect(timelineEntries([at(4, requested('transfer'))], ctx, TABLES.en)).toHaveLength(1);
  });

  it('pt-BR: the conference and decline lines', () => {
    expect(eventLine(SAMPLES.conference_declined, ctx, TABLES['pt-BR'])).toBe('Beto recusou o convite para a conferência');
    expect(eventLine(SAMPLES.wrapped_up, ctx, TABLES['pt-BR'])).toBe('Você concluiu o atendimento após transferir: Resolvido');
  });
});

describe('issue 15: logNotices', () => {
  it('the message log shows an accepted transfer as one notice and leaves messages and timeline-only kinds out', () => {
    const at = (seq: number, ev: ConversationEvent): ConversationEvent => ({ ...ev, seq, at: seq });
    const events = [
      at(1, e('message', { kind: 'visitor', id: 'v', name: null }, undefined, 'Oi')),
      at(2, e('transfer_requested', agent('ana', 'Ana'), { toAgentId: 'x', toQueueId: null, toName: 'Bruno', note: 'VIP' })),
      at(3, e('transfer_accepted', agent('x', 'Bruno'), { fromAgentId: 'ana', previousAgentId: 'ana' })),
      at(4, e('assigned', agent('x', 'Bruno'), { via: 'transfer' })),
      at(5, e('wrapped_up', agent('ana', 'Ana'), { reason: 'Resolvido', after: 'transfer' })),
    ];
    expect([...logNotices(events, ctx, TABLES.en).values()].map((n) => [n.seq, n.kind, n.line])).toEqual([[3, 'transferred', 'Ana transferred the conversation to Bruno: “VIP”']]);
  });
});
