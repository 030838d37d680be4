import type { Consultation } from '@parley/core';
import { useCallback, useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { call, type QueryOf } from '../api/client.js';
import { CaseListFrame } from '../components/case-list.js';
import { CheckboxField, SelectField, TextField } from '../components/fields.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { TlpBadge } from '../components/tlp-badge.js';
import { AckDeadline, StatusBadge, UrgencyBadge } from '../consultations/parts.js';
import { tlpLevels, urgencies } from '../consultations/values.js';
import { formatFromNow, formatTime, messages as t } from '../i18n/index.js';
import { may } from '../permissions.js';
import { useUser } from '../session.js';
import { useLoad } from '../use-load.js';
import { clipText } from '../text.js';
import { useNow, usePoll } from '../use-now.js';

const k = t.consultations;

/** Other states act in their own time; the list looks again this often while it is open. */
const POLL_MS = 10_000;

const boxes = ['inbox', 'outbox', 'drafts', 'all'] as const;
type Box = (typeof boxes)[number];
const statuses = ['sent', 'acknowledged', 'in_progress', 'responded', 'closed'] as const;

interface Filters {
  box: Box;
  q: string;
  state: string;
  status: string;
  urgency: string;
  tlp: string;
  norm: string;
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
    state: /^[A-Z]{3}$/.test(state) ? state : '',
    status: pick('status', statuses),
    urgency: pick('urgency', urgencies),
    tlp: pick('tlp', tlpLevels),
    norm: clipText(p.get('norm') ?? '', 64),
    overdue: p.get('overdue') === 'true',
  };
}

function searchOf(f: Filters): string {
  const p = new URLSearchParams();
  p.set('box', f.box);
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.state) p.set('state', f.state);
  if (f.status) p.set('status', f.status);
  if (f.urgency) p.set('urgency', f.urgency);
  if (f.tlp) p.set('tlp', f.tlp);
  if (f.norm.trim()) p.set('norm', f.norm.trim());
  if (f.overdue) p.set('overdue', 'true');
  return p.toString();
}

