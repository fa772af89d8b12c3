import { useEffect, useState } from 'preact/hooks';
import type { Observable } from '../observable';

/** The current view of a session, re-rendering the component whenever it changes. */
export function useView<T extends object>(source: Observable<T>): T {
  const [view, setView] = useState(source.view);
  useEffect(() => source.subscribe(() => setView(source.view)), [source]);
  return view;
}
