/**
 * @module What the agent can do to the conversation on screen (issue 15): two or three buttons in view
 * (Take, Transfer, End; Reopen once closed) and a "More" menu for the rest: Resolve (close and archive,
 * SPEC R8a), Reopen and transfer (R8b), Conference, Leave, End with ticket, Return to bot (sites with a
 * bot), Labels, Requester, Priority, Archive / Unarchive, and, set apart at its bottom, Block and end and
 * Delete. action-bar.ts decides which is where; the server decides, and refusals show here, in words.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgentProfile, ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { api } from '../session/api';
import { BlockDialog } from '../dialogs/BlockDialog';
import { ConfirmDialog } from '../dialogs/ConfirmDialog';
import { ErrorLine } from '../ui/ErrorLine';
import { PRIORITY_VALUES, priorityName, t } from '../i18n/i18n';
import { LabelsDialog } from '../dialogs/LabelsDialog';
import { RequesterDialog } from '../dialogs/RequesterDialog';
import { TargetDialog } from '../dialogs/TargetDialog';
import { EndWithTicketDialog } from '../tickets/TicketsDialogs';
import { useAction } from '../ui/use-action';
import { WrapUpDialog } from '../dialogs/WrapUpDialog';
import { siteFacts, useFacts } from '../session/facts';
import { actionBar, type ActionId } from './action-bar';

type Open = 'transfer' | 'conference' | 'resolve' | 'requester' | 'labels' | 'delete' | 'endWithTicket' | 'block' | null;

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

function label(id: ActionId, c: ConversationSummary): string {
  switch (id) {
    case 'take':
      return c.assignedAgentId === null ? t.take : t.takeOver;
    case 'transfer':
      return t.transfer;
    case 'end':
      return t.end;
    case 'reopen':
      return t.cv.reopen;
    case 'resolve':
      return t.cv.resolve;
    case 'reopenTransfer':
      return t.cv.reopenTransfer;
    case 'invite':
      return t.invite;
    case 'leave':
      return t.leave;
    case 'endWithTicket':
      return t.tk.endWithTicket;
    case 'returnToBot':
      return t.returnToBot;
    case 'labels':
      return t.labels;
    case 'requester':
      return t.requester;
    case 'archive':
      return t.archive;
    case 'unarchive':
      return t.unarchive;
    case 'block':
      return t.sf.blockAndEnd;
    case 'delete':
      return t.delete;
  }
}

export function ConversationActions({ conversation: c, agent, events, onApplied, onRemoved, wrapUp, onWrapUp }: ConversationActionsProps) {
  const [dialog, setDialog] = useState<Open>(null);
  const action = useAction();
  const remove = useAction();
  const facts = useFacts();
  const bar = actionBar(c, agent, siteFacts(facts, c.siteId));
  const run = async (fn: () => Promise<ConversationSummary>) => {
    const summary = await action.run(fn);
    if (summary) onApplied(summary);
    return summary;
  };
  const close = () => setDialog(null);

  const act = (id: ActionId) => {
    switch (id) {
      case 'take':
        return void run(() => api.take(c.id));
      case 'transfer':
        return setDialog('transfer');
      case 'end':
        return onWrapUp(true);
      case 'reopen':
        return void run(() => api.reopen(c.id));
      case 'resolve':
        return setDialog('resolve');
      case 'reopenTransfer':
        // R8b: reopened first (held by this agent), then the usual transfer (R6).
        return void run(() => api.reopen(c.id)).then((s) => s && setDialog('transfer'));
      case 'invite':
        return setDialog('conference');
      case 'leave':
        return void run(() => api.leave(c.id));
      case 'endWithTicket':
        return setDialog('endWithTicket');
      case 'returnToBot':
        return void run(() => api.returnToBot(c.id));
      case 'labels':
        return setDialog('labels');
      case 'requester':
        return setDialog('requester');
      case 'archive':
        return void run(() => api.archive(c.id));
      case 'unarchive':
        return void run(() => api.unarchive(c.id));
      case 'block':
        return setDialog('block');
      case 'delete':
        return setDialog('delete');
    }
  };

  const hasMenu = bar.menu.length > 0 || bar.priority || bar.danger.length > 0;
  return (
    <div class="actions" role="toolbar" aria-label={t.actions}>
      {bar.primary.map((id) => (
        <button
          key={id}
          type="button"
          data-action={id}
          class={id === 'take' || id === 'reopen' ? 'primary small' : id === 'end' ? 'ghost strong' : 'ghost'}
          disabled={action.busy && (id === 'take' || id === 'reopen')}
          onClick={() => act(id)}
        >
          {label(id, c)}
        </button>
      ))}
      {hasMenu && (
        <MoreMenu
          items={bar.menu.map((id) => ({ id, label: label(id, c) }))}
          danger={bar.danger.map((id) => ({ id, label: label(id, c) }))}
          priority={bar.priority ? c.priority : null}
          busy={action.busy}
          onPick={act}
          onPriority={(p) => void run(() => api.setPriority(c.id, p))}
        />
      )}
      <ErrorLine error={action.error} />

      {(dialog === 'transfer' || dialog === 'conference') && <TargetDialog kind={dialog} conversation={c} events={events} onApplied={onApplied} onClose={close} />}
      {wrapUp && <WrapUpDialog conversation={c} onApplied={onApplied} onClose={() => onWrapUp(false)} />}
      {dialog === 'resolve' && <WrapUpDialog conversation={c} resolve onApplied={onApplied} onClose={close} />}
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

interface MenuItem {
  id: ActionId;
  label: string;
}

/**
 * The WAI-ARIA menu button: Enter, Space or ArrowDown open it on the first item, ArrowUp on the last; in it
 * the arrows move (wrapping), Home and End jump, Escape closes it and gives the focus back to the button,
 * Tab and a click elsewhere close it.
 */
