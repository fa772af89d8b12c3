/**
 * @module What the agent can do to the conversation on screen: Take, Transfer, Invite (conference), Leave,
 * End (wrap-up), End and create ticket, Block and end (issue 6), Priority, Labels, Requester, Archive / Unarchive, Delete (admins), Return to bot. The
 * server decides; refusals show here, inline, with their code.
 */
import { useState } from 'preact/hooks';
import type { AgentProfile, ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { api } from '../session/api';
import { BlockDialog } from '../dialogs/BlockDialog';
import { ConfirmDialog } from '../dialogs/ConfirmDialog';
import { ErrorLine } from '../ui/ErrorLine';
import { t } from '../i18n/i18n';
import { LabelsDialog } from '../dialogs/LabelsDialog';
import { allowedActions } from '../session/permissions';
import { PriorityOptions } from '../ui/PriorityOptions';
import { RequesterDialog } from '../dialogs/RequesterDialog';
import { TargetDialog } from '../dialogs/TargetDialog';
import { EndWithTicketDialog } from '../tickets/TicketsDialogs';
import { useAction } from '../ui/use-action';
import { WrapUpDialog } from '../dialogs/WrapUpDialog';

type Open = 'transfer' | 'conference' | 'wrapup' | 'requester' | 'labels' | 'delete' | 'endWithTicket' | 'block' | null;

export interface ConversationActionsProps {
  conversation: ConversationSummary;
  agent: AgentProfile;
  events: ConversationEvent[];
  onApplied: (summary: ConversationSummary) => void;
  onRemoved: (conversationId: string) => void;
  /** The wrap-up dialog is opened from elsewhere too (the "visitor ended" prompt). */
  wrapUp: boolean;
  onWrapUp: (open: boolean) => void;
}

export function ConversationActions({ conversation: c, agent, events, onApplied, onRemoved, wrapUp, onWrapUp }: ConversationActionsProps) {
  const [dialog, setDialog] = useState<Open>(null);
  const action = useAction();
  const remove = useAction();
  const can = allowedActions(c, agent);
  const run = async (fn: () => Promise<ConversationSummary>) => {
    const summary = await action.run(fn);
    if (summary) onApplied(summary);
  };
  const close = () => setDialog(null);

  return (
    <div class="actions" role="toolbar" aria-label={t.actions}>
      {can.take && (
        <button type="button" class="primary small" disabled={action.busy} onClick={() => void run(() => api.take(c.id))}>
          {c.assignedAgentId === null ? t.take : t.takeOver}
        </button>
      )}
      {can.transfer && (
        <button type="button" class="ghost" onClick={() => setDialog('transfer')}>
          {t.transfer}
        </button>
      )}
      {can.invite && (
        <button type="button" class="ghost" onClick={() => setDialog('conference')}>
          {t.invite}
        </button>
      )}
      {can.leave && (
        <button type="button" class="ghost" disabled={action.busy} onClick={() => void run(() => api.leave(c.id))}>
          {t.leave}
        </button>
      )}
      {can.end && (
        <button type="button" class="ghost strong" onClick={() => onWrapUp(true)}>
          {t.end}
        </button>
      )}
      {can.end && (
        <button type="button" class="ghost" onClick={() => setDialog('endWithTicket')}>
          {t.tk.endWithTicket}
        </button>
      )}
      {can.block && (
        <button type="button" class="ghost danger-text" onClick={() => setDialog('block')}>
          {t.sf.blockAndEnd}
        </button>
      )}
      {can.edit && (
        <label class="inline">
          <span>{t.priority}</span>
          <select value={c.priority} disabled={action.busy} onChange={(e) => void run(() => api.setPriority(c.id, Number(e.currentTarget.value)))}>
            <PriorityOptions />
          </select>
        </label>
      )}
      {can.edit && (
        <button type="button" class="ghost" onClick={() => setDialog('labels')}>
          {t.labels}
        </button>
      )}
      {can.edit && (
        <button type="button" class="ghost" onClick={() => setDialog('requester')}>
          {t.requester}
        </button>
      )}
      {can.returnToBot && (
        <button type="button" class="ghost" disabled={action.busy} onClick={() => void run(() => api.returnToBot(c.id))}>
          {t.returnToBot}
        </button>
      )}
      {can.archive && (
        <button type="button" class="ghost" disabled={action.busy} onClick={() => void run(() => api.archive(c.id))}>
          {t.archive}
        </button>
      )}
      {can.unarchive && (
        <button type="button" class="ghost" disabled={action.busy} onClick={() => void run(() => api.unarchive(c.id))}>
          {t.unarchive}
        </button>
      )}
      {can.remove && (
        <button type="button" class="ghost danger-text" onClick={() => setDialog('delete')}>
          {t.delete}
        </button>
      )}
      <ErrorLine error={action.error} />

      {(dialog === 'transfer' || dialog === 'conference') && <TargetDialog kind={dialog} conversation={c} events={events} onApplied={onApplied} onClose={close} />}
      {wrapUp && <WrapUpDialog conversation={c} onApplied={onApplied} onClose={() => onWrapUp(false)} />}
      {dialog === 'requester' && <RequesterDialog conversation={c} onApplied={onApplied} onClose={close} />}
      {dialog === 'labels' && <LabelsDialog conversation={c} onApplied={onApplied} onClose={close} />}
      {dialog === 'endWithTicket' && <EndWithTicketDialog conversation={c} onApplied={onApplied} onClose={close} />}
      {dialog === 'block' && <BlockDialog conversation={c} agent={agent} onApplied={onApplied} onClose={close} />}
      {dialog === 'delete' && (
        <ConfirmDialog
          title={t.deleteTitle}
          text={t.deleteText}
          confirm={t.delete}
          busy={remove.busy}
          error={remove.error}
          onClose={close}
          onConfirm={async () => {
            const done = await remove.run(async () => {
              await api.remove(c.id);
              return true;
            });
            if (done) {
              close();
              onRemoved(c.id);
            }
          }}
        />
      )}
    </div>
  );
}
