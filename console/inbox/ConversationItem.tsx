import type { ConversationSummary } from '../../shared/protocol';
import { Elapsed } from '../ui/Countdown';
import { clock, dayTime, t, visitorLabel } from '../i18n/i18n';
import { waitingSince, type ListId } from './lists';
import { PriorityBadge } from '../ui/PriorityBadge';
import { ProactiveMark } from '../ui/ProactiveMark';

export interface ConversationItemProps {
  conversation: ConversationSummary;
  list: ListId;
  agentId: string;
  current: boolean;
  unread: boolean;
  queueName: string | null;
  onOpen: () => void;
}

/** One row of a list: visitor, priority, waiting time (New) or last activity, labels, the last message. */
export function ConversationItem({ conversation: c, list, agentId, current, unread, queueName, onOpen }: ConversationItemProps) {
  // The summary says an agent wrote it, not which one: with transfers and conferences it need not be the
  // holder, so the prefix stays generic.
  const who = c.lastMessage?.authorKind === 'agent' ? `${t.agent}: ` : c.lastMessage?.authorKind === 'bot' ? `${t.bot}: ` : '';
  return (
    <button type="button" class={`item${current ? ' current' : ''}${unread ? ' unread' : ''}`} aria-current={current ? 'true' : undefined} onClick={onOpen}>
      <span class="row">
        <span class="name">
          {c.proactive && <ProactiveMark />}
          {visitorLabel(c.visitorId, c.visitorName)}
        </span>
        {list === 'new' ? (
          <Elapsed since={waitingSince(c)} />
        ) : (
          <time dateTime={new Date(c.updatedAt).toISOString()}>{list === 'closed' || list === 'archived' ? dayTime.format(c.updatedAt) : clock.format(c.updatedAt)}</time>
        )}
      </span>
      <span class="row tags">
        {c.priority !== 1 && <PriorityBadge priority={c.priority} />}
        {queueName && <span class="queue">{queueName}</span>}
        {c.status === 'ended' && <span class="tag ended">{t.endedShort}</span>}
        {c.bot && <span class="tag bot">{t.bot}</span>}
        {c.offer && <span class="tag offer">{t.offeredTo(c.offer.agentId === agentId ? t.youLower : c.offer.agentName)}</span>}
        {c.request && <span class="tag request">{(c.request.kind === 'transfer' ? t.transferTo : t.inviteTo)(c.request.toAgentId === agentId ? t.youLower : c.request.toName)}</span>}
        {list === 'others' && !c.bot && <span class={`holder${c.assignedAgentId === null ? ' nobody' : ''}`}>{c.assignedAgentName ?? t.nobody}</span>}
        {c.labels.map((l) => (
          <span key={l} class="label-chip">
            {l}
          </span>
        ))}
      </span>
      <span class="preview">{c.lastMessage ? `${who}${c.lastMessage.text}` : '…'}</span>
      {unread && <span class="sr-only">, {t.newMessage}</span>}
    </button>
  );
}
