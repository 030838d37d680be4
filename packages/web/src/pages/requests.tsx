import type { ResponseOf } from '@parley/core';
import { useCallback, useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { call, type QueryOf } from '../api/client.js';
import { CaseListFrame } from '../components/case-list.js';
import { CheckboxField, SelectField, TextField } from '../components/fields.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { TlpBadge } from '../components/tlp-badge.js';
import { formatFromNow, formatTime, messages as t } from '../i18n/index.js';
import { may } from '../permissions.js';
import { formOf } from '../requests/form-model.js';
import { KindBadge, needsAction, PreservationClock, RequestDeadline, RequestStatusBadge } from '../requests/parts.js';
import '../requests/requests.css';
import { requestKinds, requestStatuses } from '../requests/values.js';
import { useUser } from '../session.js';
import { useLoad } from '../use-load.js';
import { clipText } from '../text.js';
import { useNow, usePoll } from '../use-now.js';

const k = t.requests;

/** Other states act in their own time; the list looks again this often while it is open. */
const POLL_MS = 10_000;

const boxes = ['inbox', 'outbox', 'drafts', 'all'] as const;
type Box = (typeof boxes)[number];
type Request = ResponseOf<'listRequests'>['requests'][number];
const listedStatuses = requestStatuses.filter((s) => s !== 'draft');

interface Filters {
  box: Box;
  q: string;
  kind: string;
  state: string;
  status: string;
  overdue: boolean;
}

/** The filters live in the address, so that a view can be bookmarked, linked to and kept through sign-in. */
function filtersFrom(search: string): Filters {
  const p = new URLSearchParams(search);
  const pick = (name: string, allowed: readonly string[]) => {
    const v = p.get(name) ?? '';
    return allowed.includes(v) ? v : '';
  };
  const box = p.get('box') ?? 'inbox';
  const state = p.get('state') ?? '';
  return {
    box: (boxes as readonly string[]).includes(box) ? (box as Box) : 'inbox',
    q: clipText(p.get('q') ?? '', 200),
    kind: pick('kind', requestKinds),
    state: /^[A-Z]{3}$/.test(state) ? state : '',
    status: pick('status', listedStatuses),
    overdue: p.get('overdue') === 'true',
  };
}

function searchOf(f: Filters): string {
  const p = new URLSearchParams();
  p.set('box', f.box);
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.kind) p.set('kind', f.kind);
  if (f.state) p.set('state', f.state);
  if (f.status) p.set('status', f.status);
  if (f.overdue) p.set('overdue', 'true');
  return p.toString();
}

export function RequestsPage() {
  const user = useUser();
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = filtersFrom(search);
  const now = useNow();
  const key = searchOf(filters);

  const list = useLoad(
    () => {
      const query: QueryOf<'listRequests'> = {
        box: filters.box,
        // In NFC, the query has the characters its field counted against the node's limit (the
        // node counts the query as sent; its search folds text to NFKC in any case).
        ...(filters.q.trim() ? { q: filters.q.trim().normalize('NFC') } : {}),
        ...(filters.kind ? { kind: filters.kind as (typeof requestKinds)[number] } : {}),
        ...(filters.state ? { state: filters.state } : {}),
        ...(filters.status && filters.box !== 'drafts' ? { status: filters.status as (typeof requestStatuses)[number] } : {}),
        ...(filters.overdue ? { overdue: 'true' as const } : {}),
      };
      return call('listRequests', { query }).then((r) => r.requests);
    },
    [key],
    { keepOnError: true },
  );
  const peers = useLoad(() => call('listPeers').then((r) => r.peers), []);
  const { reload } = list;
  usePoll(useCallback(() => reload(), [reload]), POLL_MS);

  const names = new Map(peers.result.status === 'ready' ? peers.result.data.map((p) => [p.stateCode, p.name]) : []);
  const go = (f: Filters) => navigate(`/requests?${searchOf(f)}`, { replace: true });
  const items = list.result.status === 'ready' ? list.result.data : [];
  const filtered = Boolean(filters.q || filters.kind || filters.state || filters.status || filters.overdue);

  return (
    <Page title={k.title} intro={k.intro}>
      <div className="actions">
        {may(user.role, 'requests.write') ? (
          <Link href="/requests/new" className="button">
            {k.newLink}
          </Link>
        ) : null}
        <Link href="/requests/stats" className="button button-secondary">
          {k.statsLink}
        </Link>
        <Link href="/requests/legal-bases" className="button button-secondary">
          {k.legalBasesLink}
        </Link>
      </div>
      <CaseListFrame
        words={k}
        boxes={boxes}
        box={filters.box}
        hrefFor={(b) => `/requests?${searchOf({ ...filters, box: b })}`}
        filters={<FilterForm key={key} filters={filters} stateCodes={[...names.keys()].sort()} names={names} onApply={go} />}
        list={list}
        count={items.length}
        filtered={filtered}
      >
        <ul className="records request-list" aria-label={k.count(items.length)}>
          {items.map((r) => (
            <RequestRow key={r.id} r={r} name={names.get(r.counterpart ?? '') ?? null} now={now} />
          ))}
        </ul>
      </CaseListFrame>
    </Page>
  );
}

