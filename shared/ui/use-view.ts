import { useEffect, useState } from 'preact/hooks';
import type { Observable } from '../observable';

/** The current view of a session, re-rendering the component whenever it changes. */
export function useView<T extends object>(source: Observable<T>): T {
  const [view, setView] = useState(source.view);
  useEffect(() => {
    // Preact runs effects after the next frame (up to 100 ms later, longer in a background tab): a change
    // made before this subscribes (a welcome that came quickly) would otherwise never be drawn.
    setView(source.view);
    return source.subscribe(() => setView(source.view));
  }, [source]);
  return view;
}
