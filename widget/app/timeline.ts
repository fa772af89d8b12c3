/**
 * @module What the message list shows, derived from committed events and the outbox: confirmed messages
 * in sequence order, then unconfirmed ones (sending or failed) in the order they were written. Pure.
 */
import type { ConversationEvent } from '../../shared/protocol';
import type { OutboxItem } from './outbox';

export type TimelineItem =
  | {
      type: 'message';
      key: string;
      mine: boolean;
      text: string;
      /** Agent display name for agent messages. */
      author: string | null;
      at: number;
      state: 'sent' | 'sending' | 'failed';
      clientId: string | null;
    }
  | { type: 'joined' | 'left'; key: string; name: string; at: number }
  /** The visitor ended it, it was closed, or it became a ticket (SPEC R8, T2): a notice in the list. */
  | { type: 'ended' | 'closed'; key: string; at: number }
  | { type: 'ticket'; key: string; number: number | null; at: number };

export function timeline(events: readonly ConversationEvent[], outbox: readonly OutboxItem[], conversationId: string | null): TimelineItem[] {
  const items: TimelineItem[] = [];
  const confirmed = new Set<string>();
  for (const e of events) {
    if (e.clientId) confirmed.add(e.clientId);
    if (e.kind === 'message' && e.text !== null) {
      items.push({
        type: 'message',
        key: `s${e.seq}`,
        mine: e.author.kind === 'visitor',
        text: e.text,
        author: e.author.kind === 'agent' ? e.author.name : null,
        at: e.at,
        state: 'sent',
        clientId: e.clientId,
      });
    } else if ((e.kind === 'assigned' || e.kind === 'conference_joined') && e.author.name) {
      items.push({ type: 'joined', key: `s${e.seq}`, name: e.author.name, at: e.at });
    } else if (e.kind === 'conference_left' && e.author.name) {
      items.push({ type: 'left', key: `s${e.seq}`, name: e.author.name, at: e.at });
    } else if (e.kind === 'ended_by_visitor' || e.kind === 'closed') {
      items.push({ type: e.kind === 'closed' ? 'closed' : 'ended', key: `s${e.seq}`, at: e.at });
    } else if (e.kind === 'ticket_created') {
      const n = e.data?.number;
      items.push({ type: 'ticket', key: `s${e.seq}`, number: typeof n === 'number' ? n : null, at: e.at });
    }
  }
  for (const o of outbox) {
    if (confirmed.has(o.clientId)) continue;
    if (o.conversationId !== null && o.conversationId !== conversationId) continue;
    items.push({
      type: 'message',
      key: `c${o.clientId}`,
      mine: true,
      text: o.text,
      author: null,
      at: o.at,
      state: o.failed ? 'failed' : 'sending',
      clientId: o.clientId,
    });
  }
  return items;
}