function FilterForm({ filters, stateCodes, names, onApply }: { filters: Filters; stateCodes: string[]; names: Map<string, string>; onApply: (f: Filters) => void }) {
  const [f, setF] = useState(filters);
  const set =
    <K extends keyof Filters>(key: K) =>
    (value: Filters[K]) =>
      setF((x) => ({ ...x, [key]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(f);
  };
  const codes = filters.state && !stateCodes.includes(filters.state) ? [...stateCodes, filters.state] : stateCodes;
  return (
    <form className="filters" role="search" aria-labelledby="request-filters-title" onSubmit={submit}>
      <h2 id="request-filters-title" className="visually-hidden">
        {k.filtersTitle}
      </h2>
      <TextField id="requests-q" label={k.search} hint={k.searchHint} type="search" maxChars={200} value={f.q} onChange={set('q')} />
      <div className="toolbar toolbar-start">
        <SelectField
          id="requests-kind"
          label={k.filterKind}
          value={f.kind}
          options={[{ value: '', label: k.anyKind }, ...requestKinds.map((x) => ({ value: x, label: k.kinds[x] ?? x }))]}
          onChange={set('kind')}
        />
        <SelectField
          id="requests-state"
          label={k.filterState}
          value={f.state}
          options={[{ value: '', label: t.common.allStates }, ...codes.map((c) => ({ value: c, label: names.get(c) ? t.common.stateOption(c, names.get(c)!) : c }))]}
          onChange={set('state')}
        />
        {filters.box !== 'drafts' ? (
          <SelectField
            id="requests-status"
            label={k.filterStatus}
            value={f.status}
            options={[{ value: '', label: k.anyStatus }, ...listedStatuses.map((s) => ({ value: s, label: k.statuses[s] ?? s }))]}
            onChange={set('status')}
          />
        ) : null}
      </div>
      <CheckboxField id="requests-overdue" label={k.filterOverdue} checked={f.overdue} onChange={set('overdue')} />
      <div className="actions">
        <button type="submit" className="button">
          {k.apply}
        </button>
        <button type="button" className="button button-secondary" onClick={() => onApply({ box: filters.box, q: '', kind: '', state: '', status: '', overdue: false })}>
          {k.clear}
        </button>
      </div>
    </form>
  );
}

/**
 * One request as a card: the columns of a table (type, other state, status, deadline,
 * preservation) as labelled facts, which stay readable on a phone.
 */
function RequestRow({ r, name, now }: { r: Request; name: string | null; now: number }) {
  const attention = needsAction(r);
  const reference = formOf(r.form).reference;
  return (
    <li className={`record${attention ? ' record-attention' : ''}${r.status === 'closed' ? ' record-muted' : ''}`}>
      <h3 className="record-title">
        <Link href={r.status === 'draft' ? `/requests/${r.id}/edit` : `/requests/${r.id}`} dir="auto">
          {r.title || k.untitled}
        </Link>
      </h3>
      <p className="record-subtitle">
        <KindBadge kind={r.kind} /> <TlpBadge level={r.tlp} /> <RequestStatusBadge status={r.status} outcome={r.outcome} decision={r.decision} />
        {attention ? (
          <>
            {' '}
            <span className="badge badge-request-action">{k.needsAction}</span>
          </>
        ) : null}
      </p>
      <dl className="record-facts">
        <div>
          <dt>{r.side === 'recipient' ? k.col.from : k.col.to}</dt>
          <dd>{r.counterpart ? <StateLabel code={r.counterpart} name={name} /> : t.common.none}</dd>
        </div>
        {reference ? (
          <div>
            <dt>{k.col.reference}</dt>
            <dd className="break" dir="auto">
              {reference}
            </dd>
          </div>
        ) : null}
        {r.status !== 'draft' ? (
          <div>
            <dt>{k.col.deadline}</dt>
            <dd>
              <RequestDeadline r={r} now={now} />
            </dd>
          </div>
        ) : null}
        {r.preservation !== 'none' ? (
          <div>
            <dt>{k.col.preservation}</dt>
            <dd>
              <PreservationClock preserveUntil={r.preserveUntil} preservation={r.preservation} />
            </dd>
          </div>
        ) : null}
        <div>
          <dt>{k.col.lastUpdate}</dt>
          <dd>
            {formatTime(r.updatedAt)} <span className="muted">({formatFromNow(r.updatedAt, now)})</span>
          </dd>
        </div>
      </dl>
      {r.awaiting && r.status !== 'closed' ? <p className="notice">{r.awaiting === r.side ? k.awaitingYou : k.awaitingThem}</p> : null}
    </li>
  );
}
