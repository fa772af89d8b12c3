/**
 * @module Wrap-up reasons (supervisors and admins): the searchable list an agent picks from to close a
 * conversation (SPEC R8); add, rename, delete.
 */
import { useState } from 'preact/hooks';
import { adminApi, type WrapUpReason } from './admin-api';
import { labelProblem, type Problem } from './forms';
import { useAction, useResource, useSettled } from './hooks';
import { t } from './i18n';
import { Field, InlineError, LoadedList, RowActions } from './ui';
import './admin.css';

export function WrapUpReasons() {
  const [typed, setTyped] = useState('');
  const q = useSettled(typed, 250);
  const list = useResource(() => adminApi.wrapUpReasons(q), [q]);
  const [renaming, setRenaming] = useState<string | null>(null);
  const remove = useAction();

  const onDelete = async (reason: WrapUpReason) => {
    if (!confirm(t.confirmDelete(reason.label))) return;
    if (await remove.run(() => adminApi.deleteWrapUpReason(reason.id))) list.reload();
  };

  return (
    <section class="adm-section" aria-labelledby="adm-reasons-title">
      <div class="adm-head">
        <h2 id="adm-reasons-title">{t.tabs.reasons}</h2>
      </div>
      <LabelForm
        label={t.newReason}
        submit={t.add}
        initial=""
        onSave={(label) => adminApi.createWrapUpReason(label)}
        onDone={(saved) => saved && list.reload()}
        clearOnSave
      />
      <div class="adm-toolbar" role="search">
        <input type="search" aria-label={t.searchReasons} placeholder={t.searchReasons} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
      </div>
      <InlineError message={list.error ?? remove.error} />
      <LoadedList items={list.data} loading={list.loading} empty={t.noReasons}>
        {(reasons) => (
          <ul class="adm-list" aria-busy={list.loading}>
            {reasons.map((r) => (
              <li key={r.id} class="adm-row">
                {renaming === r.id ? (
                  <LabelForm
                    label={t.rename}
                    submit={t.save}
                    initial={r.label}
                    onSave={(label) => adminApi.renameWrapUpReason(r.id, label)}
                    onDone={(saved) => {
                      setRenaming(null);
                      if (saved) list.reload();
                    }}
                  />
                ) : (
                  <>
                    <div class="adm-main">
                      <strong>{r.label}</strong>
                    </div>
                    <RowActions editLabel={t.rename} onEdit={() => setRenaming(r.id)} onDelete={() => void onDelete(r)} deleteDisabled={remove.busy} />
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </section>
  );
}

interface LabelFormProps {
  label: string;
  submit: string;
  initial: string;
  onSave: (label: string) => Promise<unknown>;
  onDone: (saved: boolean) => void;
  /** Adding: the form stays, emptied, for the next reason. Renaming: a cancel button closes it. */
  clearOnSave?: boolean;
}

function LabelForm({ label, submit, initial, onSave, onDone, clearOnSave }: LabelFormProps) {
  const [value, setValue] = useState(initial);
  const [problem, setProblem] = useState<Problem | null>(null);
  const save = useAction();

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const found = labelProblem(value);
    setProblem(found);
    if (found) return;
    if (await save.run(() => onSave(value.trim()))) {
      if (clearOnSave) setValue('');
      onDone(true);
    }
  };

  return (
    <form class="adm-inline-form" onSubmit={(e) => void onSubmit(e)} noValidate>
      <Field label={label} problem={problem ?? undefined} wide>
        <input value={value} onInput={(e) => setValue(e.currentTarget.value)} maxLength={80} aria-invalid={problem ? 'true' : undefined} />
      </Field>
      <div class="adm-form-actions">
        <button type="submit" class="adm-primary" disabled={save.busy}>
          {save.busy ? t.saving : submit}
        </button>
        {!clearOnSave && (
          <button type="button" class="adm-ghost" onClick={() => onDone(false)}>
            {t.cancel}
          </button>
        )}
      </div>
      <InlineError message={save.error} />
    </form>
  );
}
