/**
 * @module Data rights (issue 6, LGPD/GDPR): everything Papo holds about a visitor or an e-mail address —
 * the visitor records, their conversations with every event, the tickets they asked for with their
 * history — exported as one document, or erased. Admins only (checked by the route).
 */
import type { Ticket, TicketEntry } from '../../shared/api';
import type { Attachment, ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { toAttachment } from '../domain/attachments';
import { AppError } from '../errors';
import type { Store, VisitorRecord } from '../store/store';
import type { ConversationService } from './conversations';

export type Subject = { visitorId: string } | { email: string };

export interface DataExport {
  subject: Subject;
  exportedAt: number;
  visitors: VisitorRecord[];
  conversations: Array<{ conversation: ConversationSummary; events: ConversationEvent[] }>;
  tickets: Array<{ ticket: Ticket; entries: TicketEntry[] }>;
  /** SPEC W3: the files of those conversations (sent or not), each fetched at its `url` by a signed-in admin. */
  files: ExportedFile[];
}

export interface ExportedFile extends Attachment {
  conversationId: string;
  uploadedBy: 'visitor' | 'agent';
  uploadedAt: number;
  /** The message that carries it; null: uploaded, never sent. */
  eventSeq: number | null;
  url: string;
}

const MAX = 10_000;

export type DataRights = ReturnType<typeof createDataRights>;

export function createDataRights({ store, conversations, now }: { store: Store; conversations: ConversationService; now: () => number }) {
  /** The visitors and tickets a subject names: by id, or every visitor and ticket requester with that e-mail. */
  async function find(subject: Subject): Promise<{ visitors: VisitorRecord[]; tickets: Ticket[] }> {
    if ('visitorId' in subject) {
      const visitor = await store.visitors.byId(subject.visitorId);
      const tickets = await store.tickets.list({ visitorId: subject.visitorId, limit: MAX });
      if (!visitor && tickets.length === 0) throw new AppError('not_found', 'Nothing is held about this visitor.');
      return { visitors: visitor ? [visitor] : [], tickets };
    }
    const visitors = await store.visitors.byEmail(subject.email);
    const byEmail = await store.tickets.list({ requesterEmail: subject.email, limit: MAX });
    const byVisitor = await Promise.all(visitors.map((v) => store.tickets.list({ visitorId: v.id, limit: MAX })));
    const tickets = [...new Map([...byEmail, ...byVisitor.flat()].map((t) => [t.id, t])).values()];
    if (visitors.length === 0 && tickets.length === 0) throw new AppError('not_found', 'Nothing is held about this e-mail address.');
    return { visitors, tickets };
  }

  async function conversationsOf(visitors: readonly VisitorRecord[]): Promise<ConversationSummary[]> {
    return (await Promise.all(visitors.map((v) => store.conversations.list({ visitorId: v.id, limit: MAX })))).flat();
  }

  return {
    async export(subject: Subject): Promise<DataExport> {
      const { visitors, tickets } = await find(subject);
      const list = await conversationsOf(visitors);
      return {
        subject,
        exportedAt: now(),
        visitors,
        conversations: await Promise.all(list.map(async (conversation) => ({ conversation, events: await store.events.after(conversation.id, 0, { limit: 100_000 }) }))),
        tickets: await Promise.all(tickets.map(async (ticket) => ({ ticket, entries: await store.tickets.entries(ticket.id) }))),
        files: (await Promise.all(list.map((c) => store.attachments.list(c.id)))).flat().map((r) => ({
          ...toAttachment(r),
          conversationId: r.conversationId,
          uploadedBy: r.uploaderKind,
          uploadedAt: r.createdAt,
          eventSeq: r.eventSeq,
          url: `/api/v1/files/${r.id}`,
        })),
      };
    },

    /**
     * Erases it all; consoles drop the deleted conversations at once, and their files go from disk with them
     * (the attachments service listens to removals). Answers what was removed.
     */
    async erase(subject: Subject): Promise<{ visitors: number; conversations: number; tickets: number }> {
      const { visitors, tickets } = await find(subject);
      const list = await conversationsOf(visitors);
      for (const c of list) await conversations.remove(c);
      for (const t of tickets) await store.tickets.delete(t.id);
      for (const v of visitors) await store.visitors.delete(v.id);
      return { visitors: visitors.length, conversations: list.length, tickets: tickets.length };
    },
  };
}
