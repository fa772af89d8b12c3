/**
 * @module Canned replies (supervisors and admins): search by text, category and language; create, edit,
 * delete. Agents pick them in the composer; this screen only manages them.
 */
import { useId, useRef, useState } from 'preact/hooks';
import { adminApi, type CannedReply } from './admin-api';
import { cannedReplyProblems, hasProblems, type CannedReplyForm, type Problems } from './forms';
import { useAction, useResource, useSettled } from './hooks';
import { locale, t } from './i18n';
import { EditorForm, Field, InlineError, LoadedList, RowActions } from './ui';
import './admin.css';

const COMMON_LANGUAGES = ['pt-BR', 'en', 'es'];
const EMPTY: CannedReplyForm = { title: '', text: '', category: '', language: locale };

export function CannedReplies() {
  const [typed, setTyped] = useState({ q: '', category: '', language: '' });
  const filter = useSettled(typed, 250);
  const list = useResource(() => adminApi.cannedReplies(filter), [filter.q, filter.category, filter.language]);

  // Every category and language seen so far, for the filters and the form's suggestions.
  const seen = useRef({ categories: new Set<string>(), languages: new Set(COMMON_LANGUAGES) });
  for (const r of list.data ?? []) {
    if (r.category) seen.current.categories.add(r.category);
    seen.current.languages.add(r.language);
  }
  const categories = [...seen.current.categories].sort((a, b) => a.localeCompare(b));
  const languages = [...seen.current.languages].sort((a, b) => a.localeCompare(b));

  const [editing, setEditing] = useState<CannedReply | 'new' | null>(null);
  const remove = useAction();

  const onDelete = async (reply: CannedReply) => {
    if (!confirm(t.confirmDelete(reply.title))) return;
    if (await remove.run(() => adminApi.deleteCannedReply(reply.id))) list.reload();
  };

  return (
    <section class="adm-section" aria-labelledby="adm-canned-title">
      <div class="adm-head">
        <h2 id="adm-canned-title">{t.tabs.canned}</h2>
        <button type="button" class="adm-primary" onClick={() => setEditing('new')} disabled={editing !== null}>
          {t.newReply}
        </button>
      </div>
      {editing !== null && (
        <ReplyEditor
          key={editing === 'new' ? 'new' : editing.id}
          reply={editing === 'new' ? null : editing}
          categories={categories}
          languages={languages}
          onDone={(saved) => {
            setEditing(null);
            if (saved) list.reload();
          }}
        />
      )}
      <div class="adm-toolbar" role="search">
        <input type="search" aria-label={t.searchReplies} placeholder={t.searchReplies} value={typed.q} onInput={(e) => setTyped({ ...typed, q: e.currentTarget.value })} />
        <select aria-label={t.category} value={typed.category} onChange={(e) => setTyped({ ...typed, category: e.currentTarget.value })}>
          <option value="">{t.allCategories}</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <select aria-label={t.language} value={typed.language} onChange={(e) => setTyped({ ...typed, language: e.currentTarget.value })}>
          <option value="">{t.allLanguages}</option>
          {languages.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </div>
      <InlineError message={list.error ?? remove.error} />
      <LoadedList items={list.data} loading={list.loading} empty={t.noReplies}>
        {(replies) => (
          <ul class="adm-list" aria-busy={list.loading}>
            {replies.map((r) => (
              <li key={r.id} class="adm-row">
                <div class="adm-main">
                  <strong>{r.title}</strong>
                  <span class="adm-tags">
                    {r.category && <span class="adm-tag">{r.category}</span>}
                    <span class="adm-tag">{r.language}</span>
                  </span>
                  <p class="adm-text">{r.text}</p>
                </div>
                <RowActions onEdit={() => setEditing(r)} editDisabled={editing !== null} onDelete={() => void onDelete(r)} deleteDisabled={remove.busy} />
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </section>
  );
}

interface ReplyEditorProps {
  reply: CannedReply | null;
  categories: string[];
  languages: string[];
  onDone: (saved: boolean) => void;
}

function ReplyEditor({ reply, categories, languages, onDone }: ReplyEditorProps) {
  const [form, setForm] = useState<CannedReplyForm>(reply ? { title: reply.title, text: reply.text, category: reply.category, language: reply.language } : EMPTY);
  const [problems, setProblems] = useState<Problems<keyof CannedReplyForm>>({});
  const save = useAction();
  const set = (field: keyof CannedReplyForm) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [field]: e.currentTarget.value });
  const id = useId();
  const ids = { categories: `${id}-categories`, languages: `${id}-languages` };

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const found = cannedReplyProblems(form);
    setProblems(found);
    if (hasProblems(found)) return;
    const body = { title: form.title.trim(), text: form.text.trim(), category: form.category.trim(), language: form.language.trim() };
    const ok = await save.run(() => (reply ? adminApi.updateCannedReply(reply.id, body) : adminApi.createCannedReply(body)));
    if (ok) onDone(true);
  };

  return (
    <EditorForm title={reply ? t.editReply : t.newReply} save={save} onSubmit={(e) => void onSubmit(e)} onCancel={() => onDone(false)}>
      <Field label={t.title} problem={problems.title} wide>
        <input value={form.title} onInput={set('title')} maxLength={120} aria-invalid={problems.title ? 'true' : undefined} />
      </Field>
      <Field label={t.text} problem={problems.text} hint={t.placeholders} wide>
        <textarea value={form.text} onInput={set('text')} rows={4} aria-invalid={problems.text ? 'true' : undefined} />
      </Field>
      <Field label={t.category} problem={problems.category}>
        <input value={form.category} onInput={set('category')} list={ids.categories} maxLength={60} />
        <datalist id={ids.categories}>
          {categories.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </Field>
      <Field label={t.language} problem={problems.language}>
        <input value={form.language} onInput={set('language')} list={ids.languages} aria-invalid={problems.language ? 'true' : undefined} />
        <datalist id={ids.languages}>
          {languages.map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
      </Field>
    </EditorForm>
  );
}
