/** @module The side of the conversation: the visitor panel, the events timeline and its tickets, as tabs. */
import { useState } from 'preact/hooks';
import type { ConversationEvent, ConversationSummary, QueueInfo } from '../../shared/protocol';
import { t, visitorLabel } from '../i18n/i18n';
import { TicketsPanel } from '../tickets/TicketsPanel';
import { Timeline } from './Timeline';
import { VisitorPanel } from './VisitorPanel';

export interface SidePanelProps {
  conversation: ConversationSummary;
  agentId: string;
  queues: QueueInfo[];
  events: ConversationEvent[];
  hasMore: boolean;
  onLoadOlder: () => void;
  onOpen: (conversationId: string, summary: ConversationSummary) => void;
  onOpenTicket: (ticketId: string) => void;
}

export function SidePanel({ conversation, agentId, queues, events, hasMore, onLoadOlder, onOpen, onOpenTicket }: SidePanelProps) {
  const [tab, setTab] = useState<'visitor' | 'events' | 'tickets'>('visitor');
  const line = { agentId, visitor: visitorLabel(conversation.visitorId, conversation.visitorName), queueName: (id: string) => queues.find((q) => q.id === id)?.name ?? null };
  return (
    <aside class="side" aria-label={t.details}>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" id="side-visitor" aria-selected={tab === 'visitor'} aria-controls="side-panel" class={`tab${tab === 'visitor' ? ' current' : ''}`} onClick={() => setTab('visitor')}>
          {t.visitorPanel}
        </button>
        <button type="button" role="tab" id="side-events" aria-selected={tab === 'events'} aria-controls="side-panel" class={`tab${tab === 'events' ? ' current' : ''}`} onClick={() => setTab('events')}>
          {t.timeline}
        </button>
        <button type="button" role="tab" id="side-tickets" aria-selected={tab === 'tickets'} aria-controls="side-panel" class={`tab${tab === 'tickets' ? ' current' : ''}`} onClick={() => setTab('tickets')}>
          {t.tk.panelTab}
        </button>
      </div>
      <div id="side-panel" role="tabpanel" aria-labelledby={`side-${tab}`}>
        {tab === 'visitor' ? (
          <VisitorPanel conversation={conversation} onOpen={onOpen} />
        ) : tab === 'events' ? (
          <Timeline events={events} hasMore={hasMore} line={line} onLoadOlder={onLoadOlder} />
        ) : (
          <TicketsPanel conversation={conversation} events={events} onOpenTicket={onOpenTicket} />
        )}
      </div>
    </aside>
  );
}
