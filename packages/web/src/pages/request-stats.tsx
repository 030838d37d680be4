import type { ResponseOf } from '@parley/core';
import { Link } from 'wouter';
import { call } from '../api/client.js';
import { LoadStatus } from '../components/alerts.js';
import { BarChart } from '../components/bar-chart.js';
import { Page } from '../components/page.js';
import { formatDuration, messages as t } from '../i18n/index.js';
import { kindLabel } from '../requests/parts.js';
import '../requests/requests.css';
import { useLoad } from '../use-load.js';

const k = t.requests;
const s = k.stats;

type Row = ResponseOf<'requestStats'>['rows'][number];

/** A duration the node gives in hours, to a tenth of an hour. */
const hours = (h: number | null) => (h === null ? s.noFigure : h === 0 ? s.underResolution : formatDuration(h * 3600));

/** Response times per state and type of request, in both directions: a chart for the eye and a table with the same figures. */
export function RequestStatsPage() {
  const stats = useLoad(() => call('requestStats').then((r) => r.rows), []);
  const rows = stats.result.status === 'ready' ? stats.result.data : [];
  return (
    <Page title={s.title} intro={s.intro}>
      <p>
        <Link href="/requests">{k.backToList}</Link>
      </p>
      <LoadStatus result={stats.result} />
      {stats.result.status === 'ready' ? (
        <>
          <Direction title={s.outgoing} help={s.outgoingHelp} rows={rows.filter((r) => r.direction === 'outgoing')} id="outgoing" />
          <Direction title={s.incoming} help={s.incomingHelp} rows={rows.filter((r) => r.direction === 'incoming')} id="incoming" />
        </>
      ) : null}
    </Page>
  );
}

function Direction({ title, help, rows, id }: { title: string; help: string; rows: Row[]; id: string }) {
  const sorted = [...rows].sort((a, b) => a.state.localeCompare(b.state) || a.kind.localeCompare(b.kind));
  const charted = sorted.filter((r) => r.medianAckHours !== null || r.medianDecisionHours !== null);
  return (
    <section aria-labelledby={`stats-${id}`}>
      <h2 id={`stats-${id}`}>{title}</h2>
      <p className="muted">{help}</p>
      {sorted.length === 0 ? (
        <p>{s.none}</p>
      ) : (
        <figure className="figure">
          {charted.length ? (
            <BarChart
              label={s.chartLabel(title, charted.length)}
              series={[s.medianAck, s.medianDecision]}
              groups={charted.map((r) => ({ key: `${r.state}-${r.kind}`, label: s.rowLabel(r.state, kindLabel(r.kind)), values: [r.medianAckHours, r.medianDecisionHours].map((h) => (h === null ? null : h * 3600)) }))}
              format={(v) => hours(v / 3600)}
              empty={s.noFigure}
            />
          ) : (
            <p>{s.chartEmpty}</p>
          )}
          <figcaption className="visually-hidden">{title}</figcaption>
          <div className="table-scroll request-table-scroll" tabIndex={0} role="region" aria-label={s.tableCaption(title)}>
            <table className="table table-data">
              <caption className="visually-hidden">{s.tableCaption(title)}</caption>
              <thead>
                <tr>
                  <th scope="col">{s.state}</th>
                  <th scope="col">{s.kind}</th>
                  <th scope="col">{s.requests}</th>
                  <th scope="col">{s.acknowledged}</th>
                  <th scope="col">{s.decided}</th>
                  <th scope="col">{s.open}</th>
                  <th scope="col">{s.medianAck}</th>
                  <th scope="col">{s.medianDecision}</th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((r) => (
                  <tr key={`${r.state}-${r.kind}`}>
                    <th scope="row">
                      <span className="state-code">{r.state}</span>
                    </th>
                    <td>{kindLabel(r.kind)}</td>
                    <td>{r.requests}</td>
                    <td>{r.acknowledged}</td>
                    <td>{r.decided}</td>
                    <td>{r.open}</td>
                    <td>{hours(r.medianAckHours)}</td>
                    <td>{hours(r.medianDecisionHours)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </figure>
      )}
    </section>
  );
}
