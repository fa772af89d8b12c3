/**
 * @module Loads a section's component on first use, in its own chunk (admin pages, the supervisor board,
 * live visitors), so the agent's everyday console stays small.
 */
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/i18n';

export function lazyComponent<P extends object>(load: () => Promise<FunctionComponent<P>>): FunctionComponent<P> {
  let loaded: FunctionComponent<P> | null = null;
  return function Lazy(props: P) {
    const [Component, setComponent] = useState<FunctionComponent<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Component) return;
      load().then(
        (c) => {
          loaded = c;
          setComponent(() => c);
        },
        () => setFailed(true),
      );
    }, []);
    if (failed) {
      return (
        <p class="error" role="alert">
          {t.loadFailed}
        </p>
      );
    }
    return Component ? <Component {...props} /> : <p class="none">{t.loading}</p>;
  };
}
