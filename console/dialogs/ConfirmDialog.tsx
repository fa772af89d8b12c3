import type { ApiError } from '../session/api';
import { Dialog } from './Dialog';
import { ErrorLine } from '../ui/ErrorLine';
import { t } from '../i18n/i18n';

/** Asks before something that cannot be undone; the safe choice has the focus. */
export function ConfirmDialog(props: { title: string; text: string; confirm: string; busy: boolean; error: ApiError | null; onConfirm: () => void; onClose: () => void }) {
  return (
    <Dialog title={props.title} onClose={props.onClose} initialFocus=".dialog-foot .ghost">
      <div class="dialog-body">
        <p>{props.text}</p>
        <ErrorLine error={props.error} />
      </div>
      <footer class="dialog-foot">
        <button type="button" class="ghost" onClick={props.onClose}>
          {t.cancel}
        </button>
        <button type="button" class="danger" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirm}
        </button>
      </footer>
    </Dialog>
  );
}
