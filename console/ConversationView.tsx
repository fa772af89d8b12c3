import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ConversationEvent, ConversationSummary } from '../shared/protocol';
import { Composer } from '../shared/ui/Composer';
import type { PendingReply } from './agent-session';
import { clock, t, visitorLabel } from './i18n';

export interface ConversationViewProps {
  conversation: ConversationSummary;
  agentId: string;
  events: ConversationEvent[];
  pending: PendingReply[];
  hasMore: boolean;
  onSend: (text: string) => void;
  onLoadOlder: () => void;
}

export function ConversationView({ conversation, agentId, events, pending, hasMore, onSend, onLoadOlder }: ConversationViewProps) {
  const log = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [events.length, pending.length, conversation.id]);
  const visitor = visitorLabel(conversation.visitorId, conversation.visitorName);
  const initials = visitor.replace(/[^A-Za-z0-9]/g, '').slice(-2).toUpperCase();

  return (
    <article class="conversation" aria-labelledby="conversation-title">
      <header class="conversation-head">
        <span class="avatar" aria-hidden="true">
          {initials}
        </span>
        <div>
          <h1 id="conversation-title">{visitor}</h1>
          <p class="sub">
            {conversation.assignedAgentId === null
              ? t.unassigned
              : t.with(conversation.assignedAgentId === agentId ? t.you : (conversation.assignedAgentName ?? ''))}
          </p>
        </div>
      </header>
      <div class="messages" ref={log}>
        {hasMore && (
          <button type="button" class="older" onClick={onLoadOlder}>
            {t.loadOlder}
          </button>
        )}
        <ol aria-live="polite" aria-relevant="additions">
          {events.map((e) =>
            e.kind === 'message' ? (
              <li key={e.seq} class={`msg ${e.author.kind === 'visitor' ? 'theirs' : 'mine'}`}>
                <span class="who">{e.author.kind === 'visitor' ? visitor : e.author.id === agentId ? t.you : (e.author.name ?? '')}</span>
                <p class="bubble">{e.text}</p>
                <time class="meta" dateTime={new Date(e.at).toISOString()}>
                  {clock.format(e.at)}
                </time>
              </li>
            ) : e.kind === 'created' ? (
              <li key={e.seq} class="notice">
                {t.started} · {clock.format(e.at)}
              </li>
            ) : e.kind === 'assigned' ? (
              <li key={e.seq} class="notice">
                {t.joined(e.author.id === agentId ? t.you : (e.author.name ?? ''))}
              </li>
            ) : null,
          )}
          {pending.map((p) => (
            <li key={p.clientId} class={`msg mine ${p.failed ? 'failed' : 'sending'}`}>
              <p class="bubble">{p.text}</p>
              <span class="meta">{p.failed ? t.notSent(p.failed) : t.sending}</span>
            </li>
          ))}
        </ol>
      </div>
      <Composer
        id="reply"
        onSend={onSend}
        label={t.replyLabel}
        placeholder={t.replyPlaceholder}
        sendLabel={t.send}
        counterLabel={t.characters}
      />
    </article>
  );
}
