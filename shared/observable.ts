/**
 * @module A view that changes over time and tells its subscribers when it does: the base of the visitor's
 * and the agent's session objects, read by Preact components through `useView` (shared/ui/use-view.ts).
 */

export class Observable<T extends object> {
  #view: T;
  readonly #listeners = new Set<() => void>();

  constructor(initial: T) {
    this.#view = initial;
  }

  /** The current view; a new object after every change, so components can compare by identity. */
  get view(): T {
    return this.#view;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  protected update(patch: Partial<T>): void {
    this.#view = { ...this.#view, ...patch };
    for (const listener of this.#listeners) listener();
  }
}
