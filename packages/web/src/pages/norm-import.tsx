import type { ResponseOf } from '@parley/core';
import { useState, type ChangeEvent } from 'react';
import { Link } from 'wouter';
import { call } from '../api/client.js';
import { ErrorFor } from '../components/alerts.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { messages as t } from '../i18n/index.js';
import { positionLabel } from './norms.js';

const n = t.norms.import;
type Preview = ResponseOf<'previewNormImport'>;

/** Import in two steps: the node checks the file and shows every bad line; the person then chooses. */
export function NormImportPage() {
  const [csv, setCsv] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const flash = useFlash();

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    setPreview(null);
    setError(null);
    setDone(null);
    const file = e.target.files?.[0];
    if (!file) return setCsv(null);
    try {
      setCsv(await file.text());
    } catch {
      setError(new Error(n.readFailed));
    }
  };
  const check = async () => {
    if (csv === null) return;
    setBusy(true);
    setError(null);
    try {
      setPreview(await call('previewNormImport', { body: { csv } }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const commit = async (mode: 'all_or_nothing' | 'valid_rows') => {
    if (csv === null) return;
    setBusy(true);
    setError(null);
    try {
      const r = await call('importNorms', { body: { csv, mode } });
      flash(n.imported(r.imported));
      setDone(n.imported(r.imported));
      setPreview(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const cancel = () => {
    setPreview(null);
    setDone(n.cancelled);
  };

  return (
    <Page title={n.title} intro={n.intro}>
      <div className="field">
        <label className="label" htmlFor="csv-file">
          {n.fileLabel}
        </label>
        <p className="hint" id="csv-file-hint">
          {n.fileHint}
        </p>
        <input id="csv-file" name="csv-file" type="file" accept=".csv,text/csv" aria-describedby="csv-file-hint" onChange={choose} />
      </div>
      <div className="actions">
        <button type="button" className="button" onClick={check} disabled={busy || csv === null}>
          {busy && !preview ? n.checking : n.check}
        </button>
      </div>
      <ErrorFor error={error} />
      {done ? (
        <div className="alert alert-success" role="status">
          <p>{done}</p>
          <p>
            <Link href="/norms/matrix">{t.norms.catalogue.matrixLink}</Link>
          </p>
        </div>
      ) : null}
      {preview ? (
        <section aria-labelledby="import-result">
          <h2 id="import-result" tabIndex={-1}>
            {preview.errors.length ? n.summary(preview.rows, preview.valid, preview.errors.length) : n.allGood(preview.rows)}
          </h2>
          {preview.errors.length ? (
            <>
              <h3>{n.errorsHeading}</h3>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col" className="col-narrow">
                        {n.line}
                      </th>
                      <th scope="col">{n.reason}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.errors.map((e) => (
                      <tr key={e.line}>
                        <td>{e.line}</td>
                        <td>{e.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
          {preview.preview.length ? (
            <>
              <h3>{n.previewHeading}</h3>
              <div className="table-scroll" tabIndex={0} role="region" aria-label={n.previewHeading}>
                <table className="table table-data">
                  <thead>
                    <tr>
                      <th scope="col">{n.line}</th>
                      <th scope="col">state</th>
                      <th scope="col">entry</th>
                      <th scope="col">position</th>
                      <th scope="col">source</th>
                      <th scope="col">date</th>
                      <th scope="col">{n.origin}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.preview.slice(0, 20).map((r) => (
                      <tr key={r.line}>
                        <td>{r.line}</td>
                        <td>{r.state}</td>
                        <td className="mono">{r.entry}</td>
                        <td>{positionLabel(r.position)}</td>
                        <td dir="auto">{r.source}</td>
                        <td>{r.date ?? ''}</td>
                        <td>{t.norms.origins[r.origin]}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
          <h3>{n.chooseHeading}</h3>
          <div className="actions">
            {preview.errors.length === 0 ? (
              <button type="button" className="button" onClick={() => commit('all_or_nothing')} disabled={busy}>
                {n.importAll}
              </button>
            ) : preview.valid > 0 ? (
              <button type="button" className="button button-warning" onClick={() => commit('valid_rows')} disabled={busy}>
                {n.importValid(preview.valid)}
              </button>
            ) : null}
            <button type="button" className="button button-secondary" onClick={cancel} disabled={busy}>
              {n.importNothing}
            </button>
          </div>
        </section>
      ) : null}
    </Page>
  );
}
