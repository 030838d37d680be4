import { useState } from 'react';
import { messages as t } from '../i18n/index.js';

/**
 * Fetches the message's proof bundle and saves it as a file. A plain link cannot do it: the node
 * answers a problem (not a file) while the peer's log has not yet signed a checkpoint covering it.
 */
export function DownloadProof({ hash }: { hash: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/v1/proofs/messages/${encodeURIComponent(hash)}`, { credentials: 'same-origin', headers: { Accept: 'application/json, application/problem+json' } });
      const text = await res.text();
      if (!res.ok) {
        let detail = t.errors.status(res.status);
        try {
          detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
        } catch {
          // not a problem document
        }
        setError(t.verify.downloadFailed(detail));
        return;
      }
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `parley-proof-${hash.slice(7, 19).replace(/[^A-Za-z0-9_-]/g, '')}.json`;
      a.click();
      URL.revokeObjectURL(url);
    } catch {
      setError(t.verify.downloadFailed(t.errors.network));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="actions">
      <button type="button" className="button button-secondary" onClick={download} disabled={busy} title={t.verify.downloadHelp}>
        {busy ? t.verify.downloading : t.verify.download}
      </button>
      {error ? (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
