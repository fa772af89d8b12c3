/** @module Which panel the chat window shows below the messages, from the session's view. */
import { isOver, type VisitorView } from './view';

/**
 * Issue 15: the current conversation became a ticket (SPEC T2, T3): it stays on screen, and what the
 * visitor writes in it goes to the ticket.
 */
export const ticketed = (view: Pick<VisitorView, 'status' | 'events'>): boolean => isOver(view) && view.events.some((e) => e.kind === 'ticket_created');

/**
 * What the window shows below the messages: once the visitor is blocked (close 4004), only that the chat
 * has ended; the end panel once the conversation is over; the composer when it became a ticket (issue 15:
 * the thread goes on as the ticket's); the leave-a-message form when nobody can answer and the visitor
 * has no open conversation (SPEC T1), else the composer. A message still on its way keeps the composer, so
 * nothing the visitor wrote is hidden.
 */
export function panelOf(
  view: Pick<VisitorView, 'conversationId' | 'status' | 'events' | 'outbox' | 'site' | 'blocked'> & Partial<Pick<VisitorView, 'refused'>>,
): 'composer' | 'form' | 'end' | 'blocked' | 'login' {
  if (view.blocked) return 'blocked';
  // SPEC W6: a strict site, or a proof refused: only the site's sign-in can start a chat.
  if (view.refused) return 'login';
  const over = isOver(view) && !ticketed(view);
  if (view.conversationId && over) return 'end';
  const open = view.conversationId !== null && !over;
  if (!open && view.site?.online === false && !view.outbox.some((o) => !o.failed)) return 'form';
  return 'composer';
}
