import type { Evidence } from '@parley/core';
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError, currentCsrfToken } from '../api/client.js';
import { messages as t } from '../i18n/index.js';
import { CopyButton } from './copy.js';
import { formatSize, percentOf } from './evidence-size.js';
import { CheckboxField } from './fields.js';

const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

/**
 * Sends one file as the raw body of POST /api/v1/evidence. XMLHttpRequest, not fetch: only it
 * reports upload progress. The node hashes and stores the bytes as they arrive.
 */
export function uploadEvidenceFile(
  file: File,
  options: { malware: boolean; caseId?: string | undefined },
  onProgress: (loaded: number, total: number) => void,
): { done: Promise<Evidence>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const params = new URLSearchParams({ name: file.name, malware: String(options.malware) });
  if (MEDIA_TYPE.test(file.type)) params.set('mediaType', file.type);
  if (options.caseId) params.set('caseId', options.caseId);
  const done = new Promise<Evidence>((resolve, reject) => {
    xhr.open('POST', `/api/v1/evidence?${params.toString()}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    const csrf = currentCsrfToken();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status === 201 && body) return resolve(body as Evidence);
      const problem = body as { code?: unknown; detail?: unknown } | undefined;
      if (problem && typeof problem.code === 'string' && typeof problem.detail === 'string') {
        return reject(new ApiError(xhr.status, problem.code, problem.detail));
      }
      reject(new ApiError(xhr.status, `http_${xhr.status}`, xhr.status === 413 ? t.evidence.tooLarge : t.errors.status(xhr.status)));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', t.evidence.network));
    xhr.onabort = () => reject(new ApiError(0, 'cancelled', t.evidence.cancelled));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

type Row =
  | { key: string; name: string; size: number; state: 'waiting' }
  | { key: string; name: string; size: number; state: 'uploading'; loaded: number }
  | { key: string; name: string; size: number; state: 'done'; evidence: Evidence }
  | { key: string; name: string; size: number; state: 'failed'; reason: string };

/**
 * Choose files, mark them as malware samples or not, upload them one after another with
 * progress; each finished file shows its SHA-256 and size, each failure its reason in plain words.
 */
export function EvidenceUpload({ caseId, onUploaded, disabled = false }: { caseId?: string | undefined; onUploaded?: (evidence: Evidence) => void; disabled?: boolean }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [malware, setMalware] = useState(false);
  const [rows, setRows] = useState<Row[]>([]);
  const [busy, setBusy] = useState(false);
  const current = useRef<{ abort: () => void } | null>(null);
  useEffect(() => () => current.current?.abort(), []);

  const update = (key: string, row: Row) => setRows((rs) => rs.map((r) => (r.key === key ? row : r)));

  async function start() {
    if (files.length === 0) return;
    const batch = files.map((f, i) => ({ file: f, key: `${Date.now()}-${i}-${f.name}` }));
    setRows((rs) => [...batch.map(({ file, key }): Row => ({ key, name: file.name, size: file.size, state: 'waiting' })), ...rs]);
    setFiles([]);
    if (input.current) input.current.value = '';
    setBusy(true);
    for (const { file, key } of batch) {
      const base = { key, name: file.name, size: file.size };
      update(key, { ...base, state: 'uploading', loaded: 0 });
      const upload = uploadEvidenceFile(file, { malware, caseId }, (loaded) => update(key, { ...base, state: 'uploading', loaded }));
      current.current = upload;
      try {
        const evidence = await upload.done;
        update(key, { ...base, state: 'done', evidence });
        onUploaded?.(evidence);
      } catch (e) {
        update(key, { ...base, state: 'failed', reason: e instanceof ApiError ? e.detail : t.errors.unexpected });
      }
    }
    current.current = null;
    setBusy(false);
  }

  return (
    <fieldset className="evidence-upload">
      <legend>{t.evidence.uploadLegend}</legend>
      <p className="hint" id={`${id}-help`}>
        {t.evidence.uploadHelp}
      </p>
      <div className="field">
        <label className="label" htmlFor={`${id}-files`}>
          {t.evidence.chooseFiles}
        </label>
        <input
          ref={input}
          id={`${id}-files`}
          type="file"
          multiple
          className="input"
          aria-describedby={`${id}-help`}
          disabled={disabled || busy}
          onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
        />
      </div>
      <CheckboxField id={`${id}-malware`} label={t.evidence.malwareLabel} hint={t.evidence.malwareHelp} checked={malware} onChange={setMalware} />
      <p>
        <button type="button" className="button" disabled={disabled || busy || files.length === 0} onClick={() => void start()}>
          {t.evidence.upload}
        </button>{' '}
        {busy ? (
          <button type="button" className="button button-secondary" onClick={() => current.current?.abort()}>
            {t.evidence.cancel}
          </button>
        ) : null}
      </p>
      {rows.length > 0 ? (
        <ul className="evidence-uploads" aria-live="polite">
          {rows.map((r) => (
            <li key={r.key} className="evidence-upload-row">
              {r.state === 'waiting' ? <span dir="auto">{r.name}</span> : null}
              {r.state === 'uploading' ? (
                <>
                  <span>{t.evidence.uploading(r.name)}</span>{' '}
                  <progress max={r.size || 1} value={r.loaded} aria-label={r.name} />{' '}
                  <span className="muted">{t.evidence.progress(formatSize(r.loaded), formatSize(r.size), percentOf(r.loaded, r.size))}</span>
                </>
              ) : null}
              {r.state === 'done' ? (
                <>
                  <span>{t.evidence.uploaded(r.evidence.name)}</span> <span className="muted">{formatSize(r.evidence.size)}</span>
                  <br />
                  <span className="label-secondary">{t.evidence.sha256}</span>{' '}
                  <code className="mono evidence-sha" id={`${id}-${r.key}-sha`}>
                    {r.evidence.sha256}
                  </code>{' '}
                  <CopyButton text={r.evidence.sha256} label={t.evidence.copySha} sourceId={`${id}-${r.key}-sha`} />
                  {r.evidence.malware ? <span className="badge badge-malware">{t.evidence.malwareBadge}</span> : null}
                </>
              ) : null}
              {r.state === 'failed' ? (
                <span className="field-message" role="alert">
                  {t.evidence.failed(r.name, r.reason)}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
