/**
 * @module A popover that closes on a pointer down outside it or on Escape, and gives focus back to what opened
 * it on Escape (the settings menu, the search results).
 */
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

/**
 * While `open`, a pointer down outside `root` calls `close`; Escape calls `close` and focuses `returnTo`.
 *
 * @example useDismiss(open, root, button, () => setOpen(false))
 */
export function useDismiss(open: boolean, root: RefObject<HTMLElement>, returnTo: RefObject<HTMLElement>, close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) close();
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      close();
      returnTo.current?.focus();
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
    // `close` is a fresh closure each render; the listeners only need the one of the render that opened.
  }, [open]);
}
