import type { ResponseOf } from '@parley/core';
import { Link } from 'wouter';
import { call, type QueryOf } from '../api/client.js';
import { CaseFilterForm, CaseListFrame, CaseRecord, RecordFact, caseQuery, readCaseFilters, useCaseList, type CaseFilters, type FilterToolbar } from '../components/case-list.js';
import { SelectField } from '../components/fields.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { TlpBadge } from '../components/tlp-badge.js';
import { messages as t } from '../i18n/index.js';
import { may } from '../permissions.js';
import { formOf } from '../requests/form-model.js';
import { KindBadge, needsAction, PreservationClock, RequestDeadline, RequestStatusBadge } from '../requests/parts.js';
import '../requests/requests.css';
import { requestKinds, requestStatuses } from '../requests/values.js';
import { useUser } from '../session.js';

const k = t.requests;

const boxes = ['inbox', 'outbox', 'drafts', 'all'] as const;
type Box = (typeof boxes)[number];
type Request = ResponseOf<'listRequests'>['requests'][number];
const listedStatuses = requestStatuses.filter((s) => s !== 'draft');

interface Filters extends CaseFilters<Box> {
  kind: string;
  status: string;
}

/** The filters as they stand in the address, in this order. */
const filterKeys = ['q', 'kind', 'state', 'status', 'overdue'] as const;
const noFilters = { q: '', kind: '', state: '', status: '', overdue: false };

function filtersFrom(search: string): Filters {
  const { common, pick } = readCaseFilters(search, boxes);
  return { ...common, kind: pick('kind', requestKinds), status: pick('status', listedStatuses) };
}

const toolbar: FilterToolbar<Filters> = ({ draft: f, set, stateFilter, statusFilter }) => (
  <>
    <SelectField
      id="requests-kind"
      label={k.filterKind}
      value={f.kind}
      options={[{ value: '', label: k.anyKind }, ...requestKinds.map((x) => ({ value: x, label: k.kinds[x] ?? x }))]}
      onChange={set('kind')}
    />
    {stateFilter}
    {statusFilter}
  </>
);

function load(filters: Filters) {
  const query: QueryOf<'listRequests'> = {
    ...caseQuery<Box, (typeof requestStatuses)[number]>(filters),
    ...(filters.kind ? { kind: filters.kind as (typeof requestKinds)[number] } : {}),
  };
  return call('listRequests', { query }).then((r) => r.requests);
}

export function RequestsPage() {
  const user = useUser();
  const { key, now, names, items, frame, form } = useCaseList({ path: '/requests', boxes, read: filtersFrom, keys: filterKeys, load });

  const filterForm = (
    <CaseFilterForm key={key} {...form} words={k} idPrefix="requests" titleId="request-filters-title" statuses={listedStatuses} cleared={noFilters} toolbar={toolbar} />
  );

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
      <CaseListFrame words={k} {...frame} filters={filterForm}>
        <ul className="records request-list" aria-label={k.count(items.length)}>
          {items.map((r) => (
            <RequestRow key={r.id} r={r} name={names.get(r.counterpart ?? '') ?? null} now={now} />
          ))}
        </ul>
      </CaseListFrame>
    </Page>
  );
}

const recordWords = () => ({ untitled: k.untitled, lastUpdate: k.col.lastUpdate });

/**
 * One request as a card: the columns of a table (type, other state, status, deadline,
 * preservation) as labelled facts, which stay readable on a phone.
 */
function RequestRow({ r, name, now }: { r: Request; name: string | null; now: number }) {
  const attention = needsAction(r);
  const reference = formOf(r.form).reference;
  const badges = (
    <>
      <KindBadge kind={r.kind} /> <TlpBadge level={r.tlp} /> <RequestStatusBadge status={r.status} outcome={r.outcome} decision={r.decision} side={r.side} />
      {attention ? (
        <>
          {' '}
          <span className="badge badge-request-action">{k.needsAction}</span>
        </>
      ) : null}
    </>
  );
  const notice = r.awaiting && r.status !== 'closed' ? <p className="notice">{r.awaiting === r.side ? k.awaitingYou : k.awaitingThem}</p> : null;
  return (
    <CaseRecord c={r} href={r.status === 'draft' ? `/requests/${r.id}/edit` : `/requests/${r.id}`} words={recordWords()} attention={attention} now={now} badges={badges} notice={notice}>
      <RecordFact label={r.side === 'recipient' ? k.col.from : k.col.to}>{r.counterpart ? <StateLabel code={r.counterpart} name={name} /> : t.common.none}</RecordFact>
      {reference ? (
        <RecordFact label={k.col.reference} className="break" dir="auto">
          {reference}
        </RecordFact>
      ) : null}
      {r.status !== 'draft' ? (
        <RecordFact label={k.col.deadline}>
          <RequestDeadline r={r} now={now} />
        </RecordFact>
      ) : null}
      {r.preservation !== 'none' ? (
        <RecordFact label={k.col.preservation}>
          <PreservationClock preserveUntil={r.preserveUntil} preservation={r.preservation} />
        </RecordFact>
      ) : null}
    </CaseRecord>
  );
}
