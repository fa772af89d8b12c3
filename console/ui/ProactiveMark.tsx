/** @module Issue 15: the mark on a conversation an agent started (R11 proactive chat), in lists and the header. */
import { t } from '../i18n/i18n';

/** An outgoing arrow: the first word came from our side. Labelled for screen readers, titled for a pointer. */
export function ProactiveMark() {
  return (
    <span class="proactive-mark" role="img" aria-label={t.proactiveChat} title={t.proactiveChat}>
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
        <path d="M4 12L12 4M6 4h6v6" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
    </span>
  );
}