export function ConsultationsPage() {
  const user = useUser();
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = filtersFrom(search);
  const now = useNow();
  const key = searchOf(filters);

  const list = useLoad(
    () => {
      const query: QueryOf<'listConsultations'> = {
        box: filters.box,
        // In NFC, the query has the characters its field counted against the node's limit (the
        // node counts the query as sent; its search folds text to NFKC in any case).
        ...(filters.q.trim() ? { q: filters.q.trim().normalize('NFC') } : {}),
        ...(filters.state ? { state: filters.state } : {}),
        ...(filters.status && filters.box !== 'drafts' ? { status: filters.status as (typeof statuses)[number] } : {}),
        ...(filters.urgency ? { urgency: filters.urgency as (typeof urgencies)[number] } : {}),
        ...(filters.tlp ? { tlp: filters.tlp as (typeof tlpLevels)[number] } : {}),
        ...(filters.norm.trim() ? { norm: filters.norm.trim() } : {}),
        ...(filters.overdue ? { overdue: 'true' as const } : {}),
      };
      return call('listConsultations', { query }).then((r) => r.consultations);
    },
    [key],
    { keepOnError: true },
  );
  const peers = useLoad(() => call('listPeers').then((r) => r.peers), []);
  const { reload } = list;
  usePoll(useCallback(() => reload(), [reload]), POLL_MS);

  const names = new Map(peers.result.status === 'ready' ? peers.result.data.map((p) => [p.stateCode, p.name]) : []);
  const go = (f: Filters) => navigate(`/consultations?${searchOf(f)}`, { replace: true });
  const items = list.result.status === 'ready' ? list.result.data : [];
  const filtered = Boolean(filters.q || filters.state || filters.status || filters.urgency || filters.tlp || filters.norm || filters.overdue);

  return (
    <Page title={k.title} intro={k.intro}>
      {may(user.role, 'consultations.write') ? (
        <p>
          <Link href="/consultations/new" className="button">
            {k.newLink}
          </Link>
        </p>
      ) : null}
      <CaseListFrame
        words={k}
        boxes={boxes}
        box={filters.box}
        hrefFor={(b) => `/consultations?${searchOf({ ...filters, box: b })}`}
        filters={<FilterForm key={key} filters={filters} stateCodes={[...names.keys()].sort()} names={names} onApply={go} />}
        list={list}
        count={items.length}
        filtered={filtered}
      >
        <ul className="records consultation-list" aria-label={k.count(items.length)}>
          {items.map((c) => (
            <ConsultationRow key={c.id} c={c} name={names.get(c.counterpart ?? '') ?? null} now={now} />
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
    <form className="filters" role="search" aria-labelledby="consultation-filters-title" onSubmit={submit}>
      <h2 id="consultation-filters-title" className="visually-hidden">
        {k.filtersTitle}
      </h2>
      <TextField id="consultations-q" label={k.search} hint={k.searchHint} type="search" maxChars={200} value={f.q} onChange={set('q')} />
      <div className="toolbar toolbar-start">
        <SelectField
          id="consultations-state"
          label={k.filterState}
          value={f.state}
          options={[{ value: '', label: t.common.allStates }, ...codes.map((c) => ({ value: c, label: names.get(c) ? t.common.stateOption(c, names.get(c)!) : c }))]}
          onChange={set('state')}
        />
        {filters.box !== 'drafts' ? (
          <SelectField
            id="consultations-status"
            label={k.filterStatus}
            value={f.status}
            options={[{ value: '', label: k.anyStatus }, ...statuses.map((s) => ({ value: s, label: k.statuses[s] ?? s }))]}
            onChange={set('status')}
          />
        ) : null}
        <SelectField
          id="consultations-urgency"
          label={k.filterUrgency}
          value={f.urgency}
          options={[{ value: '', label: k.anyUrgency }, ...urgencies.map((s) => ({ value: s, label: k.urgencies[s] ?? s }))]}
          onChange={set('urgency')}
        />
        <SelectField
          id="consultations-tlp"
          label={k.filterTlp}
          value={f.tlp}
          options={[{ value: '', label: k.anyTlp }, ...tlpLevels.map((s) => ({ value: s, label: `TLP:${s}` }))]}
          onChange={set('tlp')}
        />
        <TextField id="consultations-norm" label={k.filterNorm} hint={k.filterNormHint} className="input-short" spellCheck={false} value={f.norm} onChange={set('norm')} />
      </div>
      <CheckboxField id="consultations-overdue" label={k.filterOverdue} checked={f.overdue} onChange={set('overdue')} />
      <div className="actions">
        <button type="submit" className="button">
          {k.apply}
        </button>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => onApply({ box: filters.box, q: '', state: '', status: '', urgency: '', tlp: '', norm: '', overdue: false })}
        >
          {k.clear}
        </button>
      </div>
    </form>
  );
}

function ConsultationRow({ c, name, now }: { c: Consultation; name: string | null; now: number }) {
  const attention = (c.side === 'recipient' && c.status === 'sent') || c.awaiting === c.side || c.ackState === 'overdue';
  return (
    <li className={`record${attention ? ' record-attention' : ''}${c.status === 'closed' ? ' record-muted' : ''}`}>
      <h3 className="record-title">
        <Link href={`/consultations/${c.id}`} dir="auto">
          {c.title || k.untitled}
        </Link>
      </h3>
      <p className="record-subtitle">
        <TlpBadge level={c.tlp} /> <StatusBadge status={c.status} outcome={c.outcome} /> <UrgencyBadge urgency={c.urgency} />
      </p>
      <dl className="record-facts">
        <div>
          <dt>{c.status === 'draft' ? k.to : c.side === 'recipient' ? k.from : k.with}</dt>
          <dd>{c.counterpart ? <StateLabel code={c.counterpart} name={name} /> : c.addressees.join(', ') || t.common.none}</dd>
        </div>
        {c.status !== 'draft' ? (
          <div>
            <dt>{k.acknowledgement}</dt>
            <dd>
              <AckDeadline c={c} now={now} />
            </dd>
          </div>
        ) : null}
        <div>
          <dt>{k.lastUpdate}</dt>
          <dd>
            {formatTime(c.updatedAt)} <span className="muted">({formatFromNow(c.updatedAt, now)})</span>
          </dd>
        </div>
      </dl>
      {c.awaiting === c.side ? <p className="notice">{k.detail.awaitingYou}</p> : null}
    </li>
  );
}
