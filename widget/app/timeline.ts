/**
 * @module What the message list shows, derived from committed events and the outbox: confirmed messages
 * in sequence order, then unconfirmed ones (sending or failed) in the order they were written. Pure.
 */
import type { Attachment, ConversationEvent } from '../../shared/protocol';
import { dayOf } from './i18n';
import type { OutboxItem } from './session/outbox';

export type TimelineItem =
  | {
      type: 'message';
      key: string;
      mine: boolean;
      text: string;
      /** The agent's (or bot's) name on their messages. */
      author: string | null;
      at: number;
      state: 'sent' | 'sending' | 'failed';
      clientId: string | null;
      /** Null while it is not committed. */
      seq: number | null;
      /** Files sent with it (SPEC W3). */
      attachments?: Attachment[] | undefined;
    }
  /** A day separator before the first item of each local day. */
  | { type: 'day'; key: string; at: number }
  | { type: 'joined' | 'left'; key: string; name: string; at: number }
  /** The visitor ended it, it was closed, or it became a ticket (SPEC R8, T2): a notice in the list. */
  | { type: 'ended' | 'closed'; key: string; at: number }
  | { type: 'ticket'; key: string; number: number | null; at: number };

/**
 * `formTicket`: the number of the ticket the leave-a-message form made (SPEC T1). The form shows only
 * while no conversation is on screen, so every event shown later is newer (issue 15: an agent's proactive
 * chat): its notice goes first, never after them.
 */
export function timeline(events: readonly ConversationEvent[], outbox: readonly OutboxItem[], conversationId: string | null, formTicket?: number): TimelineItem[] {
  const items: TimelineItem[] = formTicket && events[0] ? [{ type: 'ticket', key: 'tf', number: formTicket, at: events[0].at }] : [];
  const confirmed = new Set<string>();
  for (const e of events) {
    if (e.clientId) confirmed.add(e.clientId);
    if (e.kind === 'message' && e.text !== null) {
      items.push({
        type: 'message',
        key: `s${e.seq}`,
        mine: e.author.kind === 'visitor',
        text: e.text,
        author: e.author.kind === 'visitor' ? null : e.author.name,
        at: e.at,
        state: 'sent',
        clientId: e.clientId,
        seq: e.seq,
        ...(e.attachments ? { attachments: e.attachments } : {}),
      });
    } else if ((e.kind === 'assigned' || e.kind === 'conference_joined') && e.author.name) {
      items.push({ type: 'joined', key: `s${e.seq}`, name: e.author.name, at: e.at });
    } else if (e.kind === 'conference_left' && e.author.name) {
      items.push({ type: 'left', key: `s${e.seq}`, name: e.author.name, at: e.at });
    } else if (e.kind === 'ended_by_visitor' || (e.kind === 'closed' && items.at(-1)?.type !== 'ticket')) {
      // Issue 15: no "closed" after "became ticket #N": the thread goes on as the ticket's.
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
      seq: null,
      ...(o.attachments ? { attachments: o.attachments } : {}),
    });
  }
  return items;
}

/** The items with a day separator before the first of each local day. */
export function withDays(items: readonly TimelineItem[]): TimelineItem[] {
  let day = NaN;
  return items.flatMap((item) => {
    const d = dayOf(item.at);
    if (d === day) return [item];
    day = d;
    return [{ type: 'day', key: `d${item.key}`, at: item.at }, item];
  });
}

/** The seq of the visitor's last message the agents have seen (`agentSeen`), where "Seen" goes; 0: none. */
export const seenMark = (items: readonly TimelineItem[], agentSeen: number): number =>
  items.reduce((mark, i) => (i.type === 'message' && i.mine && i.seq !== null && i.seq <= agentSeen ? i.seq : mark), 0);

/** Unread: agent and bot messages after what the visitor has seen (SPEC W2). */
export const unreadCount = (events: readonly ConversationEvent[], visitorSeen: number): number =>
  events.filter((e) => e.seq > visitorSeen && e.kind === 'message' && (e.author.kind === 'agent' || e.author.kind === 'bot')).length;

/**
 * Where the list opens (issue 15): the seq of the first agent or bot message after `visitorSeen`, else null
 * (the newest, at the bottom).
 */
export const firstUnread = (items: readonly TimelineItem[], visitorSeen: number): number | null => {
  for (const i of items) if (i.type === 'message' && !i.mine && i.seq !== null && i.seq > visitorSeen) return i.seq;
  return null;
};
