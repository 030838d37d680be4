import type { AuditEntry, ContactKind } from '@parley/core';
import { Link } from 'wouter';
import { call } from '../api/client.js';
import { LoadStatus } from '../components/alerts.js';
import { Page } from '../components/page.js';
import { actorName, formatTime, messages as t } from '../i18n/index.js';
import { useLoad } from '../use-load.js';
import { languageLabel } from '../components/contact-card.js';

const h = t.history;

/** The fields of a point of contact that people read, in the order of the form. */
const shown = ['kind', 'name', 'organisation', 'position', 'email', 'phone', 'languages', 'timeZone', 'hours', 'available24x7', 'status'] as const;
type Shown = (typeof shown)[number];
/** The fields a person wrote, in any script; the others are this interface's words, codes or numbers. */
const written: ReadonlySet<Shown> = new Set(['name', 'organisation', 'position', 'hours']);

function display(field: Shown, value: unknown): string {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) return h.empty_value;
  switch (field) {
    case 'kind':
      return t.contacts.kinds[value as ContactKind] ?? String(value);
    case 'languages':
      return Array.isArray(value) ? value.map((v) => languageLabel(String(v))).join(', ') : String(value);
    case 'available24x7':
      return value === true ? h.yes : h.no;
    case 'status':
      return h.statuses[String(value)] ?? String(value);
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/** The fields whose value differs between before and after (all recorded fields for a creation). */
export function changes(entry: Pick<AuditEntry, 'before' | 'after'>): { field: Shown; before: string | null; after: string }[] {
  const before = entry.before === null ? null : record(entry.before);
  const after = record(entry.after);
  return shown
    .filter((f) => before === null || JSON.stringify(before[f]) !== JSON.stringify(after[f]))
    .filter((f) => before !== null || f in after)
    .map((f) => ({ field: f, before: before === null ? null : display(f, before[f]), after: display(f, after[f]) }));
}

export function ContactHistoryPage({ id }: { id: string }) {
  const { result } = useLoad(() => Promise.all([call('getContact', { id }), call('contactHistory', { id })]), [id]);
  const name = result.status === 'ready' ? result.data[0].name : null;
  return (
    <Page title={name ? h.title(name) : t.contacts.history} intro={h.intro}>
      <p>
        <Link href="/contacts">{t.contacts.backToList}</Link>
      </p>
      <LoadStatus result={result} />
      {result.status === 'ready' ? (
        result.data[1].entries.length === 0 ? (
          <p>{h.empty}</p>
        ) : (
          <ol className="timeline">
            {result.data[1].entries.map((e) => (
              <HistoryEntry key={e.id} entry={e} />
            ))}
          </ol>
        )
      ) : null}
    </Page>
  );
}

function HistoryEntry({ entry }: { entry: AuditEntry }) {
  const rows = changes(entry);
  const created = entry.before === null;
  const titleId = `entry-${entry.id}`;
  return (
    <li className="timeline-entry">
      <h2 className="timeline-title" id={titleId}>
        {h.actions[entry.action] ?? entry.action} <span className="muted">· {formatTime(entry.at)}</span>
      </h2>
      <p className="timeline-meta">
        {h.by} <span className="break">{actorName(entry.actor)}</span>
      </p>
      {rows.length === 0 ? (
        <p>{h.noChange}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-labelledby={titleId}>
            <thead>
              <tr>
                <th scope="col">{h.field}</th>
                {created ? null : <th scope="col">{h.before}</th>}
                <th scope="col">{created ? h.initial : h.after}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.field}>
                  <th scope="row">{t.contacts.fields[r.field]}</th>
                  {created ? null : (
                    <td className="before" dir={written.has(r.field) ? 'auto' : undefined}>
                      {r.before}
                    </td>
                  )}
                  <td className="after" dir={written.has(r.field) ? 'auto' : undefined}>
                    {r.after}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </li>
  );
}
