/**
 * @module The conversation lists as tabs with live counts: New, Mine, Others (supervisors and admins) and
 * the Closed and Archived lists read from the server a page at a time (Load more, issue 12); filters by queue,
 * priority, label and (Others) agent.
 */
import type { AgentRole, ConversationSummary, QueueInfo } from '../../shared/protocol';
import { ConversationItem } from './ConversationItem';
import { InboxFilters } from './InboxFilters';
import { t } from '../i18n/i18n';
import { countByAgent, isSupervisor, labelsIn, matches, tabCount, type Filters, type ListId, type Lists, type LiveList } from './lists';
import { useClosedList } from './use-closed-list';

export interface InboxProps {
  agentId: string;
  role: AgentRole;
  lists: Lists;
  unread: ReadonlySet<string>;
  unreadCounts: Record<LiveList, number>;
  queues: QueueInfo[];
  currentId: string | null;
  tab: ListId;
  onTab: (tab: ListId) => void;
  filters: Filters;
  onFilters: (filters: Filters) => void;
  onOpen: (conversationId: string, summary?: ConversationSummary) => void;
  /** Changes after which the stored lists are read again. */
  changes: number;
}

/** Ids kept from the first console (tests and bookmarks find the New and Mine lists by them). */
const HEADING_ID: Record<ListId, string> = { new: 'inbox-waiting', mine: 'inbox-open', others: 'inbox-others', closed: 'inbox-closed', archived: 'inbox-archived' };

export function Inbox(props: InboxProps) {
  const { role, lists, unread, unreadCounts, queues, currentId, tab, onTab, filters, onFilters, onOpen, agentId } = props;
  const tabs: ListId[] = isSupervisor(role) ? ['new', 'mine', 'others', 'closed', 'archived'] : ['new', 'mine', 'closed', 'archived'];
  const tabName: Record<ListId, string> = { new: t.listNew, mine: t.listMine, others: t.listOthers, closed: t.listClosed, archived: t.listArchived };
  const live = tab === 'new' || tab === 'mine' || tab === 'others';
  const stored = useClosedList(live ? null : tab, filters, props.changes);
  const all = live ? lists[tab] : stored.conversations;
  const shown = live ? all.filter((c) => matches(c, tab === 'others' ? filters : { ...filters, agentId: null })) : all;
  const labels = labelsIn([...lists.new, ...lists.mine, ...lists.others, ...stored.conversations]);
  const queueName = (id: string | null) => queues.find((q) => q.id === id)?.name ?? null;

  const tabButton = (id: ListId) => {
    const count = id === 'new' || id === 'mine' || id === 'others' ? tabCount(lists[id].length, unreadCounts[id]) : null;
    return (
      <button
        key={id}
        type="button"
        role="tab"
        id={`tab-${id}`}
        aria-selected={tab === id}
        aria-controls="inbox-panel"
        class={`tab${tab === id ? ' current' : ''}`}
        onClick={() => onTab(id)}
      >
        {tabName[id]}
        {count?.kind === 'size' && <span class="count">{count.n}</span>}
        {count?.kind === 'unread' && (
          <span class="unread-count" aria-label={t.unreadCount(count.n)}>
            {count.n}
          </span>
        )}
      </button>
    );
  };

  return (
    <nav class="inbox" aria-label={t.conversations}>
      <div class="tabs" role="tablist" aria-label={t.lists}>
        {tabs.map((id) => {
          // Closed and Archived start a second row: the stored lists, read from the server.
          if (id === 'closed') return [<span key="break" class="tab-break" aria-hidden="true" />, tabButton(id)];
          return tabButton(id);
        })}
      </div>
      <InboxFilters queues={queues} labels={labels} filters={filters} onFilters={onFilters} byAgent={tab === 'others' ? countByAgent(all) : null} />
      <section id="inbox-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        <h2 id={HEADING_ID[tab]} class="sr-only">
          {tabName[tab]}
        </h2>
        {!live && (
          <div class="list-tools">
            <button type="button" class="link" onClick={stored.reload} disabled={stored.loading}>
              {stored.loading ? t.loading : t.reload}
            </button>
            {stored.error && (
              <p class="error" role="alert">
                {stored.error}
              </p>
            )}
          </div>
        )}
        {shown.length === 0 ? (
          <p class="none">{live && all.length > 0 ? t.noneMatch : { new: t.noneNew, mine: t.noneMine, others: t.noneOthers, closed: t.noneClosed, archived: t.noneArchived }[tab]}</p>
        ) : (
          <ul>
            {shown.map((c) => (
              <li key={c.id}>
                <ConversationItem
                  conversation={c}
                  list={tab}
                  agentId={agentId}
                  current={c.id === currentId}
                  unread={unread.has(c.id)}
                  queueName={queueName(c.queueId)}
                  onOpen={() => onOpen(c.id, live ? undefined : c)}
                />
              </li>
            ))}
          </ul>
        )}
        {!live && stored.loadMore && (
          <div class="list-tools more">
            <button type="button" class="link" onClick={stored.loadMore} disabled={stored.loading}>
              {stored.loading ? t.loading : t.loadMore}
            </button>
          </div>
        )}
      </section>
    </nav>
  );
}
