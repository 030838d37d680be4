import type { Evidence } from '@parley/core';
import { useEffect, useState } from 'react';
import { call } from '../api/client.js';
import { isolate, messages as t } from '../i18n/index.js';
import { CopyButton } from './copy.js';
import { formatSize, percentOf } from './evidence-size.js';

const pending = (e: Evidence) => e.status === 'expected' || e.status === 'transferring';

/** While files are being received, their status is asked again every few seconds. */
function useLiveEvidence(items: readonly Evidence[], everyMs: number): Evidence[] {
  const [live, setLive] = useState<Evidence[]>([...items]);
  useEffect(() => setLive([...items]), [items]);
  const waiting = live.filter(pending).map((e) => e.id).join(',');
  useEffect(() => {
    if (!waiting) return;
    let stopped = false;
    const timer = window.setInterval(async () => {
      const fresh = await Promise.all(waiting.split(',').map((id) => call('getEvidence', { id }).catch(() => undefined)));
      if (stopped) return;
      setLive((current) => current.map((e) => fresh.find((f) => f?.id === e.id) ?? e));
    }, everyMs);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [waiting, everyMs]);
  return live;
}

function Status({ e }: { e: Evidence }) {
  const label = t.evidence.statuses[e.status];
  if (e.status === 'transferring' || e.status === 'expected') {
    const percent = percentOf(e.receivedBytes, e.size);
    return (
      <>
        <span>{label}</span>
        <br />
        <progress max={e.size || 1} value={e.receivedBytes} aria-label={`${isolate(e.name)}: ${label}`} />{' '}
        <span className="muted">{t.evidence.transferProgress(formatSize(e.receivedBytes), formatSize(e.size), percent)}</span>
        {e.error ? <p className="hint">{t.evidence.retrying(e.error)}</p> : null}
      </>
    );
  }
  if (e.status === 'failed') {
    return (
      <>
        <span className="badge badge-failed">{label}</span>
        <p className="field-message">{t.evidence.failedReason(e.error ?? t.errors.unexpected)}</p>
      </>
    );
  }
  return <span>{label}</span>;
}

/**
 * Evidence items with name, size, SHA-256 (copyable), status (with progress while a peer's file
 * arrives, the reason when it failed), a warning on malware samples, and the download link.
 */
export function EvidenceList({ items, showOrigin = false, pollMs = 2000 }: { items: readonly Evidence[]; showOrigin?: boolean; pollMs?: number }) {
  const live = useLiveEvidence(items, pollMs);
  if (live.length === 0) return <p className="muted">{t.evidence.noFiles}</p>;
  return (
    <>
      {live.some((e) => e.malware) ? (
        <div className="alert alert-warning" role="note">
          <p>{t.evidence.malwareWarning}</p>
        </div>
      ) : null}
      <div className="table-wrap">
        <table className="table evidence-list">
          <thead>
            <tr>
              <th scope="col">{t.evidence.name}</th>
              <th scope="col">{t.evidence.size}</th>
              <th scope="col">{t.evidence.sha256}</th>
              {showOrigin ? <th scope="col">{t.evidence.from}</th> : null}
              <th scope="col">{t.evidence.status}</th>
              <th scope="col">
                <span className="visually-hidden">{t.evidence.download}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {live.map((e) => (
              <tr key={e.id}>
                <th scope="row">
                  <span className="evidence-name" dir="auto">
                    {e.name}
                  </span>
                  {e.malware ? (
                    <>
                      {' '}
                      <span className="badge badge-malware">{t.evidence.malwareBadge}</span>
                    </>
                  ) : null}
                </th>
                <td>{formatSize(e.size)}</td>
                <td>
                  <code className="mono evidence-sha" id={`sha-${e.id}`}>
                    {e.sha256}
                  </code>{' '}
                  <CopyButton text={e.sha256} label={t.evidence.copySha} sourceId={`sha-${e.id}`} />
                </td>
                {showOrigin ? <td>{e.originState}</td> : null}
                <td>
                  <Status e={e} />
                </td>
                <td>
                  {e.available && e.downloadUrl ? (
                    <a className="button button-secondary" href={e.downloadUrl} download>
                      {e.malware ? t.evidence.downloadSample : t.evidence.download}
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
