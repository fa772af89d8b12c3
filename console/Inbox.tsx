import type { ConversationSummary } from '../shared/protocol';
import { clock, t, visitorLabel } from './i18n';

export interface InboxProps {
  conversations: ConversationSummary[];
  currentId: string | null;
  unread: ReadonlySet<string>;
  agentId: string;
  onOpen: (conversationId: string) => void;
}

export function Inbox({ conversations, currentId, unread, agentId, onOpen }: InboxProps) {
  const waiting = conversations.filter((c) => c.assignedAgentId === null);
  const open = conversations.filter((c) => c.assignedAgentId !== null);
  const section = (title: string, list: ConversationSummary[], none: string, id: string) => (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {title} <span class="count">{list.length}</span>
      </h2>
      {list.length === 0 ? (
        <p class="none">{none}</p>
      ) : (
        <ul>
          {list.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                class={`item${c.id === currentId ? ' current' : ''}${unread.has(c.id) ? ' unread' : ''}`}
                aria-current={c.id === currentId ? 'true' : undefined}
                onClick={() => onOpen(c.id)}
              >
                <span class="row">
                  <span class="name">{visitorLabel(c.visitorId, c.visitorName)}</span>
                  <time dateTime={new Date(c.updatedAt).toISOString()}>{clock.format(c.updatedAt)}</time>
                </span>
                <span class="preview">
                  {c.lastMessage ? `${c.lastMessage.authorKind === 'agent' ? `${c.assignedAgentId === agentId ? t.you : (c.assignedAgentName ?? '')}: ` : ''}${c.lastMessage.text}` : '…'}
                </span>
                {unread.has(c.id) && <span class="sr-only">, {t.newMessage}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
  return (
    <nav class="inbox" aria-label={t.conversations}>
      {section(t.waiting, waiting, t.noneWaiting, 'inbox-waiting')}
      {section(t.open, open, t.noneOpen, 'inbox-open')}
    </nav>
  );
}
