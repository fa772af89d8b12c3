/**
 * @module Styles of an on-demand chunk, adopted into the widget's shadow root when the chunk first draws
 * (a constructable stylesheet, allowed under a strict CSP), so the app chunk does not carry them.
 */
const adopted = new WeakMap<Node, Set<string>>();

/** Adds `css` to the stylesheets of the root `el` lives in, once per root. */
export function adoptCss(el: Node | null, css: string): void {
  const root = el?.getRootNode() as (ShadowRoot | Document) | undefined;
  if (!root || !('adoptedStyleSheets' in root)) return;
  let done = adopted.get(root);
  if (!done) adopted.set(root, (done = new Set()));
  if (done.has(css)) return;
  done.add(css);
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    // No constructable stylesheets (an old engine): the parts still work, unstyled.
  }
}
