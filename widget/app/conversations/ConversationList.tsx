/**
 * @module SPEC W7: the visitor's conversations (status, last message, unread, when), to open one, or to
 * start a new one when none is open. A chunk of its own, fetched when the visitor first asks for the list.
 */
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { VisitorConversation } from '../../../shared/protocol';
import { adoptCss } from '../files/sheet';
import type { Strings } from '../i18n';

/** The list's own rules: this chunk carries them, not the app chunk every chat loads (files/sheet.ts). */
const CSS = `
.convs{list-style:none;margin:0;padding:0}
.convs .card{all:unset;box-sizing:border-box;display:block;width:100%;margin:0 0 8px;padding:12px 14px;border:1px solid #e3e6ea;border-radius:14px;
  background:#fff;cursor:pointer}
.convs .card:focus-visible{outline:2px solid var(--papo-accent,#047857)}
.convs .row{justify-content:space-between}
.last{display:block;margin-top:4px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.convs .badge{display:inline-block;width:auto;height:auto;margin-top:6px;padding:2px 8px;border-radius:999px}
`;

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
  useLayoutEffect(() => adoptCss(heading.current, CSS), []);
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
