import { useCallback, useEffect, useState } from 'react';

export type Loaded<T> = { status: 'loading' } | { status: 'failed'; error: unknown } | { status: 'ready'; data: T };

/** Loads data for a page, ignoring answers that arrive after the page has moved on. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): { result: Loaded<T>; reload: () => void; set: (data: T) => void } {
  const [result, setResult] = useState<Loaded<T>>({ status: 'loading' });
  const [round, setRound] = useState(0);
  const stable = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    stable().then(
      (data) => live && setResult({ status: 'ready', data }),
      (error: unknown) => live && setResult({ status: 'failed', error }),
    );
    return () => {
      live = false;
    };
  }, [stable, round]);
  return {
    result,
    reload: useCallback(() => setRound((r) => r + 1), []),
    set: useCallback((data: T) => setResult({ status: 'ready', data }), []),
  };
}
