/**
 * @module The supervisor board (SPEC R1): per queue the waiting conversations, the longest wait and the
 * agents who could take one; per agent the state and time in it, the conversations held against capacity,
 * and a control to set the agent Available or Unavailable. Picking an agent filters the Others list.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AgentPresence, ConversationSummary, QueueInfo } from '../../shared/protocol';
import { adminApi } from './admin-api';
import { agentRows, formatDuration, queueRows, type AgentRow } from './board';
import { useNow } from './hooks';
import { errorText, t } from './i18n';
import { InlineError } from './ui';
import './admin.css';

export interface SupervisorBoardProps {
  presence: AgentPresence[];
  conversations: ConversationSummary[];
  onPickAgent(agentId: string | null): void;
  onSetState(agentId: string, state: 'available' | 'unavailable'): void;
  /**
   * The queues of the welcome frame, when the caller has them; without them the board asks GET /queues
   * once. Optional so the agreed props still suffice.
   */
  queues?: QueueInfo[];
}

export function SupervisorBoard({ presence, conversations, onPickAgent, onSetState, queues }: SupervisorBoardProps) {
  const [fetched, setFetched] = useState<QueueInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (queues) return;
    let live = true;
    adminApi.queues().then(
      (list) => live && setFetched(list),
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [queues === undefined]);

  const now = useNow(1_000);
  const [picked, setPicked] = useState<string | null>(null);
  const [queueFilter, setQueueFilter] = useState<string>('');
  const known = queues ?? fetched ?? [];
  const queueList = queueRows(known, presence, conversations, now);
  const rows = agentRows(presence, conversations, now, queueFilter || null);
  const pickedName = presence.find((a) => a.id === picked)?.name ?? null;

  const pick = (agentId: string | null) => {
    setPicked(agentId);
    onPickAgent(agentId);
  };

  return (
    <section class="adm adm-board" aria-labelledby="adm-board-title">
      <h2 id="adm-board-title" class="adm-board-title">
        {t.board}
      </h2>
      <InlineError message={error} />
      <div class="adm-table-wrap">
        <table class="adm-table compact">
          <thead>
            <tr>
              <th scope="col">{t.queue}</th>
              <th scope="col" class="adm-num">
                {t.waitingCount}
              </th>
              <th scope="col" class="adm-num">
                <abbr title={t.longestWaitLong}>{t.longestWait}</abbr>
              </th>
              <th scope="col" class="adm-num">
                <abbr title={t.availableAgentsLong}>{t.availableAgents}</abbr>
              </th>
            </tr>
          </thead>
          <tbody>
            {queueList.map((q) => (
              <tr key={q.id ?? '-'} class={q.waiting > 0 && q.available === 0 ? 'adm-alarm' : undefined}>
                <th scope="row">{q.name ?? t.noQueueRow}</th>
                <td class="adm-num">{q.waiting}</td>
                <td class="adm-num">{q.longestWaitMs === null ? '—' : formatDuration(q.longestWaitMs)}</td>
                <td class="adm-num">{q.id === null ? '—' : `${q.available} / ${q.connected}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div class="adm-toolbar">
        <label class="adm-inline-label">
          {t.showQueue}{' '}
          <select value={queueFilter} onChange={(e) => setQueueFilter(e.currentTarget.value)}>
            <option value="">{t.allQueues}</option>
            {known.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {pickedName !== null && (
        <p class="adm-filtering" role="status">
          {t.filteringBy(pickedName)}{' '}
          <button type="button" class="adm-link" onClick={() => pick(null)}>
            {t.clearFilter}
          </button>
        </p>
      )}
      <AgentGroup title={t.connected} rows={rows.filter((r) => r.connected)} picked={picked} onPick={pick} onSetState={onSetState} />
      <AgentGroup title={t.disconnected} rows={rows.filter((r) => !r.connected)} picked={picked} onPick={pick} onSetState={onSetState} />
    </section>
  );
}

interface AgentGroupProps {
  title: string;
  rows: AgentRow[];
  picked: string | null;
  onPick: (agentId: string | null) => void;
  onSetState: (agentId: string, state: 'available' | 'unavailable') => void;
}

function AgentGroup({ title, rows, picked, onPick, onSetState }: AgentGroupProps) {
  return (
    <>
      <h3 class="adm-group">
        {title} <span class="adm-count">{rows.length}</span>
      </h3>
      {rows.length === 0 ? (
        <p class="adm-muted">{t.nobody}</p>
      ) : (
        <ul class="adm-agents">
          {rows.map((a) => (
            <li key={a.id} class={`adm-agent${a.id === picked ? ' current' : ''}`}>
              <button
                type="button"
                class="adm-agent-pick"
                aria-pressed={a.id === picked}
                title={t.pickAgent(a.name)}
                onClick={() => onPick(a.id === picked ? null : a.id)}
              >
                <span class="adm-agent-name">{a.name}</span>
                <span class={`adm-state ${a.state}`}>
                  <span class="adm-dot" aria-hidden="true" />
                  {a.neverSignedIn ? `${t.states.offline} · ${t.neverSignedIn}` : t.inState(t.states[a.state], formatDuration(a.inStateMs))}
                </span>
                <span class={`adm-load${a.full ? ' full' : ''}`}>
                  {t.conversations}: {a.conversations} / {a.capacity}
                  {a.full && ` · ${t.full}`}
                </span>
              </button>
              {a.connected && (
                <span class="adm-steer" role="group" aria-label={t.steer(a.name)}>
                  <button type="button" class="adm-seg" aria-pressed={a.state === 'available'} onClick={() => a.state !== 'available' && onSetState(a.id, 'available')}>
                    {t.setAvailable}
                  </button>
                  <button type="button" class="adm-seg" aria-pressed={a.state === 'unavailable'} onClick={() => a.state !== 'unavailable' && onSetState(a.id, 'unavailable')}>
                    {t.setUnavailable}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
