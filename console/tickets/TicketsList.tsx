/**
 * @module The ticket list: filters (status, open and pending by default; type; priority; assignee, "mine"
 * or, for supervisors, any agent) and a search box, then a table newest update first (GET /tickets). Read
 * again every 30 s while on screen, and on demand.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { TICKET_TYPES, type Ticket, type TicketType } from '../../shared/api';
import type { AgentProfile } from '../../shared/protocol';
import { api, type AgentListItem } from '../session/api';
import { ErrorLine } from '../ui/ErrorLine';
import { clock, dayTime, t } from '../i18n/i18n';
import { Options } from '../ui/Options';
import { PriorityBadge } from '../ui/PriorityBadge';
import { PriorityOptions } from '../ui/PriorityOptions';
import {
  DEFAULT_TICKET_FILTERS,
  filtersActive,
  requesterLabel,
  shortWhen,
  STATUS_FILTERS,
  statusName,
  mergeTickets,
  TICKET_PAGE,
  ticketQueries,
  typeName,
  type StatusFilter,
  type TicketFilters,
} from './tickets-model';
import { useAction } from '../ui/use-action';

const REFRESH_MS = 30_000;
const SEARCH_PAUSE_MS = 300;

export interface TicketsListProps {
  agent: AgentProfile;
  /** Every agent (supervisors), or null. */
  agents: AgentListItem[] | null;
  filters: TicketFilters;
  onFilters: (filters: TicketFilters) => void;
  /** Opens a ticket by its number (issue 15: its URL is /console/tickets/:n). */
  onOpen: (ticketNumber: string) => void;
}

export function TicketsList({ agent, agents, filters, onFilters, onOpen }: TicketsListProps) {
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [search, setSearch] = useState(filters.q);
  const [reads, setReads] = useState(0);
  const load = useAction();
  const generation = useRef(0);
  // The newest filters, for the search's timer: a select changed meanwhile is kept.
  const latest = useRef(filters);
  latest.current = filters;
  const set = (patch: Partial<TicketFilters>) => onFilters({ ...latest.current, ...patch });
  const queries = ticketQueries(filters, agent.id);
  const key = queries.join(' ');

  useEffect(() => {
    const mine = ++generation.current;
    void load.run(async () => mergeTickets(await Promise.all(queries.map((q) => api.tickets(q))))).then((list) => {
      if (list && mine === generation.current) setTickets(list);
    });
  }, [key, reads]);

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setReads((n) => n + 1);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  // The search goes out once typing pauses.
  useEffect(() => {
    if (search === filters.q) return;
    const timer = setTimeout(() => set({ q: search }), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const now = Date.now();
  const active = filtersActive(filters);
  return (
    <section class="tickets" aria-labelledby="tickets-title">
      <header class="tickets-head">
        <h1 id="tickets-title">{t.tk.section}</h1>
        <button type="button" class="ghost" disabled={load.busy} onClick={() => setReads((n) => n + 1)}>
          {t.reload}
        </button>
      </header>
      <form
        class="ticket-filters"
        role="search"
        aria-label={t.filters}
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: search });
        }}
      >
        <label class="ticket-search">
          <span class="sr-only">{t.tk.search}</span>
          <input type="search" placeholder={t.tk.searchPlaceholder} value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <label>
          <span class="sr-only">{t.tk.filterStatus}</span>
          <select value={filters.status} onChange={(e) => set({ status: e.currentTarget.value as StatusFilter })}>
            <Options values={STATUS_FILTERS} name={(s) => t.tk.statusFilters[s]} />
          </select>
        </label>
        <label>
          <span class="sr-only">{t.tk.filterType}</span>
          <select value={filters.type ?? ''} onChange={(e) => set({ type: (e.currentTarget.value || null) as TicketType | null })}>
            <option value="">{t.tk.allTypes}</option>
            <Options values={TICKET_TYPES} name={typeName} />
          </select>
        </label>
        <label>
          <span class="sr-only">{t.tk.filterPriority}</span>
          <select value={filters.priority ?? ''} onChange={(e) => set({ priority: e.currentTarget.value === '' ? null : Number(e.currentTarget.value) })}>
            <option value="">{t.tk.allPriorities}</option>
            <PriorityOptions />
          </select>
        </label>
        <label>
          <span class="sr-only">{t.tk.filterAssignee}</span>
          <select value={filters.assignee ?? ''} onChange={(e) => set({ assignee: e.currentTarget.value || null })}>
            <option value="">{t.tk.anyAssignee}</option>
            <option value="me">{t.tk.mine}</option>
            {(agents ?? [])
              .filter((a) => a.id !== agent.id)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
          </select>
        </label>
        {active && (
          <button
            type="button"
            class="link"
            onClick={() => {
              setSearch('');
              onFilters(DEFAULT_TICKET_FILTERS);
            }}
          >
            {t.clearFilters}
          </button>
        )}
      </form>
      <ErrorLine error={load.error} />
      {tickets === null ? (
        load.busy && <p class="none">{t.loading}</p>
      ) : tickets.length === 0 ? (
        <p class="none">{active ? t.tk.noneMatch : t.tk.none}</p>
      ) : (
        <div class="ticket-table-wrap">
          <table class="ticket-table" aria-busy={load.busy}>
            <thead>
              <tr>
                <th scope="col" class="num">
                  {t.tk.colNumber}
                </th>
                <th scope="col">{t.tk.colSubject}</th>
                <th scope="col" class="c-requester">
                  {t.tk.colRequester}
                </th>
                <th scope="col">{t.tk.colStatus}</th>
                <th scope="col">{t.tk.colPriority}</th>
                <th scope="col" class="c-type">
                  {t.tk.colType}
                </th>
                <th scope="col" class="c-assignee">
                  {t.tk.colAssignee}
                </th>
                <th scope="col" class="c-updated">
                  {t.tk.colUpdated}
                </th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((k) => (
                <tr key={k.id} class={`s-${k.status}`} onClick={() => onOpen(String(k.number))}>
                  <td class="num">#{k.number}</td>
                  <td class="c-subject">
                    <button
                      type="button"
                      class="row-link"
                      onClick={(e) => {
                        e.stopPropagation();
                        onOpen(String(k.number));
                      }}
                    >
                      {k.subject}
                    </button>
                  </td>
                  <td class="c-requester">
                    <span class="requester-name">{requesterLabel(k.requester)}</span>
                    {k.requester.name && k.requester.email && <span class="requester-email">{k.requester.email}</span>}
                  </td>
                  <td>
                    <span class={`ticket-status s-${k.status}`}>{statusName(k.status)}</span>
                  </td>
                  <td>
                    <PriorityBadge priority={k.priority} />
                  </td>
                  <td class="c-type">{typeName(k.type)}</td>
                  <td class="c-assignee">
                    {k.assigneeId === null ? (
                      <span class="muted">{t.tk.unassigned}</span>
                    ) : k.assigneeId === agent.id ? (
                      t.you
                    ) : (
                      (k.assigneeName ?? t.agent)
                    )}
                  </td>
                  <td class="c-updated">
                    <time dateTime={new Date(k.updatedAt).toISOString()} title={dayTime.format(k.updatedAt)}>
                      {shortWhen(k.updatedAt, now, { clock, dayTime })}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {tickets.length >= TICKET_PAGE && <p class="none">{t.tk.more(tickets.length)}</p>}
        </div>
      )}
    </section>
  );
}
