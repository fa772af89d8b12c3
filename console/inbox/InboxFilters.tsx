import type { QueueInfo } from '../../shared/protocol';
import { t } from '../i18n/i18n';
import type { Filters } from './lists';
import { PriorityOptions } from '../ui/PriorityOptions';

export interface InboxFiltersProps {
  queues: QueueInfo[];
  labels: string[];
  filters: Filters;
  onFilters: (filters: Filters) => void;
  /** Others: conversations per agent, which also filter by agent. */
  byAgent: Array<{ agentId: string; name: string | null; count: number }> | null;
}

export function InboxFilters({ queues, labels, filters, onFilters, byAgent }: InboxFiltersProps) {
  const set = (patch: Partial<Filters>) => onFilters({ ...filters, ...patch });
  const active = filters.queueId !== null || filters.priority !== null || filters.label !== null || filters.agentId !== null;
  return (
    <div class="filters" role="group" aria-label={t.filters}>
      <label>
        <span class="sr-only">{t.filterQueue}</span>
        <select value={filters.queueId ?? ''} onChange={(e) => set({ queueId: e.currentTarget.value || null })}>
          <option value="">{t.allQueues}</option>
          {queues.map((q) => (
            <option key={q.id} value={q.id}>
              {q.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="sr-only">{t.filterPriority}</span>
        <select value={filters.priority ?? ''} onChange={(e) => set({ priority: e.currentTarget.value === '' ? null : Number(e.currentTarget.value) })}>
          <option value="">{t.allPriorities}</option>
          <PriorityOptions />
        </select>
      </label>
      <label>
        <span class="sr-only">{t.filterLabel}</span>
        <select value={filters.label ?? ''} onChange={(e) => set({ label: e.currentTarget.value || null })}>
          <option value="">{t.allLabels}</option>
          {[...new Set([...labels, ...(filters.label ? [filters.label] : [])])].map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </label>
      {active && (
        <button type="button" class="link" onClick={() => onFilters({ queueId: null, priority: null, label: null, agentId: null })}>
          {t.clearFilters}
        </button>
      )}
      {byAgent && (
        <div class="by-agent" role="group" aria-label={t.filterAgent}>
          <button type="button" class={`chip${filters.agentId === null ? ' on' : ''}`} aria-pressed={filters.agentId === null} onClick={() => set({ agentId: null })}>
            {t.everyone}
          </button>
          {byAgent.map((a) => (
            <button
              key={a.agentId}
              type="button"
              class={`chip${filters.agentId === a.agentId ? ' on' : ''}`}
              aria-pressed={filters.agentId === a.agentId}
              onClick={() => set({ agentId: filters.agentId === a.agentId ? null : a.agentId })}
            >
              {a.agentId === '' ? t.nobody : (a.name ?? a.agentId)} <span class="count">{a.count}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
