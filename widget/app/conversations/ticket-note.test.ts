import { describe, expect, it } from 'vitest';
import type { ConversationEvent, EventData } from '../../../shared/protocol';
import { replyTo } from './TicketNote';

const ev = (seq: number, kind: string, data?: EventData): ConversationEvent => ({
  conversationId: 'conv-1',
  seq,
  kind,
  author: { kind: 'system', id: null, name: null },
  clientId: null,
  text: null,
  at: seq,
  ...(data ? { data } : {}),
});

describe('issue 15: the address a ticket from a chat is answered at', () => {
  it.each<[string, ConversationEvent[], string | null]>([
    ['the ticket had none: null (the widget asks)', [ev(1, 'message'), ev(2, 'ticket_created', { number: 7, email: null })], null],
    ['an older server names none: null', [ev(2, 'ticket_created', { number: 7 })], null],
    ['the ticket had one', [ev(2, 'ticket_created', { number: 7, email: 'ana@example.com' })], 'ana@example.com'],
    ['the one the visitor gave', [ev(2, 'ticket_created', { number: 7, email: null }), ev(4, 'ticket_email', { email: 'bia@example.com' })], 'bia@example.com'],
    ['the last the visitor gave wins', [ev(2, 'ticket_created', { number: 7, email: 'a@example.com' }), ev(4, 'ticket_email', { email: 'b@example.com' }), ev(5, 'ticket_email', { email: 'c@example.com' })], 'c@example.com'],
  ])('%s', (_name, events, to) => {
    expect(replyTo(events)).toBe(to);
  });
});
