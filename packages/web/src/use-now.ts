import { useEffect, useState } from 'react';

/** The current time, renewed every `everyMs`, for phrases such as "due in 1 h 20 min". */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * Calls `tick` every `everyMs` while the tab is visible, and at once when it becomes visible
 * again: for pages that show what other states are doing, such as communication checks.
 */
export function usePoll(tick: () => void, everyMs: number): void {
  useEffect(() => {
    const run = () => {
      if (document.visibilityState === 'visible') tick();
    };
    const timer = window.setInterval(run, everyMs);
    document.addEventListener('visibilitychange', run);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', run);
    };
  }, [tick, everyMs]);
}
