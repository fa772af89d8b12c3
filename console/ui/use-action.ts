/**
 * @module Runs one HTTP action from a component: busy while it runs, the ApiError kept to show inline
 * (never swallowed), and the answer handed on.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../session/api';

export interface ActionState {
  busy: boolean;
  error: ApiError | null;
  /** Runs `fn`; resolves to its answer, or to undefined after showing its error. */
  run: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  clear: () => void;
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'internal', err instanceof Error ? err.message : String(err));
}

export function useAction(): ActionState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(toApiError(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, clear: () => setError(null) };
}
