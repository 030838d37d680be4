import { useCallback, useEffect, useState } from 'react';
import { usePoll } from './use-now.js';

export type Loaded<T> = { status: 'loading' } | { status: 'failed'; error: unknown } | { status: 'ready'; data: T };

/**
 * Loads data for a page, ignoring answers that arrive after the page has moved on. With
 * `keepOnError`, a failed reload keeps the data already shown and reports the failure apart
 * (`reloadError`): a page that polls must not lose a half-filled form to one dropped request.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  options: { keepOnError?: boolean } = {},
): { result: Loaded<T>; reload: () => void; set: (data: T) => void; reloadError: unknown } {
  const [result, setResult] = useState<Loaded<T>>({ status: 'loading' });
  const [reloadError, setReloadError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  const keep = options.keepOnError ?? false;
  const stable = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    stable().then(
      (data) => {
        if (!live) return;
        setResult({ status: 'ready', data });
        setReloadError(null);
      },
      (error: unknown) => {
        if (!live) return;
        setResult((r) => (keep && r.status === 'ready' ? r : { status: 'failed', error }));
        setReloadError(error);
      },
    );
    return () => {
      live = false;
    };
  }, [stable, round, keep]);
  return {
    result,
    reload: useCallback(() => setRound((r) => r + 1), []),
    set: useCallback((data: T) => setResult({ status: 'ready', data }), []),
    reloadError,
  };
}

/**
 * Loads what a page shows of a case other states act on, and loads it again every `everyMs` while
 * the tab is visible; a failed look keeps what is shown (`keepOnError`).
 */
export function usePolledLoad<T>(load: () => Promise<T>, deps: readonly unknown[], everyMs: number) {
  const loaded = useLoad(load, deps, { keepOnError: true });
  const { reload } = loaded;
  usePoll(useCallback(() => reload(), [reload]), everyMs);
  return loaded;
}
