import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { formatFromNow, formatTime, messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';
import { clipText } from '../text.js';
import { usePolledLoad, type Loaded } from '../use-load.js';
import { useNow } from '../use-now.js';
import { usePeerNames } from '../use-peer-names.js';
import { LoadStatus, StaleWarning } from './alerts.js';
import { CheckboxField, SelectField, TextField } from './fields.js';

/** The sentences a list of cases (consultations, requests) needs around its items. */
export interface CaseListWords {
  boxesLabel: string;
  boxes: Record<string, string>;
  boxHelp: Record<string, string>;
  stale: (why: string) => string;
  count: (n: number) => string;
  none: string;
  noneInBox: Record<string, string>;
}

/**
 * What every list of cases shows around its items: the boxes (received, sent, drafts, all) as
 * tabs that keep the filters, the filter form, whether the list loaded or is stale, its count for
 * screen readers, and what to say when it is empty.
 */
export function CaseListFrame<B extends string>({
  words,
  boxes,
  box,
  hrefFor,
  filters,
  list,
  count,
  filtered,
  children,
}: {
  words: CaseListWords;
  boxes: readonly B[];
  box: B;
  hrefFor: (box: B) => string;
  filters: ReactNode;
  list: { result: Loaded<unknown>; reloadError: unknown };
  count: number;
  filtered: boolean;
  children: ReactNode;
}) {
  const ready = list.result.status === 'ready';
  return (
    <>
      <nav aria-label={words.boxesLabel} className="tabs">
        <ul>
          {boxes.map((b) => (
            <li key={b}>
              <Link href={hrefFor(b)} aria-current={box === b ? 'page' : undefined}>
                {words.boxes[b]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <p className="muted">{words.boxHelp[box]}</p>
      {filters}
      <LoadStatus result={list.result} />
      {ready ? <StaleWarning error={list.reloadError} stale={words.stale} /> : null}
      <p className="visually-hidden" role="status">
        {ready ? words.count(count) : ''}
      </p>
      {ready && count === 0 ? <p>{filtered ? words.none : words.noneInBox[box]}</p> : null}
      {count ? children : null}
    </>
  );
}

/** The filters every list of cases has; each list adds its own. */
export interface CaseFilters<B extends string = string> {
  box: B;
  q: string;
  state: string;
  overdue: boolean;
}

/**
 * Reads the filters every list of cases has from its address (the first box is the default), with
 * the parameters and `pick` (a value from an allowed list, or none) for the list's own filters.
 */
export function readCaseFilters<B extends string>(search: string, boxes: readonly B[]) {
  const params = new URLSearchParams(search);
  const pick = (name: string, allowed: readonly string[]) => {
    const v = params.get(name) ?? '';
    return allowed.includes(v) ? v : '';
  };
  const box = params.get('box') ?? '';
  const state = params.get('state') ?? '';
  const common: CaseFilters<B> = {
    box: (boxes as readonly string[]).includes(box) ? (box as B) : boxes[0]!,
    q: clipText(params.get('q') ?? '', 200),
    state: /^[A-Z]{3}$/.test(state) ? state : '',
    overdue: params.get('overdue') === 'true',
  };
  return { common, params, pick };
}

/** The address of a list's filters: its box, then each filter that is set, in the order given (text trimmed, a flag as `true`). */
function searchOf<F extends CaseFilters>(f: F, keys: readonly (keyof F & string)[]): string {
  const p = new URLSearchParams();
  p.set('box', f.box);
  for (const key of keys) {
    const v = f[key];
    if (v === true) p.set(key, 'true');
    else if (typeof v === 'string' && v.trim()) p.set(key, v.trim());
  }
  return p.toString();
}

/**
 * The query for the filters every list of cases has (a status only outside drafts). The search is
 * sent in NFC, so that it has the characters its field counted against the node's limit (the node
 * counts the query as sent; its search folds text to NFKC in any case).
 */
export function caseQuery<B extends string, S extends string>(f: CaseFilters<B> & { status: string }) {
  return {
    box: f.box,
    ...(f.q.trim() ? { q: f.q.trim().normalize('NFC') } : {}),
    ...(f.state ? { state: f.state } : {}),
    ...(f.status && f.box !== 'drafts' ? { status: f.status as S } : {}),
    ...(f.overdue ? { overdue: 'true' as const } : {}),
  };
}

/** Other states act in their own time; a list looks again this often while it is open. */
const POLL_MS = 10_000;

/**
 * A list of cases whose filters live in the address, so that a view can be bookmarked, linked to
 * and kept through sign-in: the filters read from it, the list loaded for them and looked at again
 * while open, the names of the peer states, and what `CaseListFrame` and `CaseFilterForm` need
 * (`form` goes with `key={key}`, so that the form starts again from the filters applied).
 */
export function useCaseList<B extends string, F extends CaseFilters<B>, T>({
  path,
  boxes,
  read,
  keys,
  load,
}: {
  path: string;
  boxes: readonly B[];
  read: (search: string) => F;
  keys: readonly (keyof F & string)[];
  load: (filters: F) => Promise<T[]>;
}) {
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = read(search);
  const now = useNow();
  const key = searchOf(filters, keys);
  const list = usePolledLoad(() => load(filters), [key], POLL_MS);
  const names = usePeerNames();
  const items = list.result.status === 'ready' ? list.result.data : [];
  return {
    key,
    now,
    names,
    items,
    frame: {
      boxes,
      box: filters.box,
      hrefFor: (b: B) => `${path}?${searchOf({ ...filters, box: b }, keys)}`,
      list,
      count: items.length,
      filtered: keys.some((k) => Boolean(filters[k])),
    },
    form: { filters, names, onApply: (f: F) => navigate(`${path}?${searchOf(f, keys)}`, { replace: true }) },
  };
}

/** The words of a list's filter form. */
export interface CaseFilterWords {
  filtersTitle: string;
  search: string;
  searchHint: string;
  filterState: string;
  filterStatus: string;
  anyStatus: string;
  statuses: Record<string, string | undefined>;
  /** Status `sent` as the state that received the case reads it. */
  receivedNotAcknowledged: string;
  filterOverdue: string;
  apply: string;
  clear: string;
}

/** A status as the filter offers it: in the received box (`inbox`), `sent` reads as received, as on each case there. */
export function statusFilterLabel(status: string, box: string, words: Pick<CaseFilterWords, 'statuses' | 'receivedNotAcknowledged'>): string {
  return status === 'sent' && box === 'inbox' ? words.receivedNotAcknowledged : (words.statuses[status] ?? status);
}

/** The list's own filters in the form, with the state and status filters to place among them. */
export type FilterToolbar<F> = (parts: { draft: F; set: <K extends keyof F>(key: K) => (value: F[K]) => void; stateFilter: ReactNode; statusFilter: ReactNode }) => ReactNode;

/**
 * The filter form of a list of cases: the search box, the list's own filters in `toolbar` (which
 * places the state and status filters built here among them), whether overdue, show and clear.
 */
export function CaseFilterForm<F extends CaseFilters>({
  words,
  idPrefix,
  titleId,
  filters,
  names,
  statuses,
  cleared,
  onApply,
  toolbar,
}: {
  words: CaseFilterWords;
  idPrefix: string;
  titleId: string;
  filters: F;
  names: Map<string, string>;
  statuses: readonly string[];
  cleared: Omit<F, 'box'>;
  onApply: (f: F) => void;
  toolbar: FilterToolbar<F>;
}) {
  const [f, setF] = useState(filters);
  const set =
    <K extends keyof F>(key: K) =>
    (value: F[K]) =>
      setF((x) => ({ ...x, [key]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(f);
  };
  const stateCodes = [...names.keys()].sort();
  const codes = filters.state && !stateCodes.includes(filters.state) ? [...stateCodes, filters.state] : stateCodes;
  const stateFilter = (
    <SelectField
      id={`${idPrefix}-state`}
      label={words.filterState}
      value={f.state}
      options={[{ value: '', label: t.common.allStates }, ...codes.map((c) => ({ value: c, label: names.get(c) ? t.common.stateOption(c, names.get(c)!) : c }))]}
      onChange={set('state')}
    />
  );
  const statusFilter =
    filters.box !== 'drafts' ? (
      <SelectField
        id={`${idPrefix}-status`}
        label={words.filterStatus}
        value={(f as F & { status: string }).status}
        options={[
          { value: '', label: words.anyStatus },
          ...statuses.map((s) => ({ value: s, label: statusFilterLabel(s, filters.box, words) })),
        ]}
        onChange={set('status' as keyof F) as (v: string) => void}
      />
    ) : null;
  return (
    <form className="filters" role="search" aria-labelledby={titleId} onSubmit={submit}>
      <h2 id={titleId} className="visually-hidden">
        {words.filtersTitle}
      </h2>
      <TextField id={`${idPrefix}-q`} label={words.search} hint={words.searchHint} type="search" maxChars={limits.search} value={f.q} onChange={set('q')} />
      <div className="toolbar toolbar-start">{toolbar({ draft: f, set, stateFilter, statusFilter })}</div>
      <CheckboxField id={`${idPrefix}-overdue`} label={words.filterOverdue} checked={f.overdue} onChange={set('overdue')} />
      <div className="actions">
        <button type="submit" className="button">
          {words.apply}
        </button>
        <button type="button" className="button button-secondary" onClick={() => onApply({ ...cleared, box: filters.box } as F)}>
          {words.clear}
        </button>
      </div>
    </form>
  );
}

/** One case in a list, as a card: its title linking to it, its badges, its facts as a list ending with the last update, and a notice. */
export function CaseRecord({
  c,
  href,
  words,
  attention,
  now,
  badges,
  notice,
  children,
}: {
  c: { title: string; status: string; updatedAt: string };
  href: string;
  words: { untitled: string; lastUpdate: string };
  attention: boolean;
  now: number;
  badges: ReactNode;
  notice: ReactNode;
  children: ReactNode;
}) {
  return (
    <li className={`record${attention ? ' record-attention' : ''}${c.status === 'closed' ? ' record-muted' : ''}`}>
      <h3 className="record-title">
        <Link href={href} dir="auto">
          {c.title || words.untitled}
        </Link>
      </h3>
      <p className="record-subtitle">{badges}</p>
      <dl className="record-facts">
        {children}
        <RecordFact label={words.lastUpdate}>
          {formatTime(c.updatedAt)} <span className="muted">({formatFromNow(c.updatedAt, now)})</span>
        </RecordFact>
      </dl>
      {notice}
    </li>
  );
}

/** One labelled fact of a record. */
export function RecordFact({ label, children, className, dir }: { label: string; children: ReactNode; className?: string; dir?: 'auto' }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={className} dir={dir}>
        {children}
      </dd>
    </div>
  );
}
