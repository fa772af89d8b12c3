/**
 * @module Small hooks the admin screens share: a loaded resource with its error and a reload, a typed value
 * that settles after a pause, a clock that ticks so durations on screen stay current, and an action with
 * its busy flag and error, a copy-to-clipboard button's state.
 */
import { useCallback, useEffect, useRef, useState, type Inputs } from 'preact/hooks';
import { errorText } from './i18n';

export interface Resource<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads on mount and whenever `inputs` change; an answer that arrives after a newer request started (or
 * after unmount) is dropped, so a slow search cannot overwrite a newer one. The data stays while reloading.
 */
export function useResource<T>(load: () => Promise<T>, inputs: Inputs): Resource<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => {
        if (mine === generation.current) setState({ data, error: null, loading: false });
      },
      (err: unknown) => {
        if (mine === generation.current) setState((s) => ({ data: s.data, error: errorText(err), loading: false }));
      },
    );
  }, []);

  useEffect(() => {
    reload();
  }, inputs);
  useEffect(
    () => () => {
      generation.current++;
    },
    [],
  );
  return { ...state, reload };
}

/**
 * `value` once it has stayed the same for `ms`: a search typed into a box asks the server after a short
 * pause, not at each keystroke.
 *
 * @example const q = useSettled(typed, 250)
 */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value]);
  return settled;
}

/** The current time, refreshed every `everyMs`. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * Runs an action that may fail, keeping a busy flag and the error line for the form that started it.
 */
export interface Action {
  busy: boolean;
  error: string | null;
  /** Runs `action`; answers `{ value }` when it succeeded, null when it threw (the error is then shown). */
  run: <T>(action: () => Promise<T>) => Promise<{ value: T } | null>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<{ value: T } | null> => {
    setBusy(true);
    setError(null);
    try {
      return { value: await action() };
    } catch (err) {
      setError(errorText(err));
      return null;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}

/**
 * A copy button for `text` (an install snippet, a token shown once): `copied` once it is on the clipboard;
 * without a clipboard (plain http, or the browser refused) the field is selected so Ctrl+C works.
 */
export function useCopy<T extends HTMLInputElement | HTMLTextAreaElement>(text: string): { copied: boolean; field: { current: T | null }; copy: () => Promise<void> } {
  const [copied, setCopied] = useState(false);
  const field = useRef<T>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      field.current?.select();
    }
  };
  return { copied, field, copy };
}
