import type { ResponseOf } from '@parley/core';
import { useLocation, useSearch } from 'wouter';
import { call } from '../api/client.js';
import { LoadStatus } from '../components/alerts.js';
import { SelectField } from '../components/fields.js';
import { DownloadProof } from '../components/download-proof.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { formatFromNow, formatTime, messages as t } from '../i18n/index.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { useNow } from '../use-now.js';

type OutboxMessage = ResponseOf<'listMessages'>['messages'][number];
type Status = OutboxMessage['status'];

const o = t.outbox;
const statuses: readonly Status[] = ['queued', 'delivered', 'failed'];

/** The filters live in the address (`?recipient=XAB&status=failed`), so a view can be bookmarked and linked to. */
function filtersFrom(search: string): { recipient: string; status: Status | '' } {
  const params = new URLSearchParams(search);
  const recipient = params.get('recipient') ?? '';
  const status = params.get('status') ?? '';
  return {
    recipient: /^[A-Z]{3}$/.test(recipient) ? recipient : '',
    status: (statuses as readonly string[]).includes(status) ? (status as Status) : '',
  };
}

export function MessagesPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = filtersFrom(search);
  const now = useNow();
  const messages = useLoad(
    () =>
      call('listMessages', {
        query: { ...(filters.recipient ? { recipient: filters.recipient } : {}), ...(filters.status ? { status: filters.status } : {}) },
      }).then((r) => r.messages),
    [filters.recipient, filters.status],
  );
  const peers = useLoad(() => call('listPeers').then((r) => r.peers), []);

  const setFilter = (change: Partial<typeof filters>) => {
    const next = { ...filters, ...change };
    const params = new URLSearchParams();
    if (next.recipient) params.set('recipient', next.recipient);
    if (next.status) params.set('status', next.status);
    const query = params.toString();
    navigate(query ? `/messages?${query}` : '/messages', { replace: true });
  };

  const { state } = useSession();
  const hours = state.status === 'signed-in' ? state.node?.deliveryHours : undefined;
  const period = hours === undefined ? o.periodUnknown : o.period(hours);
  const names = new Map(peers.result.status === 'ready' ? peers.result.data.map((p) => [p.stateCode, p.name]) : []);
  const recipientOptions = [...names.keys()];
  if (filters.recipient && !names.has(filters.recipient)) recipientOptions.push(filters.recipient);

  return (
    <Page title={o.title} intro={o.intro}>
      <div className="toolbar toolbar-start">
        <SelectField
          id="messages-recipient"
          label={o.recipient}
          value={filters.recipient}
          options={[
            { value: '', label: t.common.allStates },
            ...recipientOptions.sort().map((code) => ({ value: code, label: names.get(code) ? t.common.stateOption(code, names.get(code)!) : code })),
          ]}
          onChange={(recipient) => setFilter({ recipient })}
        />
        <SelectField
          id="messages-status"
          label={o.status}
          value={filters.status}
          options={[{ value: '' as const, label: o.anyStatus }, ...statuses.map((s) => ({ value: s, label: o.statuses[s] ?? s }))]}
          onChange={(status) => setFilter({ status })}
        />
      </div>
      <LoadStatus result={messages.result} />
      <p className="visually-hidden" role="status">
        {messages.result.status === 'ready' ? o.count(messages.result.data.length) : ''}
      </p>
      {messages.result.status === 'ready' ? (
        messages.result.data.length === 0 ? (
          <p>{o.empty}</p>
        ) : (
          <ul className="records">
            {messages.result.data.map((m) => (
              <MessageRecord key={m.id} message={m} name={names.get(m.recipient) ?? null} now={now} period={period} />
            ))}
          </ul>
        )
      ) : null}
    </Page>
  );
}

function MessageRecord({ message: m, name, now, period }: { message: OutboxMessage; name: string | null; now: number; period: string }) {
  return (
    <li className={`record record-${m.status}`}>
      <h2 className="record-title record-title-small">
        {o.types[m.type] ?? m.type} <span className={`badge badge-message-${m.status}`}>{o.statuses[m.status] ?? m.status}</span>
      </h2>
      <p className="record-subtitle">
        {o.toState} <StateLabel code={m.recipient} name={name} />
      </p>
      <dl className="record-facts">
        <div>
          <dt>{o.created}</dt>
          <dd>{formatTime(m.createdAt)}</dd>
        </div>
        {m.status === 'delivered' ? (
          <>
            <div>
              <dt>{o.deliveredAt}</dt>
              <dd>{formatTime(m.deliveredAt)}</dd>
            </div>
            <div>
              <dt>{o.receipt}</dt>
              <dd>{m.hasReceipt ? o.receiptHeld : o.receiptMissing}</dd>
            </div>
          </>
        ) : (
          <div>
            <dt>{o.attempts}</dt>
            <dd>{m.attempts}</dd>
          </div>
        )}
        {m.status === 'queued' && m.nextAttemptAt ? (
          <div>
            <dt>{o.nextAttempt}</dt>
            <dd>
              {formatTime(m.nextAttemptAt)} ({formatFromNow(m.nextAttemptAt, now)})
            </dd>
          </div>
        ) : null}
        {(m.status !== 'delivered' || m.givenUpAt) && m.lastError ? (
          <div className="fact-wide">
            <dt>{m.status === 'queued' ? o.lastError : o.reason}</dt>
            <dd className="break">{m.lastError}</dd>
          </div>
        ) : null}
        <div className="fact-wide">
          <dt>{o.hash}</dt>
          <dd className="mono small">{m.hash}</dd>
        </div>
      </dl>
      {m.status === 'delivered' && m.hasReceipt ? <DownloadProof hash={m.hash} /> : null}
      {m.status === 'queued' ? <p className="hint">{o.queuedHelp(period)}</p> : null}
      {m.status === 'failed' ? <p className="hint">{o.failedHelp(period)}</p> : null}
      {m.status === 'delivered' && m.givenUpAt && m.deliveredAt ? (
        <p className="alert alert-warning">{o.deliveredAfterGivingUp(m.recipient, formatTime(m.givenUpAt), formatTime(m.deliveredAt))}</p>
      ) : null}
    </li>
  );
}

