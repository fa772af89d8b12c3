/**
 * @module The search's answer under the top bar's field (issue 12): one line per hit with its kind, who or
 * what it is, status, queue and time, and the matching text with the matched words marked (<mark>, built
 * from the snippet's offsets as text, never as HTML); then "more results", or why there is nothing.
 */
import type { SearchHit, SearchSnippet } from '../../shared/api';
import type { QueueInfo } from '../../shared/protocol';
import { dayTime, errorText, t } from '../i18n/i18n';
import { requesterLabel } from '../tickets/tickets-model';
import { hitKey, hitKind, hitStatus, hitTitle, markSegments, type SearchState } from './search-model';

export interface SearchResultsProps {
  id: string;
  state: SearchState;
  queues: QueueInfo[];
  onOpen: (hit: SearchHit) => void;
  onMore: () => void;
  onRetry: () => void;
  onClose: () => void;
}

/** The answer's state in a few words: searching, or how many hits (and whether more follow); '' otherwise. */
export function searchStatus(state: SearchState): string {
  const s = t.searchAll;
  const { hits, status } = state;
  return status === 'loading' ? s.searching : status === 'ready' || hits.length > 0 ? s.count(hits.length, state.nextCursor !== null) : '';
}

export function SearchResults({ id, state, queues, onOpen, onMore, onRetry, onClose }: SearchResultsProps) {
  const s = t.searchAll;
  const { q, hits, status } = state;
  const more = state.nextCursor !== null;
  // A query the server cannot search (no letter or digit): trying it again would not help.
  const failure = state.error?.code === 'invalid_request' ? (
    <p class="error" role="alert">
      {s.needWord}
    </p>
  ) : state.error && (
    <p class="error" role="alert">
      {s.failed} {errorText(state.error.code)}{' '}
      <button type="button" class="link" onClick={onRetry}>
        {s.retry}
      </button>
    </p>
  );

  return (
    <section id={id} class="search-panel" aria-label={s.results(q)} aria-busy={status === 'loading' || status === 'more'}>
      <header class="search-head">
        <h2>{s.results(q)}</h2>
        {/* Said by SearchBox's live region, which stays mounted; this is the text to see. */}
        <span class="hint">{searchStatus(state)}</span>
        <button type="button" class="icon" aria-label={s.close} title={s.close} onClick={onClose}>
          ×
        </button>
      </header>
      {hits.length === 0 && status === 'error' && failure}
      {hits.length === 0 && status === 'ready' && (
        <div class="search-empty">
          <p>{s.empty(q)}</p>
          <p class="hint">{s.emptyHint}</p>
        </div>
      )}
      {hits.length > 0 && (
        <ol class="hits" onKeyDown={moveFocus}>
          {hits.map((hit) => (
            <li key={hitKey(hit)}>
              <HitLine hit={hit} queues={queues} onOpen={() => onOpen(hit)} />
            </li>
          ))}
        </ol>
      )}
      {hits.length > 0 && (
        <footer class="search-foot">
          {status === 'error' ? (
            failure
          ) : status === 'more' ? (
            <p class="hint">{s.loadingMore}</p>
          ) : more ? (
            <button type="button" class="ghost" onClick={onMore}>
              {s.more}
            </button>
          ) : (
            <p class="hint">{s.end}</p>
          )}
        </footer>
      )}
    </section>
  );
}

/** The arrow keys move between hits (Tab still goes through them in order). */
function moveFocus(e: KeyboardEvent): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const hits = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button.hit')];
  const at = hits.indexOf(document.activeElement as HTMLButtonElement);
  const next = hits[Math.min(hits.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)))];
  if (!next) return;
  e.preventDefault();
  next.focus();
}

function HitLine({ hit, queues, onOpen }: { hit: SearchHit; queues: QueueInfo[]; onOpen: () => void }) {
  const c = hit.kind === 'conversation' ? hit.conversation : null;
  const queue = c?.queueId ? (queues.find((q) => q.id === c.queueId)?.name ?? null) : null;
  const holder = c ? c.assignedAgentName : hit.kind === 'ticket' ? hit.ticket.assigneeName : null;
  const kindClass = hit.kind === 'ticket' ? 'ticket' : hit.field;
  return (
    <button type="button" class="hit" onClick={onOpen}>
      <span class="row">
        <span class={`kind k-${kindClass}`}>{hitKind(hit)}</span>
        <span class="name">{hitTitle(hit)}</span>
        <time dateTime={new Date(hit.at).toISOString()}>{dayTime.format(hit.at)}</time>
      </span>
      <span class="row tags">
        <span class={`tag st-${c ? (c.archived ? 'archived' : c.status) : hit.kind === 'ticket' ? hit.ticket.status : ''}`}>{hitStatus(hit)}</span>
        {queue && <span class="queue">{queue}</span>}
        {holder && <span class="holder">{holder}</span>}
        {hit.kind === 'ticket' && <span class="holder">{requesterLabel(hit.ticket.requester)}</span>}
      </span>
      <Snippet snippet={hit.snippet} />
    </button>
  );
}

/** The matching text: plain text nodes and <mark> elements, so nothing the visitor wrote is read as HTML. */
export function Snippet({ snippet }: { snippet: SearchSnippet }) {
  return (
    <span class="snippet">
      {markSegments(snippet).map((seg, i) => (seg.mark ? <mark key={i}>{seg.text}</mark> : seg.text))}
    </span>
  );
}
