/**
 * @module SPEC W7: the visitor's conversations (status, last message, unread, when), to open one, or to
 * start a new one when none is open. A chunk of its own, fetched when the visitor first asks for the list.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { VisitorConversation } from '../../../shared/protocol';
import type { Strings } from '../i18n';

export interface ConversationListProps {
  list: VisitorConversation[] | null;
  t: Strings;
  /** The localised day and time of an instant. */
  when: (at: number) => string;
  /** The conversation the window holds. */
  current: string | null;
  /** No conversation is open (C3): "New conversation" is offered. */
  canStart: boolean;
  onOpen: (id: string) => void;
  onNew: () => void;
  onBack: () => void;
}

export function ConversationList({ list, t, when, current, canStart, onOpen, onNew, onBack }: ConversationListProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div class="log">
      <h3 class="day" tabIndex={-1} ref={heading}>
        {t.conversations}
      </h3>
      {list === null ? (
        <p role="status">{t.loading}</p>
      ) : list.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <ul class="convs">
          {list.map((c) => (
            <li key={c.id}>
              <button type="button" class="card" aria-current={c.id === current || undefined} onClick={() => onOpen(c.id)}>
                <span class="row">
                  <strong>{c.status === 'open' ? t.statusOpen : t.statusOver}</strong>
                  <time class="hint" dateTime={new Date(c.updatedAt).toISOString()}>
                    {when(c.lastMessage?.at ?? c.updatedAt)}
                  </time>
                </span>
                {c.lastMessage && <span class="last">{c.lastMessage.text}</span>}
                {c.unread > 0 && <span class="badge">{t.unread(c.unread)}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      {canStart && (
        <button type="button" class="send" onClick={onNew}>
          {t.newChat}
        </button>
      )}
      <button type="button" class="send alt" onClick={onBack}>
        {t.back}
      </button>
    </div>
  );
}
