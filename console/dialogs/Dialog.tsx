/**
 * @module A modal dialog on the native <dialog>: showModal() traps focus and Escape cancels; focus goes to
 * the first field (or `initialFocus`) on open and back to whatever had it before on close.
 */
import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/i18n';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** CSS selector, inside the dialog, of the element to focus first. */
  initialFocus?: string;
  class?: string;
}

export function Dialog({ title, onClose, children, initialFocus, class: className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // Before the next keystroke (a layout effect, not after paint): a dialog opened by typing, such as the
  // canned replies after "/", takes the keys that follow (issue 15).
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal?.();
    const first =
      (initialFocus ? dialog.querySelector<HTMLElement>(initialFocus) : null) ??
      dialog.querySelector<HTMLElement>('input, select, textarea, .dialog-body button, .dialog-foot button');
    first?.focus();
    return () => opener?.focus();
  }, []);
  return (
    <dialog
      ref={ref}
      class={`dialog${className ? ` ${className}` : ''}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header class="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon" aria-label={t.close} onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}
