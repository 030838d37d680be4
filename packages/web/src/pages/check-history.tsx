import type { Check, Peer } from '@parley/core';
import { Link, useLocation, useSearch } from 'wouter';
import { call } from '../api/client.js';
import { LoadStatus } from '../components/alerts.js';
import { SelectField } from '../components/fields.js';
import { Page } from '../components/page.js';
import { ResponseChart, SeriesSwatch, type Series } from '../components/response-chart.js';
import { formatDuration, formatTime, messages as t } from '../i18n/index.js';
import { useLoad } from '../use-load.js';
import { StatusBadge } from './checks.js';

const h = t.checkHistory;

/** The state chosen in the address (`?peer=XAB`), so that a view can be bookmarked and shared. */
function peerFrom(search: string): string {
  const peer = new URLSearchParams(search).get('peer') ?? '';
  return /^[A-Z]{3}$/.test(peer) ? peer : '';
}

export function CheckHistoryPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const peer = peerFrom(search);
  const { result } = useLoad(
    () =>
      Promise.all([call('listChecks', { query: { direction: 'outgoing', limit: 1000, ...(peer ? { peer } : {}) } }), call('listPeers')]).then(([c, p]) => ({
        checks: c.checks,
        peers: p.peers,
      })),
    [peer],
  );

  return (
    <Page title={h.title} intro={h.intro}>
      <p>
        <Link href="/checks">{h.back}</Link>
      </p>
      <LoadStatus result={result} />
      {result.status === 'ready' ? (
        <>
          <div className="toolbar">
            <SelectField
              id="history-peer"
              label={h.peer}
              value={peer}
              options={[{ value: '', label: t.common.allStates }, ...stateOptions(result.data.peers, result.data.checks, peer)]}
              onChange={(v) => navigate(v ? `/checks/history?peer=${v}` : '/checks/history', { replace: true })}
            />
          </div>
          <History checks={result.data.checks} peers={result.data.peers} />
        </>
      ) : null}
    </Page>
  );
}

/** Current peers, and states that were checked before they were removed. */
function stateOptions(peers: Peer[], checks: Check[], chosen: string) {
  const names = new Map(peers.map((p) => [p.stateCode, p.name]));
  for (const c of checks) if (!names.has(c.peer)) names.set(c.peer, '');
  if (chosen && !names.has(chosen)) names.set(chosen, '');
  return [...names.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, name]) => ({ value: code, label: name ? t.common.stateOption(code, name) : code }));
}

function History({ checks, peers }: { checks: Check[]; peers: Peer[] }) {
  if (checks.length === 0) return <p>{h.nothing}</p>;
  const codes = [...new Set(checks.map((c) => c.peer))].sort();
  const series: Series[] = codes.map((code) => ({
    key: code,
    label: code,
    points: checks
      .filter((c) => c.peer === code && c.confirmationSeconds !== null)
      .map((c) => ({ at: Date.parse(c.startedAt), seconds: c.confirmationSeconds! })),
  }));
  const sentences = codes.map((code, i) => {
    const s = series[i]!;
    const missed = checks.filter((c) => c.peer === code && c.status === 'missed').length;
    const missedText = missed ? ` ${h.missedCount(missed)}` : '';
    if (s.points.length === 0) return h.seriesNone(code) + missedText;
    const values = s.points.map((p) => p.seconds);
    const latest = [...s.points].sort((a, b) => b.at - a.at)[0]!;
    return h.seriesSummary(code, s.points.length, formatDuration(Math.min(...values)), formatDuration(Math.max(...values)), formatDuration(latest.seconds)) + missedText;
  });
  const anyConfirmed = series.some((s) => s.points.length > 0);
  const names = new Map(peers.map((p) => [p.stateCode, p.name]));

  return (
    <>
      <section aria-labelledby="chart-title">
        <h2 id="chart-title">{h.chartTitle}</h2>
        {anyConfirmed ? (
          <figure className="figure">
            <ResponseChart series={series.filter((s) => s.points.length > 0)} label={h.chartLabel(sentences.join(' '))} />
            <figcaption>
              <ul className="legend">
                {series.map((s, i) =>
                  s.points.length ? (
                    <li key={s.key}>
                      <SeriesSwatch index={series.filter((x) => x.points.length > 0).indexOf(s)} />
                      <span>
                        <span className="state-code">{s.key}</span> <span dir="auto">{names.get(s.key) ?? ''}</span>
                      </span>
                    </li>
                  ) : (
                    <li key={s.key} className="muted">
                      <span className="swatch-none" aria-hidden="true" />
                      <span>
                        <span className="state-code">{s.key}</span> <span dir="auto">{names.get(s.key) ?? ''}</span>
                      </span>
                      <span className="visually-hidden">{sentences[i]}</span>
                    </li>
                  ),
                )}
              </ul>
              <p className="hint">{h.chartNote}</p>
            </figcaption>
          </figure>
        ) : (
          <p>{h.nothingConfirmed}</p>
        )}
        <h3>{h.summaryTitle}</h3>
        <ul className="summary">
          {sentences.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      </section>

      {/* The table's scrolling box below is the region that carries the title. */}
      <div>
        <h2 id="table-title">{h.tableTitle}</h2>
        <div className="table-scroll" role="region" aria-labelledby="table-title" tabIndex={0}>
          <table className="table table-data">
            <thead>
              <tr>
                <th scope="col">{h.sent}</th>
                <th scope="col">{t.checks.state}</th>
                <th scope="col">{h.status}</th>
                <th scope="col">{h.deliveredAfter}</th>
                <th scope="col">{h.confirmedAfter}</th>
                <th scope="col">{h.confirmedBy}</th>
              </tr>
            </thead>
            <tbody>
              {checks.map((c) => (
                <tr key={c.id}>
                  <td>{formatTime(c.startedAt)}</td>
                  <td>
                    <span className="state-code">{c.peer}</span>
                  </td>
                  <td>
                    <StatusBadge check={c} />
                  </td>
                  <td>{c.deliverySeconds === null ? t.common.none : formatDuration(c.deliverySeconds)}</td>
                  <td>{c.confirmationSeconds === null ? t.common.none : formatDuration(c.confirmationSeconds)}</td>
                  <td dir="auto">{c.confirmedBy ?? t.common.none}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
