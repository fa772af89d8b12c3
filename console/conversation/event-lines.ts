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
  /** Issue 15: the visitor's id, for its avatar's colour (absent: the label's). */
  visitorId?: string;
  queueName: (id: string) => string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Issue 15: a wrap-up reason as the console's language says it. The server stores two of its own in English
 * ("Ticket #N" when a chat becomes a ticket, "Blocked" for block-and-end); a reason from the site's list is
 * the admins' own words, shown as written. Stored data is never rewritten.
 */
export function reasonText(reason: string, s: Strings = defaultStrings): string {
  const ticket = /^Ticket #(\d+)$/.exec(reason);
  if (ticket) return s.ev.reasonTicket(Number(ticket[1]));
  return reason === 'Blocked' ? s.ev.reasonBlocked : reason;
}

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
  // Issue 15: an agent's wrap-up after a hand-over, and a declined offer, are the timeline's.
  'wrapped_up',
  'offer_declined',
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
      return noted(ev.transferRequested(author, target), d, s);
    case 'transfer_accepted':
      return ev.transferAccepted(author);
    case 'transfer_abandoned':
      return ev.transferAbandoned(target);
    case 'conference_requested':
      return noted(ev.conferenceRequested(author, target), d, s);
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
      const stored = str(d.reason);
      const reason = stored === null ? null : reasonText(stored, s);
      if (e.author.kind === 'system') return reason ? ev.closedSystemReason(reason) : ev.closedSystem;
      return reason ? ev.closed(author, reason) : ev.closedNoReason(author);
    }
    case 'archived':
      return ev.archived(author);
    case 'unarchived':
      return ev.unarchived(author);
    case 'bot_handoff': {
      if (str(d.agentName)) return ev.botHandoffAgent(str(d.agentName)!);
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
    // Issue 15 (flow).
    case 'transfer_declined':
      return ev.transferDeclined(author);
    case 'conference_declined':
      return ev.conferenceDeclined(author);
    case 'offer_declined':
      return ev.offerDeclined(author);
    case 'wrapped_up':
      return ev.wrappedUp[d.after === 'conference' ? 'conference' : 'transfer'](author, str(d.reason) ?? s.none);
    default:
      return ev.unknown(e.kind, author);
  }
}

/** A request's line with the sender's hand-off note, when it has one (issue 15; agents only). */
function noted(line: string, d: NonNullable<ConversationEvent['data']>, s: Strings): string {
  const note = str(d.note);
  return note ? s.ev.withNote(line, note) : line;
}

/** One line of the timeline: the event it stands for (its seq and time), its kind (`transferred`, `invited` for a folded request) and its text. */
export interface TimelineEntry {
  seq: number;
  at: number;
  kind: string;
  line: string;
}

/**
 * Issue 15: the timeline's lines. A transfer that was accepted is one line ("Ana transferred the
 * conversation to Bruno: “note”") where the log has three events (requested, accepted, assigned), and an
 * invitation that was accepted one line instead of two; each stands at the moment it was accepted. A
 * request still waiting, declined or abandoned keeps its own lines.
 */
export function timelineEntries(events: readonly ConversationEvent[], ctx: LineContext, s: Strings = defaultStrings): TimelineEntry[] {
  const folded = new Map<number, { kind: string; line: string }>();
  const skip = new Set<number>();
  const who = (a: ConversationEvent['author']) => (a.kind === 'agent' && a.id === ctx.agentId ? s.you : (a.name ?? s.agent));
  events.forEach((e, i) => {
    if (e.kind !== 'transfer_requested' && e.kind !== 'conference_requested') return;
    const kind = e.kind === 'transfer_requested' ? 'transfer' : 'conference';
    // Requests never overlap (one at a time), so the next outcome of this kind is this request's.
    const outcome = events.slice(i + 1).find((o) => o.kind.startsWith(`${kind}_`) && o.kind !== e.kind && o.kind !== 'conference_left');
    if (!outcome || (outcome.kind !== 'transfer_accepted' && outcome.kind !== 'conference_joined')) return;
    const to = outcome.author.kind === 'agent' && outcome.author.id === ctx.agentId ? s.youLower : who(outcome.author);
    const line = kind === 'transfer' ? s.ev.transferred(who(e.author), to) : s.ev.invitedJoined(who(e.author), to);
    skip.add(e.seq);
    folded.set(outcome.seq, { kind: kind === 'transfer' ? 'transferred' : 'invited', line: noted(line, e.data ?? {}, s) });
    const next = events[events.indexOf(outcome) + 1];
    if (kind === 'transfer' && next?.kind === 'assigned' && next.data?.via === 'transfer') skip.add(next.seq);
  });
  return events.flatMap((e) => (skip.has(e.seq) ? [] : [{ seq: e.seq, at: e.at, ...(folded.get(e.seq) ?? { kind: e.kind, line: eventLine(e, ctx, s) }) }]));
}

/**
 * Issue 15: the message log's notices by seq, folded as the timeline folds them (an accepted transfer is one
 * notice, not three); only the kinds the log shows (LOG_NOTICE_KINDS).
 */
export function logNotices(events: readonly ConversationEvent[], ctx: LineContext, s: Strings = defaultStrings): Map<number, TimelineEntry> {
  const shown = new Set(events.flatMap((e) => (LOG_NOTICE_KINDS.has(e.kind) ? [e.seq] : [])));
  return new Map(timelineEntries(events, ctx, s).flatMap((entry) => (shown.has(entry.seq) ? [[entry.seq, entry] as const] : [])));
}
