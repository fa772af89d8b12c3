/**
 * @module Canned replies (3CX quick replies, Acelerato "respostas prontas"): opened from its button or by
 * typing "/" into an empty reply (issue 15). It opens on the visitor's language when Papo knows it (the
 * site's widget language), else on every language, never on the console's own; the type-ahead runs on the
 * title and category as you type (canned-search.ts), then the text. Enter puts the first one in, the arrows
 * move through the list. With none yet, it links supervisors and admins to where they are created.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type CannedReply } from '../session/api';
import { Dialog } from '../dialogs/Dialog';
import { ErrorLine } from '../ui/ErrorLine';
import { t } from '../i18n/i18n';
import { fillPlaceholders, type PlaceholderValues } from './placeholders';
import { useAction } from '../ui/use-action';
import { openingLanguage, rankCanned } from './canned-search';
import { formatRoute } from '../shell/route';

export interface CannedPickerProps {
  placeholders: PlaceholderValues;
  onInsert: (text: string) => void;
  /** The visitor's language as far as Papo knows it (the site's widget language); null: not known. */
  language: string | null;
  /** Supervisors and admins create canned replies: the empty state links them there. */
  canManage: boolean;
  /** Open, and how: from the button, or from a "/" typed into the empty reply. */
  open: false | 'button' | 'slash';
  onOpen: () => void;
  /** Closed without a pick; `typed`: what was typed into its search (after a "/", it goes back into the reply). */
  onDismiss: (typed: string) => void;
}

export function CannedPicker({ placeholders, onInsert, language, canManage, open, onOpen, onDismiss }: CannedPickerProps) {
  return (
    <>
      <button type="button" class="toggle" aria-haspopup="dialog" onClick={onOpen} title={t.cv.cannedSlash}>
        {t.canned}
      </button>
      {open && (
        <CannedDialog
          language={language}
          canManage={canManage}
          onClose={onDismiss}
          onPick={(reply) => onInsert(fillPlaceholders(reply.text, placeholders))}
        />
      )}
    </>
  );
}

function CannedDialog({
  language: visitorLanguage,
  canManage,
  onClose,
  onPick,
}: {
  language: string | null;
  canManage: boolean;
  onClose: (typed: string) => void;
  onPick: (reply: CannedReply) => void;
}) {
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const [language, setLanguage] = useState<string>(openingLanguage(visitorLanguage));
  const [replies, setReplies] = useState<CannedReply[] | null>(null);
  /** Categories and languages seen so far, for the selects. */
  const [known, setKnown] = useState<{ categories: string[]; languages: string[] }>({ categories: [], languages: visitorLanguage ? [visitorLanguage] : [] });
  const load = useAction();
  const list = useRef<HTMLUListElement>(null);

  useEffect(() => {
    let live = true;
    void load.run(() => api.cannedReplies({ category, language })).then((answer) => {
      if (!live || !answer) return;
      setReplies(answer);
      setKnown((k) => ({
        categories: [...new Set([...k.categories, ...answer.map((r) => r.category).filter((c) => c !== '')])].sort(),
        languages: [...new Set([...k.languages, ...answer.map((r) => r.language)])].sort(),
      }));
    });
    return () => {
      live = false;
    };
  }, [category, language]);

  const shown = rankCanned(replies ?? [], q);
  const picks = () => [...(list.current?.querySelectorAll<HTMLButtonElement>('button.pick') ?? [])];
  const moveIn = (e: KeyboardEvent) => {
    const all = picks();
    const i = all.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? i + 1 : i - 1;
      if (next < 0) document.querySelector<HTMLInputElement>('#canned-search')?.focus();
      else all[Math.min(next, all.length - 1)]?.focus();
    }
  };
  const empty = replies !== null && replies.length === 0 && category === '' && language === '';

  return (
    <Dialog title={t.canned} onClose={() => onClose(q)} class="canned" initialFocus="#canned-search">
      <div class="dialog-body">
        <label>
          <span class="sr-only">{t.search}</span>
          <input
            id="canned-search"
            type="text"
            role="searchbox"
            placeholder={t.searchCanned}
            value={q}
            autoComplete="off"
            aria-controls="canned-list"
            onInput={(e) => setQ(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && shown[0]) {
                e.preventDefault();
                onPick(shown[0]);
              } else if (e.key === 'ArrowDown') {
                e.preventDefault();
                picks()[0]?.focus();
              }
            }}
          />
        </label>
        <div class="select-row">
          <label>
            <span class="sr-only">{t.category}</span>
            <select value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
              <option value="">{t.allCategories}</option>
              {known.categories.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span class="sr-only">{t.language}</span>
            <select id="canned-language" value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
              <option value="">{t.allLanguages}</option>
              {known.languages.map((l) => (
                <option key={l} value={l}>
                  {l === visitorLanguage ? t.cv.cannedVisitorLanguage(l) : l}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorLine error={load.error} />
        <p class="sr-only" aria-live="polite">
          {replies === null ? '' : t.cv.cannedMatches(shown.length)}
        </p>
        {replies === null ? (
          <p class="none">{t.loading}</p>
        ) : empty ? (
          <div class="none canned-empty">
            <p>{t.cv.cannedNone}</p>
            {canManage ? (
              <a href={formatRoute({ screen: 'admin', tab: 'canned', id: null })} target="_blank" rel="noopener">
                {t.cv.cannedCreate}
              </a>
            ) : (
              <p>{t.cv.cannedAskAdmin}</p>
            )}
          </div>
        ) : shown.length === 0 ? (
          <p class="none">{replies.length === 0 ? t.noCanned : t.cv.cannedNoMatch}</p>
        ) : (
          <ul id="canned-list" class="pick-list" aria-busy={load.busy} ref={list} onKeyDown={moveIn}>
            {shown.map((r) => (
              <li key={r.id}>
                <button type="button" class="pick" onClick={() => onPick(r)}>
                  <span class="row">
                    <strong>{r.title}</strong>
                    <span class="tags">
                      {r.category && <span class="tag">{r.category}</span>}
                      <span class="tag">{r.language}</span>
                    </span>
                  </span>
                  <span class="preview">{r.text}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Dialog>
  );
}
