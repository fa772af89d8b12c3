/**
 * @module Small pieces the admin screens share: an inline error line, a list that says when it is loading
 * or empty, a row's Edit and Delete, a labelled form field that names its own problem, an editor's form
 * with Save and Cancel, a list of checkboxes, and a table whose last column holds each row's actions.
 */
import type { ComponentChildren } from 'preact';
import { toggled, type Problem } from './forms';
import type { Action } from './hooks';
import { t } from './i18n';

export function InlineError({ message }: { message: string | null }) {
  return message ? (
    <p class="adm-error" role="alert">
      {message}
    </p>
  ) : null;
}

export interface LoadedListProps<T> {
  /** Null until the first answer. */
  items: readonly T[] | null;
  loading: boolean;
  /** Said when the answer is an empty list. */
  empty: string;
  children: (items: readonly T[]) => ComponentChildren;
}

/**
 * "Loading" before the first answer, `empty` for an empty one, else the list `children` renders.
 *
 * @example <LoadedList items={list.data} loading={list.loading} empty={t.noReplies}>{(replies) => <ul>…</ul>}</LoadedList>
 */
export function LoadedList<T>({ items, loading, empty, children }: LoadedListProps<T>) {
  if (items === null) return loading ? <p class="adm-muted">{t.loading}</p> : null;
  if (items.length === 0) return <p class="adm-muted">{empty}</p>;
  return <>{children(items)}</>;
}

export interface RowActionsProps {
  /** Edit by default; Rename where only the name changes. */
  editLabel?: string;
  onEdit: () => void;
  editDisabled?: boolean;
  onDelete: () => void;
  deleteDisabled: boolean;
}

/** A list row's Edit and Delete buttons. */
export function RowActions({ editLabel = t.edit, onEdit, editDisabled, onDelete, deleteDisabled }: RowActionsProps) {
  return (
    <div class="adm-actions">
      <button type="button" class="adm-ghost" onClick={onEdit} disabled={editDisabled}>
        {editLabel}
      </button>
      <button type="button" class="adm-ghost danger" onClick={onDelete} disabled={deleteDisabled}>
        {t.delete}
      </button>
    </div>
  );
}

export interface FieldProps {
  label: string;
  problem?: Problem | undefined;
  hint?: string;
  children: ComponentChildren;
  wide?: boolean;
}

/** A label around its control, with the hint and the problem below it. */
export function Field({ label, problem, hint, children, wide }: FieldProps) {
  return (
    <label class={`adm-field${wide ? ' wide' : ''}${problem ? ' invalid' : ''}`}>
      <span class="adm-label">{label}</span>
      {children}
      {hint && <span class="adm-hint">{hint}</span>}
      {problem && <span class="adm-problem">{t.problem(problem, label)}</span>}
    </label>
  );
}

export interface EditorFormProps {
  title: string;
  /** The save in progress: Save is disabled while busy, and its error shows above the buttons. */
  save: Pick<Action, 'busy' | 'error'>;
  onSubmit: (e: Event) => void;
  onCancel: () => void;
  children: ComponentChildren;
}

/**
 * The form that creates or edits one item (a reply, a queue, an agent): its title, fields, the save's
 * error, Save and Cancel. Validation is the caller's: the browser's is off.
 *
 * @example <EditorForm title={t.newQueue} save={save} onSubmit={(e) => void onSubmit(e)} onCancel={() => onDone(false)}>…</EditorForm>
 */
export function EditorForm({ title, save, onSubmit, onCancel, children }: EditorFormProps) {
  return (
    <form class="adm-form" onSubmit={onSubmit} noValidate aria-label={title}>
      <h3>{title}</h3>
      {children}
      <InlineError message={save.error} />
      <div class="adm-form-actions">
        <button type="submit" class="adm-primary" disabled={save.busy}>
          {save.busy ? t.saving : t.save}
        </button>
        <button type="button" class="adm-ghost" onClick={onCancel}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}

export interface CheckListProps {
  legend: string;
  /** Said when there is nothing to choose from. */
  empty: string;
  options: ReadonlyArray<{ id: string; label: ComponentChildren }>;
  checked: readonly string[];
  onChange: (ids: string[]) => void;
}

/** Checkboxes for a set of ids: a queue's members, an agent's queues. */
export function CheckList({ legend, empty, options, checked, onChange }: CheckListProps) {
  return (
    <fieldset class="adm-fieldset wide">
      <legend class="adm-label">{legend}</legend>
      {options.length === 0 && <p class="adm-muted">{empty}</p>}
      <div class="adm-checks">
        {options.map((o) => (
          <label key={o.id} class="adm-check">
            <input type="checkbox" checked={checked.includes(o.id)} onChange={(e) => onChange(toggled(checked, o.id, e.currentTarget.checked))} />
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export interface ActionTableProps {
  /** Added to `adm-table`, for a table's own column widths. */
  class?: string;
  busy: boolean;
  /** The visible column headings; a last, unnamed (to the eye) column holds each row's actions. */
  columns: readonly string[];
  /** The body's rows, each with one more cell than `columns`, for its actions. */
  children: ComponentChildren;
}

/**
 * A scrollable admin table: its headings, an actions column named only for screen readers, and the rows.
 *
 * @example <ActionTable busy={data.loading} columns={[t.name, t.role]}>{agents.map((a) => <tr key={a.id}>…</tr>)}</ActionTable>
 */
export function ActionTable({ class: extra, busy, columns, children }: ActionTableProps) {
  return (
    <div class="adm-table-wrap">
      <table class={extra ? `adm-table ${extra}` : 'adm-table'} aria-busy={busy}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
            <th scope="col">
              <span class="adm-sr-only">{t.actions}</span>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
