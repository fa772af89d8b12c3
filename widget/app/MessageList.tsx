import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Strings } from './i18n';
import type { TimelineItem } from './timeline';

export interface MessageListProps {
  items: TimelineItem[];
  t: Strings;
  time: (at: number) => string;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}

export function MessageList({ items, t, time, onRetry, onDiscard }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  // Keep the newest message in view as messages arrive.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [items.length]);

  return (
    <div class="log" ref={scroller}>
      <ol aria-label={t.log} aria-live="polite" aria-relevant="additions">
        <li class="msg theirs greeting">
          <p class="bubble">{t.greeting}</p>
        </li>
        {items.map((item) =>
          item.type !== 'message' ? (
            <li key={item.key} class="notice">
              {item.type === 'joined' ? t.joined(item.name) : t.left(item.name)}
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
    </div>
  );
}
