/**
 * @module The Tickets section (SPEC T4): the list with its filters, or one ticket. Loaded on first use in
 * its own chunk. The filters outlive a trip to another section; which ticket is open is the workspace's,
 * so the conversation panel can open one here.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AgentProfile, QueueInfo } from '../../shared/protocol';
import { api, type AgentListItem } from '../session/api';
import { isSupervisor } from '../inbox/lists';
import type { FoundEntry } from '../search/search-model';
import { TicketsDetail } from './TicketsDetail';
import { TicketsList } from './TicketsList';
import { DEFAULT_TICKET_FILTERS, type TicketFilters } from './tickets-model';
import './tickets.css';

export interface TicketsProps {
  agent: AgentProfile;
  queues: QueueInfo[];
  /** The ticket on screen, by its number or its id (issue 15: from the URL), or null for the list. */
  ticketId: string | null;
  onTicket: (ticketId: string | null) => void;
  onOpenConversation: (conversationId: string) => void;
  /** Something changed: the workspace reads its open-ticket count again. */
  onChanged: () => void;
  /** Issue 12: the entry of `ticketId` a search hit named. */
  foundEntry?: FoundEntry | null;
}

let rememberedFilters: TicketFilters = DEFAULT_TICKET_FILTERS;

export function Tickets({ agent, queues, ticketId, onTicket, onOpenConversation, onChanged, foundEntry = null }: TicketsProps) {
  const [filters, setFilters] = useState(rememberedFilters);
  const [agents, setAgents] = useState<AgentListItem[] | null>(null);
  const supervisor = isSupervisor(agent.role);

  useEffect(() => {
    // The assignee picker and filter (supervisors); an agent only assigns to itself.
    if (!supervisor) return;
    api.agents().then(setAgents, () => setAgents([]));
  }, [supervisor]);

  const changeFilters = (next: TicketFilters) => {
    rememberedFilters = next;
    setFilters(next);
  };

  return ticketId ? (
    <TicketsDetail
      key={ticketId}
      ticketId={ticketId}
      agent={agent}
      agents={agents}
      queues={queues}
      onBack={() => onTicket(null)}
      onOpenConversation={onOpenConversation}
      onChanged={onChanged}
      foundEntry={foundEntry}
    />
  ) : (
    <TicketsList agent={agent} agents={agents} filters={filters} onFilters={changeFilters} onOpen={onTicket} />
  );
}
