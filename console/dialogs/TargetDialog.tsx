/**
 * @module Transfer (SPEC R6) or conference invitation (SPEC R7): the agents and queues that can take it now
 * (GET /conversations/:id/targets, again on Reload), searchable, and an optional hand-off note for the target
 * (agents only). Issue 15: the dialog closes once the request is sent; the conversation's banner counts the
 * request down and its outcome (accepted, declined and by whom, expired) comes as a notice that is never
 * modal, so the agent goes on working meanwhile.
 */
import { useEffect, useState } from 'preact/hooks';
import type { TargetsAnswer } from '../../shared/api';
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { MAX_HANDOFF_NOTE_CHARS } from '../../shared/api';
import { api, type RequestTarget } from '../session/api';
import { Dialog } from './Dialog';
import { ErrorLine } from '../ui/ErrorLine';
import { t } from '../i18n/i18n';
import { useAction } from '../ui/use-action';

export interface TargetDialogProps {
  kind: 'transfer' | 'conference';
  conversation: ConversationSummary;
  /** Unused since issue 15 (the outcome is a notice now); kept so callers need not change. */
  events?: ConversationEvent[];
  onApplied: (summary: ConversationSummary) => void;
  onClose: () => void;
}

export function TargetDialog({ kind, conversation, onApplied, onClose }: TargetDialogProps) {
  const [targets, setTargets] = useState<TargetsAnswer | null>(null);
  const [filter, setFilter] = useState('');
  const [note, setNote] = useState('');
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
    const summary = await send.run(() => (kind === 'transfer' ? api.transfer(conversation.id, target, note) : api.invite(conversation.id, target, note)));
    if (!summary) return;
    onApplied(summary);
    onClose();
  };

  const title = kind === 'transfer' ? t.transferTitle : t.inviteTitle;
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
        <label class="handoff-note-field">
          <span>{t.fl.noteLabel}</span>
          <textarea rows={2} maxLength={MAX_HANDOFF_NOTE_CHARS} placeholder={t.fl.notePlaceholder} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          <small class="hint">{t.fl.noteHint}</small>
        </label>
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
