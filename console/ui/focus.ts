/**
 * @module Where the focus goes when what held it went away (issue 12): choosing a search hit closes the
 * answer that held the focus, which would fall to the page's body and leave a keyboard or screen reader
 * user at its top.
 */

/**
 * Focuses `el` (without scrolling: the caller scrolls) when the focus is lost, that is on the body, or parked
 * on one of the elements `parked` names by id (a title that held it while the page loaded); never taken away
 * from a field or button the agent moved to meanwhile.
 */
export function takeLostFocus(el: HTMLElement | null | undefined, parked: readonly string[] = []): void {
  if (!el) return;
  const active = document.activeElement;
  if (active && active !== document.body && !parked.includes(active.id)) return;
  el.focus({ preventScroll: true });
}
