import { useCallback, useEffect, useState } from 'react';
import { call } from '../api/client.js';
import { messages as t } from '../i18n/index.js';
import { usePoll } from '../use-now.js';
import { needsAction } from './parts.js';

/** Once a minute is enough for a count in the navigation; the list itself looks more often. */
const POLL_MS = 60_000;

/**
 * How many open requests wait on this state's officers: received and not yet acknowledged, asked
 * for more information, late, or a preservation about to lapse. One small query, as the list makes.
 */
export function useRequestsAttention(enabled: boolean): number {
  const [count, setCount] = useState(0);
  const load = useCallback(() => {
    if (!enabled) return;
    call('listRequests', { query: { box: 'all', limit: 500 } }).then(
      (r) => setCount(r.requests.filter(needsAction).length),
      () => undefined,
    );
  }, [enabled]);
  useEffect(load, [load]);
  usePoll(load, POLL_MS);
  return enabled ? count : 0;
}

/** The navigation entry's words: "Requests", and the count when something waits. */
export function RequestsNavLabel({ enabled }: { enabled: boolean }) {
  const count = useRequestsAttention(enabled);
  return (
    <>
      {t.requests.nav}
      {count > 0 ? (
        <>
          {' '}
          <span className="count-badge">
            {count}
            <span className="visually-hidden"> {t.requests.navAttention(count)}</span>
          </span>
        </>
      ) : null}
    </>
  );
}
