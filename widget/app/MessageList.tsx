import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Strings } from './i18n';
import type { TimelineItem } from './timeline';

function noticeText(item: Exclude<TimelineItem, { type: 'message' }>, t: Strings): string {
  switch (item.type) {
    case 'joined':
      return t.joined(item.name);
    case 'left':
      return t.left(item.name);
    case 'ended':
      return t.endedByYou;
    case 'closed':
      return t.closed;
    case 'ticket':
      return t.becameTicket(item.number);
  }
}

export interface MessageListProps {
  items: TimelineItem[];
  t: Strings;
  time: (at: number) => string;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  /** Shown after the messages, scrolling with them: the leave-a-message form, the end panel. */
  children?: ComponentChildren;
  /** Changes when what `children` shows changes, to bring it into view. */
  tailKey?: string;
}

export function MessageList({ items, t, time, onRetry, onDiscard, children, tailKey }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const tail = useRef<HTMLDivElement>(null);
  // Keep the newest message in view as messages arrive; a form or panel below them from its top, with
  // the notice before it (say "You ended the conversation") still in sight.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const below = tail.current?.firstElementChild ? tail.current.offsetTop - 64 : Infinity;
    el.scrollTop = Math.min(el.scrollHeight, below);
  }, [items.length, tailKey]);

  return (
    <div class="log" ref={scroller}>
      <ol aria-label={t.log} aria-live="polite" aria-relevant="additions">
        <li class="msg theirs greeting">
          <p class="bubble">{t.greeting}</p>
        </li>
        {items.map((item) =>
          item.type !== 'message' ? (
            <li key={item.key} class="notice">
              {noticeText(item, t)}
            </li>
          ) : (
            <li key={item.key} class={`msg ${item.mine ? 'mine' : 'theirs'} ${item.state}`}>
              {!item.mine && <span class="who">{item.author ?? t.agent}</span>}
              <p class="bubble">{item.text}</p>
              <span class="meta">
                {item.state === 'sending' ? (
                  t.sending
                ) : item.state === 'failed' ? (
                  <>
                    {t.notSent}{' '}
                    <button type="button" class="link" onClick={() => onRetry(item.clientId!)}>
                      {t.retry}
                    </button>{' '}
                    <button type="button" class="link" onClick={() => onDiscard(item.clientId!)}>
                      {t.discard}
                    </button>
                  </>
                ) : (
                  <time dateTime={new Date(item.at).toISOString()}>{time(item.at)}</time>
                )}
              </span>
            </li>
          ),
        )}
      </ol>
      <div ref={tail}>{children}</div>
    </div>
  );
}
