/**
 * @module Canned replies (3CX quick replies, Acelerato "respostas prontas"): search by text, category and
 * language (GET /canned-replies), pick one and its text, placeholders filled, goes into the composer.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type CannedReply } from '../session/api';
import { Dialog } from '../dialogs/Dialog';
import { ErrorLine } from '../ui/ErrorLine';
import { locale, t } from '../i18n/i18n';
import { fillPlaceholders, type PlaceholderValues } from './placeholders';
import { useAction } from '../ui/use-action';

export function CannedPicker({ placeholders, onInsert }: { placeholders: PlaceholderValues; onInsert: (text: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="toggle" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {t.canned}
      </button>
      {open && (
        <CannedDialog
          onClose={() => setOpen(false)}
          onPick={(reply) => {
            setOpen(false);
            onInsert(fillPlaceholders(reply.text, placeholders));
          }}
        />
      )}
    </>
  );
}

function CannedDialog({ onClose, onPick }: { onClose: () => void; onPick: (reply: CannedReply) => void }) {
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const [language, setLanguage] = useState<string>(locale);
  const [replies, setReplies] = useState<CannedReply[]>([]);
  /** Categories and languages seen so far, for the selects (the first answer is unfiltered but for language). */
  const [known, setKnown] = useState<{ categories: string[]; languages: string[] }>({ categories: [], languages: [locale] });
  const load = useAction();

  useEffect(() => {
    // A short pause while typing, then one request.
    const timer = setTimeout(async () => {
      const list = await load.run(() => api.cannedReplies({ q: q.trim(), category, language }));
      if (!list) return;
      setReplies(list);
      setKnown((k) => ({
        categories: [...new Set([...k.categories, ...list.map((r) => r.category).filter((c) => c !== '')])].sort(),
        languages: [...new Set([...k.languages, ...list.map((r) => r.language)])].sort(),
      }));
    }, 200);
    return () => clearTimeout(timer);
  }, [q, category, language]);

  return (
    <Dialog title={t.canned} onClose={onClose} class="canned">
      <div class="dialog-body">
        <label>
          <span class="sr-only">{t.search}</span>
          <input type="search" placeholder={t.searchCanned} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
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
            <select value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
              <option value="">{t.allLanguages}</option>
              {known.languages.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorLine error={load.error} />
        {replies.length === 0 ? (
          <p class="none">{load.busy ? t.loading : t.noCanned}</p>
        ) : (
          <ul class="pick-list" aria-busy={load.busy}>
            {replies.map((r) => (
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
