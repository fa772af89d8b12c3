/**
 * @module A dialog whose form changes one conversation (labels, requester, wrap-up): Cancel and a submit
 * button; the saved summary is handed on and the dialog closes, or the error shows above the buttons.
 */
import type { ComponentChildren } from 'preact';
import type { ConversationSummary } from '../shared/protocol';
import { Dialog } from './Dialog';
import { ErrorLine } from './ErrorLine';
import { t } from './i18n';
import { useAction } from './use-action';

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
      <form onSubmit={submit}>
        <div class={bodyClass ? `dialog-body ${bodyClass}` : 'dialog-body'}>
          {children}
          <ErrorLine error={action.error} />
        </div>
        <footer class="dialog-foot">
          <button type="button" class="ghost" onClick={onClose}>
            {t.cancel}
          </button>
          <button type="submit" class="primary" disabled={!save || action.busy}>
            {submitLabel}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
