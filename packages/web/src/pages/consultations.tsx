import type { Consultation } from '@parley/core';
import { Link } from 'wouter';
import { call, type QueryOf } from '../api/client.js';
import { CaseFilterForm, CaseListFrame, CaseRecord, RecordFact, caseQuery, readCaseFilters, useCaseList, type CaseFilters, type FilterToolbar } from '../components/case-list.js';
import { SelectField, TextField } from '../components/fields.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { TlpBadge } from '../components/tlp-badge.js';
import { AckDeadline, StatusBadge, UrgencyBadge } from '../consultations/parts.js';
import { tlpLevels, urgencies } from '../consultations/values.js';
import { messages as t } from '../i18n/index.js';
import { may } from '../permissions.js';
import { useUser } from '../session.js';
import { clipText } from '../text.js';

const k = t.consultations;

const boxes = ['inbox', 'outbox', 'drafts', 'all'] as const;
type Box = (typeof boxes)[number];
const statuses = ['sent', 'acknowledged', 'in_progress', 'responded', 'closed'] as const;

interface Filters extends CaseFilters<Box> {
  status: string;
  urgency: string;
  tlp: string;
  norm: string;
}

/** The filters as they stand in the address, in this order. */
const filterKeys = ['q', 'state', 'status', 'urgency', 'tlp', 'norm', 'overdue'] as const;
const noFilters = { q: '', state: '', status: '', urgency: '', tlp: '', norm: '', overdue: false };

function filtersFrom(search: string): Filters {
  const { common, params, pick } = readCaseFilters(search, boxes);
  return {
    ...common,
    status: pick('status', statuses),
    urgency: pick('urgency', urgencies),
    tlp: pick('tlp', tlpLevels),
    norm: clipText(params.get('norm') ?? '', 64),
  };
}

const toolbar: FilterToolbar<Filters> = ({ draft: f, set, stateFilter, statusFilter }) => (
  <>
    {stateFilter}
    {statusFilter}
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
  </>
);

function load(filters: Filters) {
  const query: QueryOf<'listConsultations'> = {
    ...caseQuery<Box, (typeof statuses)[number]>(filters),
    ...(filters.urgency ? { urgency: filters.urgency as (typeof urgencies)[number] } : {}),
    ...(filters.tlp ? { tlp: filters.tlp as (typeof tlpLevels)[number] } : {}),
    ...(filters.norm.trim() ? { norm: filters.norm.trim() } : {}),
  };
  return call('listConsultations', { query }).then((r) => r.consultations);
}

export function ConsultationsPage() {
  const user = useUser();
  const { key, now, names, items, frame, form } = useCaseList({ path: '/consultations', boxes, read: filtersFrom, keys: filterKeys, load });

  const filterForm = (
    <CaseFilterForm key={key} {...form} words={k} idPrefix="consultations" titleId="consultation-filters-title" statuses={statuses} cleared={noFilters} toolbar={toolbar} />
  );

  return (
    <Page title={k.title} intro={k.intro}>
      {may(user.role, 'consultations.write') ? (
        <p>
          <Link href="/consultations/new" className="button">
            {k.newLink}
          </Link>
        </p>
      ) : null}
      <CaseListFrame words={k} {...frame} filters={filterForm}>
        <ul className="records consultation-list" aria-label={k.count(items.length)}>
          {items.map((c) => (
            <ConsultationRow key={c.id} c={c} name={names.get(c.counterpart ?? '') ?? null} now={now} />
          ))}
        </ul>
      </CaseListFrame>
    </Page>
  );
}

const recordWords = () => ({ untitled: k.untitled, lastUpdate: k.lastUpdate });

function ConsultationRow({ c, name, now }: { c: Consultation; name: string | null; now: number }) {
  const attention = (c.side === 'recipient' && c.status === 'sent') || c.awaiting === c.side || c.ackState === 'overdue';
  const badges = (
    <>
      <TlpBadge level={c.tlp} /> <StatusBadge status={c.status} outcome={c.outcome} side={c.side} /> <UrgencyBadge urgency={c.urgency} />
    </>
  );
  const notice = c.awaiting === c.side ? <p className="notice">{k.detail.awaitingYou}</p> : null;
  return (
    <CaseRecord c={c} href={`/consultations/${c.id}`} words={recordWords()} attention={attention} now={now} badges={badges} notice={notice}>
      <RecordFact label={c.status === 'draft' ? k.to : c.side === 'recipient' ? k.from : k.with}>
        {c.counterpart ? <StateLabel code={c.counterpart} name={name} /> : c.addressees.join(', ') || t.common.none}
      </RecordFact>
      {c.status !== 'draft' ? (
        <RecordFact label={k.acknowledgement}>
          <AckDeadline c={c} now={now} />
        </RecordFact>
      ) : null}
    </CaseRecord>
  );
}
