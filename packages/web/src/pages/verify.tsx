import { useState, type ChangeEvent } from 'react';
import type { VerifyResponse } from '@parley/core';
import { call, describeError } from '../api/client.js';
import { Page } from '../components/page.js';
import { messages as t } from '../i18n/index.js';

const v = t.verify;

/** SHA-256 of a file, hex, computed in the browser: the file itself never leaves this computer. */
async function sha256Hex(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The public verify page: no sign-in. The node runs the same verifier as `parley verify`
 * (protocol's `verifyProofBundle`) on the file's JSON; an evidence file is only hashed here.
 */
export function VerifyPage() {
  const [bundle, setBundle] = useState<File | null>(null);
  const [content, setContent] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<VerifyResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  const choose = (set: (f: File | null) => void) => (e: ChangeEvent<HTMLInputElement>) => {
    set(e.target.files?.[0] ?? null);
    setResult(null);
    setError(null);
  };

  const check = async () => {
    if (!bundle) {
      setError(v.chooseFile);
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await bundle.text());
      } catch {
        setError(v.unreadable);
        return;
      }
      const body = content ? { bundle: parsed, contentSha256: await sha256Hex(content) } : { bundle: parsed };
      setResult(await call('verifyProof', { body }));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={v.title}>
      <p className="intro">{v.intro}</p>
      <details>
        <summary>{v.whatItMeans}</summary>
        <p>{v.establishes}</p>
        <p>{v.doesNotEstablish}</p>
      </details>
      <div className="form narrow">
        <div className="field">
          <label className="label" htmlFor="verify-bundle">{v.bundleLabel}</label>
          <p className="hint" id="verify-bundle-hint">
            {v.bundleHelp}
          </p>
          <input id="verify-bundle" type="file" accept=".json,application/json" aria-describedby="verify-bundle-hint" onChange={choose(setBundle)} />
        </div>
        <div className="field">
          <label className="label" htmlFor="verify-content">{v.contentLabel}</label>
          <p className="hint" id="verify-content-hint">
            {v.contentHelp}
          </p>
          <input id="verify-content" type="file" aria-describedby="verify-content-hint" onChange={choose(setContent)} />
        </div>
        <div className="actions">
          <button type="button" className="button" onClick={check} disabled={busy}>
            {busy ? v.checking : v.check}
          </button>
        </div>
      </div>
      {error ? (
        <div className="alert alert-error" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      {result?.valid === true ? (
        <div className="alert alert-success" role="status" data-verdict="valid">
          <h2>{v.valid}</h2>
          <p>{result.summary}</p>
          {result.keysTrusted ? null : <p>{v.keysNote}</p>}
        </div>
      ) : null}
      {result?.valid === false ? (
        <div className="alert alert-error" role="alert" data-verdict="invalid">
          <h2>{v.invalid}</h2>
          <p>{result.reason}</p>
          <p className="small">
            {v.where}: <span className="mono">{result.field}</span>
          </p>
        </div>
      ) : null}
      <p className="hint">{v.cli}</p>
    </Page>
  );
}
