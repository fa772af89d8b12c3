/**
 * @module Transfer (SPEC R6) or conference invitation (SPEC R7): the agents and queues that can take it now
 * (GET /conversations/:id/targets, again on Reload), searchable; then the request's pending state with its
 * countdown, and its outcome: accepted, or abandoned (the conversation stays here).
 */
import { useEffect, useState } from 'preact/hooks';
import type { TargetsAnswer } from '../../shared/api';
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { api, type RequestTarget } from '../session/api';
import { Countdown } from '../ui/Countdown';
import { Dialog } from './Dialog';
import { ErrorLine } from '../ui/ErrorLine';
import { t } from '../i18n/i18n';
import { useAction } from '../ui/use-action';

export interface TargetDialogProps {
  kind: 'transfer' | 'conference';
  conversation: ConversationSummary;
  events: ConversationEvent[];
  onApplied: (summary: ConversationSummary) => void;
  onClose: () => void;
}

export function TargetDialog({ kind, conversation, events, onApplied, onClose }: TargetDialogProps) {
  const [targets, setTargets] = useState<TargetsAnswer | null>(null);
  const [filter, setFilter] = useState('');
  /** The sequence the request was made at: outcomes after it are this request's. */
  const [sentAt, setSentAt] = useState<number | null>(null);
  const load = useAction();
  const send = useAction();

  const reload = async () => {
    const answer = await load.run(() => api.targets(conversation.id));
    if (answer) setTargets(answer);
  };
  useEffect(() => {
    void reload();
  }, [conversation.id]);

  const request = async (target: RequestTarget) => {
    const summary = await send.run(() => (kind === 'transfer' ? api.transfer(conversation.id, target) : api.invite(conversation.id, target)));
    if (!summary) return;
    setSentAt(summary.lastSeq);
    onApplied(summary);
  };

  const title = kind === 'transfer' ? t.transferTitle : t.inviteTitle;
  if (sentAt !== null) {
    const outcome = events.find((e) => e.seq > sentAt && e.kind.startsWith(kind) && !e.kind.endsWith('_requested'));
    const pending = conversation.request;
    return (
      <Dialog title={title} onClose={onClose}>
        <div class="dialog-body" aria-live="polite">
          {pending && !outcome ? (
            <p class="pending">
              {t.requestPending(pending.toName)} <Countdown until={pending.expiresAt} />
            </p>
          ) : outcome?.kind.endsWith('_abandoned') ? (
            <p class="error">{kind === 'transfer' ? t.transferAbandoned : t.inviteAbandoned}</p>
          ) : (
            <p>{kind === 'transfer' ? t.transferDone : t.inviteDone}</p>
          )}
        </div>
        <footer class="dialog-foot">
          <button type="button" class="primary" onClick={onClose}>
            {t.close}
          </button>
        </footer>
      </Dialog>
    );
  }

  const match = (name: string) => name.toLocaleLowerCase().includes(filter.trim().toLocaleLowerCase());
  const agents = targets?.agents.filter((a) => match(a.name)) ?? [];
  const queues = targets?.queues.filter((q) => match(q.name)) ?? [];
  return (
    <Dialog title={title} onClose={onClose} class="targets">
      <div class="dialog-body">
        <div class="search-row">
          <label>
            <span class="sr-only">{t.search}</span>
            <input type="search" placeholder={t.searchTargets} value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          </label>
          <button type="button" class="ghost" onClick={() => void reload()} disabled={load.busy}>
            {load.busy ? t.loading : t.reload}
          </button>
        </div>
        <ErrorLine error={load.error} />
        <h3>{t.queues}</h3>
        {queues.length === 0 ? (
          <p class="none">{t.noQueuesAvailable}</p>
        ) : (
          <ul class="pick-list">
            {queues.map((q) => (
              <li key={q.id}>
                <button type="button" class="pick" disabled={send.busy} onClick={() => void request({ queueId: q.id })}>
                  <strong>{q.name}</strong> <span class="meta">{t.availableAgents(q.available)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <h3>{t.agents}</h3>
        {agents.length === 0 ? (
          <p class="none">{t.noAgentsAvailable}</p>
        ) : (
          <ul class="pick-list">
            {agents.map((a) => (
              <li key={a.id}>
                <button type="button" class="pick" disabled={send.busy} onClick={() => void request({ agentId: a.id })}>
                  <strong>{a.name}</strong> <span class="meta">{t.load(a.load, a.capacity)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <ErrorLine error={send.error} />
      </div>
    </Dialog>
  );
}
