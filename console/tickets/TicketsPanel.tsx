/**
 * @module The conversation's tickets in its side panel (Cosmo Desk "Chamados": the ones opened on this
 * chat, GET /tickets?conversation=id), and "New ticket" to add one (SPEC T3). A ticket opens in the
 * Tickets section.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Ticket } from '../../shared/api';
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { api, query } from '../session/api';
import { ErrorLine } from '../ui/ErrorLine';
import { clock, dayTime, t } from '../i18n/i18n';
import { PriorityBadge } from '../ui/PriorityBadge';
import { NewTicketDialog } from './TicketsDialogs';
import { shortWhen, statusName, typeName } from './tickets-model';
import { useAction } from '../ui/use-action';

export interface TicketsPanelProps {
  conversation: ConversationSummary;
  /** The conversation's events: a new ticket_created reads the list again. */
  events: ConversationEvent[];
  /** By its number (issue 15: the URL /console/tickets/:n). */
  onOpenTicket: (ticketNumber: string) => void;
}

export function TicketsPanel({ conversation: c, events, onOpenTicket }: TicketsPanelProps) {
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [reads, setReads] = useState(0);
  const load = useAction();
  const created = events.filter((e) => e.kind === 'ticket_created').length;

  useEffect(() => {
    let current = true;
    void load.run(() => api.tickets(query({ conversation: c.id, limit: 50 }))).then((list) => current && list && setTickets(list));
    return () => {
      current = false;
    };
  }, [c.id, created, c.status, reads]);

  const now = Date.now();
  return (
    <section class="tickets-panel" aria-label={t.tk.panelTab} aria-busy={load.busy}>
      <div class="tickets-panel-head">
        <button type="button" class="ghost small" onClick={() => setAdding(true)}>
          + {t.tk.newTicket}
        </button>
      </div>
      <ErrorLine error={load.error} />
      {tickets === null ? (
        load.busy && <p class="none">{t.loading}</p>
      ) : tickets.length === 0 ? (
        <p class="none">{t.tk.noneForConversation}</p>
      ) : (
        <ul class="previous">
          {tickets.map((k) => (
            <li key={k.id}>
              <button type="button" class="link-row" onClick={() => onOpenTicket(String(k.number))} aria-label={t.tk.open(k.number, k.subject)}>
                <span class="row">
                  <strong class="ticket-title">
                    #{k.number} {k.subject}
                  </strong>
                  <time class="elapsed" dateTime={new Date(k.updatedAt).toISOString()}>
                    {shortWhen(k.updatedAt, now, { clock, dayTime })}
                  </time>
                </span>
                <span class="ticket-tags">
                  <span class={`ticket-status s-${k.status}`}>{statusName(k.status)}</span>
                  <span class="tag">{typeName(k.type)}</span>
                  {k.priority !== 1 && <PriorityBadge priority={k.priority} />}
                  {k.assigneeName && <span class="tag">{k.assigneeName}</span>}
                </span>
                {k.description && <span class="preview">{k.description}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      {adding && <NewTicketDialog conversation={c} onCreated={() => setReads((n) => n + 1)} onClose={() => setAdding(false)} />}
    </section>
  );
}