function MoreMenu({
  items,
  danger,
  priority,
  busy,
  onPick,
  onPriority,
}: {
  items: MenuItem[];
  danger: MenuItem[];
  priority: number | null;
  busy: boolean;
  onPick: (id: ActionId) => void;
  onPriority: (priority: number) => void;
}) {
  const [open, setOpen] = useState<false | 'first' | 'last'>(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const entries = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role^=menuitem]') ?? [])];

  useEffect(() => {
    if (!open) return;
    const all = entries();
    (open === 'last' ? all.at(-1) : all[0])?.focus();
    const outside = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const shut = (focusButton: boolean) => {
    setOpen(false);
    if (focusButton) button.current?.focus();
  };
  const choose = (fn: () => void) => {
    shut(true);
    fn();
  };

  const onMenuKey = (e: KeyboardEvent) => {
    const all = entries();
    const i = all.indexOf(document.activeElement as HTMLElement);
    const go = (n: number) => {
      e.preventDefault();
      all[(n + all.length) % all.length]?.focus();
    };
    switch (e.key) {
      case 'ArrowDown':
        return go(i + 1);
      case 'ArrowUp':
        return go(i - 1);
      case 'Home':
        return go(0);
      case 'End':
        return go(all.length - 1);
      case 'Escape':
        e.preventDefault();
        e.stopPropagation();
        return shut(true);
      case 'Tab':
        return shut(false);
    }
  };

  const item = (m: MenuItem, danger = false) => (
    <button key={m.id} type="button" role="menuitem" tabIndex={-1} data-action={m.id} class={danger ? 'menu-item danger' : 'menu-item'} onClick={() => choose(() => onPick(m.id))}>
      {m.label}
    </button>
  );

  return (
    <div class="more">
      <button
        ref={button}
        type="button"
        class="ghost more-button"
        id="more-actions"
        aria-haspopup="menu"
        aria-expanded={open !== false}
        aria-controls="more-actions-menu"
        aria-label={t.cv.moreLabel}
        onClick={() => (open ? shut(false) : setOpen('first'))}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setOpen(e.key === 'ArrowUp' ? 'last' : 'first');
          }
        }}
      >
        {t.cv.more} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div ref={menu} id="more-actions-menu" role="menu" aria-labelledby="more-actions" class="menu" onKeyDown={onMenuKey}>
          {items.map((m) => item(m))}
          {priority !== null && (
            <div role="group" aria-label={t.priority} class="menu-group">
              <span class="menu-heading" aria-hidden="true">
                {t.priority}
              </span>
              {PRIORITY_VALUES.map((p) => (
                <button
                  key={p}
                  type="button"
                  role="menuitemradio"
                  aria-checked={priority === p}
                  tabIndex={-1}
                  aria-disabled={busy}
                  class="menu-item"
                  onClick={() => choose(() => !busy && p !== priority && onPriority(p))}
                >
                  {priorityName(p)}
                </button>
              ))}
            </div>
          )}
          {danger.length > 0 && (items.length > 0 || priority !== null) && <div role="separator" class="menu-separator" />}
          {danger.map((m) => item(m, true))}
        </div>
      )}
    </div>
  );
}
