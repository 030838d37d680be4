import { useCallback, useEffect, useState } from 'react';
import { call } from '../api/client.js';
import { messages as t } from '../i18n/index.js';
import { usePoll } from '../use-now.js';

/** Once a minute is enough for a count in the navigation; the pages themselves look more often. */
const POLL_MS = 60_000;

/**
 * How many open consultations wait on this state: received and not yet acknowledged, asked for
 * more information, or overdue. One small query, the same the inbox makes.
 */
export function useConsultationsAttention(enabled: boolean): number {
  const [count, setCount] = useState(0);
  const load = useCallback(() => {
    if (!enabled) return;
    call('listConsultations', { query: { box: 'all', limit: 500 } }).then(
      (r) =>
        setCount(
          r.consultations.filter((c) => c.status !== 'draft' && c.status !== 'closed' && ((c.side === 'recipient' && c.status === 'sent') || c.awaiting === c.side || c.ackState === 'overdue'))
            .length,
        ),
      () => undefined,
    );
  }, [enabled]);
  useEffect(load, [load]);
  usePoll(load, POLL_MS);
  return enabled ? count : 0;
}

/** The navigation entry's words: "Consultations", and the count when something waits. */
export function ConsultationsNavLabel({ count }: { count: number }) {
  return (
    <>
      {t.consultations.nav}
      {count > 0 ? (
        <>
          {' '}
          <span className="count-badge">
            {count}
            <span className="visually-hidden"> {t.consultations.navAttention(count)}</span>
          </span>
        </>
      ) : null}
    </>
  );
}
