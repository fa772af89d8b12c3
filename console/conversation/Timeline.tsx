/**
 * @module The events timeline (Cosmo Desk "Eventos"): every event of the conversation as one readable line
 * with its time, from the events the session holds, earlier pages read on demand (GET events).
 */
import type { ConversationEvent } from '../../shared/protocol';
import { timelineEntries, type LineContext } from './event-lines';
import { dayTime, t } from '../i18n/i18n';

export function Timeline({ events, hasMore, line, onLoadOlder }: { events: ConversationEvent[]; hasMore: boolean; line: LineContext; onLoadOlder: () => void }) {
  return (
    <section class="timeline" aria-label={t.timeline}>
      {hasMore && (
        <button type="button" class="older" onClick={onLoadOlder}>
          {t.loadOlderEvents}
        </button>
      )}
      {events.length === 0 ? (
        <p class="none">{t.noEvents}</p>
      ) : (
        <ol>
          {timelineEntries(events, line).map((e) => (
            <li key={e.seq} class={`k-${e.kind}`}>
              <time dateTime={new Date(e.at).toISOString()}>{dayTime.format(e.at)}</time>
              <span class="line">{e.line}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
