/**
 * @module The top bar's search field (issue 12): "/" or Ctrl+K reach it, Enter searches conversations and
 * tickets, and the answer opens beneath it; a click on a hit hands it to the workspace, which opens the
 * conversation at the message, or the ticket. Escape or a click elsewhere puts the answer away.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SearchHit } from '../../shared/api';
import type { QueueInfo } from '../../shared/protocol';
import { t } from '../i18n/i18n';
import { isSearchShortcut } from './search-model';
import './search.css';
import { SearchResults, searchStatus } from './SearchResults';
import { useDismiss } from '../ui/use-dismiss';
import { useSearch } from './use-search';

export interface SearchBoxProps {
  queues: QueueInfo[];
  /** A hit chosen, with the query it answers (its terms are marked where it opens). */
  onOpen: (hit: SearchHit, q: string) => void;
  /** Issue 15: the question the URL asks (/console/search?q=…): searched on arrival, on Back and Forward. */
  query?: string | null;
  /** A question asked (the workspace writes its URL), or the answer put away (null). */
  onQuery?: (q: string | null) => void;
}

export function SearchBox({ queues, onOpen, query = null, onQuery }: SearchBoxProps) {
  const s = t.searchAll;
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  /** The field has the focus: on a narrow top bar it is a button until then (search.css). */
  const [focused, setFocused] = useState(false);
  const search = useSearch();
  const root = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const asked = search.state.status !== 'idle';

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target instanceof HTMLElement ? e.target : null;
      const inField = el !== null && (el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT');
      if (!isSearchShortcut({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inField })) return;
      e.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!query || (query === search.state.q && open)) return;
    setText(query);
    if (search.submit(query)) setOpen(true);
  }, [query]);
  const putAway = () => {
    setOpen(false);
    onQuery?.(null);
  };

  useDismiss(open, root, input, putAway);

  return (
    <div
      class={`search${focused || open ? ' expanded' : ''}`}
      ref={root}
      onFocusIn={() => setFocused(true)}
      onFocusOut={(e) => setFocused(root.current?.contains(e.relatedTarget as Node | null) ?? false)}
    >
      <form
        role="search"
        aria-label={s.label}
        onSubmit={(e) => {
          e.preventDefault();
          if (search.submit(text)) {
            setOpen(true);
            onQuery?.(text.trim());
          } else input.current?.focus(); // the button of a collapsed field opens it
        }}
      >
        <label class="sr-only" for="search">
          {s.placeholder}
        </label>
        <input
          id="search"
          ref={input}
          type="search"
          value={text}
          placeholder={s.placeholder}
          title={s.shortcutHint}
          aria-keyshortcuts="/ Control+K"
          // aria-controls names the answer while it shows. No aria-expanded: ARIA does not allow it on a
          // searchbox (axe: aria-allowed-attr), and the answer is not a listbox a combobox would own.
          aria-controls={open && asked ? 'search-panel' : undefined}
          autocomplete="off"
          enterkeyhint="search"
          maxLength={200}
          onInput={(e) => setText(e.currentTarget.value)}
          // Back to the answer put away (not on focus: closing it hands the focus back here).
          onClick={() => asked && setOpen(true)}
          onKeyDown={(e) => {
            if (e.key !== 'ArrowDown' || !asked) return;
            e.preventDefault();
            // Down from the field: the answer shows again, or its first hit takes the focus.
            if (!open) setOpen(true);
            else root.current?.querySelector<HTMLButtonElement>('button.hit')?.focus();
          }}
        />
        <button type="submit" class="search-go" aria-label={s.submit} title={s.submit}>
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" stroke-width="2" />
            <path d="M13 13l4.5 4.5" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
          </svg>
        </button>
      </form>
      {/* Mounted from the start, only its text changes: a live region that mounts with its text is often not read. */}
      <p id="search-status" class="sr-only" role="status">
        {open && asked ? searchStatus(search.state) : ''}
      </p>
      {open && asked && (
        <SearchResults
          id="search-panel"
          state={search.state}
          queues={queues}
          onOpen={(hit) => {
            setOpen(false);
            onOpen(hit, search.state.q);
          }}
          onMore={search.more}
          onRetry={search.retry}
          onClose={() => {
            putAway();
            input.current?.focus();
          }}
        />
      )}
    </div>
  );
}
