/**
 * @module A dialog whose form changes one conversation (labels, requester, wrap-up): Cancel and a submit
 * button; the saved summary is handed on and the dialog closes, or the error shows above the buttons.
 * `DialogForm` is the form itself, for dialogs that check their fields first or save something else.
 */
import type { ComponentChildren } from 'preact';
import type { ConversationSummary } from '../../shared/protocol';
import type { ApiError } from '../session/api';
import { Dialog } from './Dialog';
import { ErrorLine } from '../ui/ErrorLine';
import { t } from '../i18n/i18n';
import { useAction } from '../ui/use-action';

export interface FormDialogProps {
  title: string;
  class?: string;
  /** Classes besides `dialog-body` on the form's body. */
  bodyClass?: string;
  submitLabel: string;
  /** Saves the form and answers the changed summary; null while the form is not ready to submit. */
  save: (() => Promise<ConversationSummary>) | null;
  onApplied: (s: ConversationSummary) => void;
  onClose: () => void;
  children: ComponentChildren;
}

/**
 * @example
 * <FormDialog title={t.labelsTitle} submitLabel={t.save} save={() => api.setLabels(id, labels)} onApplied={apply} onClose={close}>
 *   <input … />
 * </FormDialog>
 */
export function FormDialog({ title, class: className, bodyClass, submitLabel, save, onApplied, onClose, children }: FormDialogProps) {
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!save) return;
    const summary = await action.run(save);
    if (summary) {
      onApplied(summary);
      onClose();
    }
  };
  return (
    <Dialog title={title} onClose={onClose} class={className}>
      <DialogForm
        onSubmit={submit}
        onClose={onClose}
        bodyClass={bodyClass}
        error={action.error}
        submitLabel={submitLabel}
        submitDisabled={!save || action.busy}
      >
        {children}
      </DialogForm>
    </Dialog>
  );
}

export interface DialogFormProps {
  onSubmit: (e: Event) => void;
  onClose: () => void;
  /** Classes besides `dialog-body` on the form's body. */
  bodyClass?: string | undefined;
  /** Turns the browser's validation off where the dialog names problems itself. */
  noValidate?: boolean;
  /** The refusal shown below the fields. */
  error: ApiError | null;
  submitLabel: string;
  /** `primary` unless the submit destroys something. */
  submitClass?: 'primary' | 'danger';
  submitDisabled: boolean;
  children: ComponentChildren;
}

/**
 * A dialog's form: the fields, the refusal below them, Cancel and the submit button.
 *
 * @example
 * <Dialog title={t.sf.changePassword} onClose={onClose}>
 *   <DialogForm onSubmit={submit} onClose={onClose} error={action.error} submitLabel={t.save} submitDisabled={action.busy}>…</DialogForm>
 * </Dialog>
 */
export function DialogForm({ onSubmit, onClose, bodyClass, noValidate, error, submitLabel, submitClass = 'primary', submitDisabled, children }: DialogFormProps) {
  return (
    <form onSubmit={onSubmit} noValidate={noValidate}>
      <div class={bodyClass ? `dialog-body ${bodyClass}` : 'dialog-body'}>
        {children}
        <ErrorLine error={error} />
      </div>
      <footer class="dialog-foot">
        <button type="button" class="ghost" onClick={onClose}>
          {t.cancel}
        </button>
        <button type="submit" class={submitClass} disabled={submitDisabled}>
          {submitLabel}
        </button>
      </footer>
    </form>
  );
}
