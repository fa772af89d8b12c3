/**
 * @module Every event kind as one readable line (the events timeline, and the notices in the message log),
 * in the console's language. Pure: the strings table is a parameter so tests can pick the language.
 */
import { EVENT_KINDS, type ConversationEvent, type EventKind } from '../../shared/protocol';
import { priorityName, t as defaultStrings, type Strings } from '../i18n/i18n';

export interface LineContext {
  /** The agent reading: "You" instead of their own name. */
  agentId: string;
  /** The visitor's label. */
  visitor: string;
  queueName: (id: string) => string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Kinds only the timeline shows: messages and notes are the log itself; routing steps and edits would crowd
 * it. Every other kind, a new one too, is a notice.
 */
const TIMELINE_ONLY: ReadonlySet<EventKind> = new Set<EventKind>([
  'queued',
  'message',
  'note',
  'offered',
  'accepted',
  'priority_changed',
  'requester_edited',
  'labels_changed',
  'archived',
  'unarchived',
]);

/** Kinds the message log shows as a notice between messages; the timeline shows every kind. */
export const LOG_NOTICE_KINDS: ReadonlySet<string> = new Set(EVENT_KINDS.filter((k) => !TIMELINE_ONLY.has(k)));

export function eventLine(e: ConversationEvent, ctx: LineContext, s: Strings = defaultStrings): string {
  const ev = s.ev;
  const author = e.author.kind === 'agent' ? (e.author.id === ctx.agentId ? s.you : (e.author.name ?? s.agent)) : e.author.kind === 'visitor' ? ctx.visitor : e.author.kind === 'bot' ? s.bot : 'Papo';
  const d = e.data ?? {};
  const target = str(d.toName) ?? (str(d.toQueueId) ? (ctx.queueName(str(d.toQueueId)!) ?? s.queue) : s.agent);
  switch (e.kind) {
    case 'created':
      return ev.created;
    case 'queued': {
      const queue = str(d.queueName) ?? (str(d.queueId) ? ctx.queueName(str(d.queueId)!) : null);
      return queue ? ev.queued(queue) : ev.queuedNone;
    }
    case 'message':
      return ev.message(author, e.text ?? '');
    case 'note':
      return ev.note(author, e.text ?? '');
    case 'offered':
      return ev.offered(str(d.agentId) === ctx.agentId ? s.youLower : (str(d.agentName) ?? s.agent));
    case 'accepted':
      return ev.accepted(author);
    case 'no_answer':
      return ev.noAnswer(str(d.agentId) === ctx.agentId ? s.you : (str(d.agentName) ?? s.agent));
    case 'assigned': {
      const via = str(d.via) ?? '';
      const line = ev.assigned[via as keyof typeof ev.assigned];
      return line ? line(author) : ev.assigned.take(author);
    }
    case 'transfer_requested':
      return ev.transferRequested(author, target);
    case 'transfer_accepted':
      return ev.transferAccepted(author);
    case 'transfer_abandoned':
      return ev.transferAbandoned(target);
    case 'conference_requested':
      return ev.conferenceRequested(author, target);
    case 'conference_joined':
      return ev.conferenceJoined(author);
    case 'conference_abandoned':
      return ev.conferenceAbandoned(target);
    case 'conference_left':
      return ev.conferenceLeft(author);
    case 'priority_changed':
      return ev.priorityChanged(author, priorityName(Number(d.from ?? 1), s), priorityName(Number(d.to ?? 1), s));
    case 'requester_edited':
      return ev.requesterEdited(author, [str(d.name), str(d.email)].filter((x) => x !== null).join(' · ') || s.none);
    case 'labels_changed': {
      const labels = Array.isArray(d.labels) ? d.labels : [];
      return labels.length > 0 ? ev.labelsChanged(author, labels.join(', ')) : ev.labelsCleared(author);
    }
    case 'ended_by_visitor':
      return ev.endedByVisitor;
    case 'closed': {
      const reason = str(d.reason);
      if (e.author.kind === 'system') return reason ? ev.closedSystemReason(reason) : ev.closedSystem;
      return reason ? ev.closed(author, reason) : ev.closedNoReason(author);
    }
    case 'archived':
      return ev.archived(author);
    case 'unarchived':
      return ev.unarchived(author);
    case 'bot_handoff': {
      const queue = str(d.queueId) ? ctx.queueName(str(d.queueId)!) : null;
      return queue ? ev.botHandoff(queue) : ev.botHandoffNone;
    }
    case 'returned_to_bot':
      return ev.returnedToBot(author);
    case 'ticket_created': {
      const n = Number(d.number);
      return e.author.kind === 'agent' ? ev.ticketCreatedBy(author, n) : ev.ticketCreated(n);
    }
    case 'rated': {
      const comment = str(d.comment);
      const score = Number(d.score);
      return comment ? ev.ratedComment(ctx.visitor, score, comment) : ev.rated(ctx.visitor, score);
    }
    case 'ticket_email': // issue 15
      return ev.ticketEmail(author, str(d.email) ?? '');
    case 'reopened':
      return ev.reopened(author);
    default:
      return ev.unknown(e.kind, author);
  }
}
