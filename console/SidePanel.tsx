/** @module The side of the conversation: the visitor panel and the events timeline, as two tabs. */
import { useState } from 'preact/hooks';
import type { ConversationEvent, ConversationSummary, QueueInfo } from '../shared/protocol';
import { t, visitorLabel } from './i18n';
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
}

export function SidePanel({ conversation, agentId, queues, events, hasMore, onLoadOlder, onOpen }: SidePanelProps) {
  const [tab, setTab] = useState<'visitor' | 'events'>('visitor');
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
      </div>
      <div id="side-panel" role="tabpanel" aria-labelledby={`side-${tab}`}>
        {tab === 'visitor' ? <VisitorPanel conversation={conversation} onOpen={onOpen} /> : <Timeline events={events} hasMore={hasMore} line={line} onLoadOlder={onLoadOlder} />}
      </div>
    </aside>
  );
}
