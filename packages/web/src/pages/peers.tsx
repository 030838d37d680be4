import type { ListedPeer, Peer } from '@parley/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, call } from '../api/client.js';
import { ErrorFor, ErrorMessage, ErrorSummary, type FieldRef, LoadStatus } from '../components/alerts.js';
import { ConfirmAction } from '../components/confirm.js';
import { CopyButton } from '../components/copy.js';
import { TextField } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { limits } from '../limits.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { formatTime, messages as t } from '../i18n/index.js';
import { may } from '../permissions.js';
import { useSession, useUser } from '../session.js';
import { useLoad } from '../use-load.js';

const p = t.peers;

export function PeersPage() {
  const user = useUser();
  const canManage = may(user.role, 'peers.manage');
  const flash = useFlash();
  const { result, set } = useLoad(() => call('listPeers').then((r) => r.peers), []);
  // The peer just added takes focus, so that the person lands on what they made, not in an emptied form.
  const [added, setAdded] = useState<string | null>(null);

  const replace = (peer: Peer) => {
    if (result.status !== 'ready') return;
    const others = result.data.filter((x) => x.stateCode !== peer.stateCode);
    // A change of status or address keeps the peer's grants and queued messages; a peer added anew has no grants.
    const held = result.data.find((x) => x.stateCode === peer.stateCode);
    set([...others, { ...peer, evidenceGrants: held?.evidenceGrants ?? 0, queuedMessages: held?.queuedMessages ?? 0 }].sort((a, b) => a.stateCode.localeCompare(b.stateCode)));
  };

  return (
    <Page title={p.title} intro={p.intro}>
      {canManage ? null : <p className="muted">{p.readOnly}</p>}
      <section aria-labelledby="peers-list-title">
        <h2 id="peers-list-title">{p.listTitle}</h2>
        <LoadStatus result={result} />
        {result.status === 'ready' ? (
          result.data.length === 0 ? (
            <p>{p.empty}</p>
          ) : (
            <ul className="records">
              {result.data.map((peer) => (
                <PeerRecord
                  key={peer.stateCode}
                  peer={peer}
                  canManage={canManage}
                  takeFocus={added === peer.stateCode}
                  onChanged={(changed, message) => {
                    replace(changed);
                    flash(message);
                  }}
                  onRemoved={(code) => {
                    if (result.status === 'ready') set(result.data.filter((x) => x.stateCode !== code));
                    flash(p.removed(code));
                  }}
                />
              ))}
            </ul>
          )
        ) : null}
      </section>
      {canManage ? (
        <AddPeerForm
          onAdded={(peer) => {
            replace(peer);
            setAdded(peer.stateCode);
            flash(p.addedFlash(peer.stateCode, peer.name));
          }}
        />
      ) : null}
    </Page>
  );
}

function PeerRecord({
  peer,
  canManage,
  takeFocus,
  onChanged,
  onRemoved,
}: {
  peer: ListedPeer;
  canManage: boolean;
  takeFocus: boolean;
  onChanged: (peer: Peer, message: string) => void;
  onRemoved: (code: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const code = peer.stateCode;
  const suspended = peer.status === 'suspended';
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (takeFocus) heading.current?.focus();
  }, [takeFocus]);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const setStatus = (status: 'suspended' | 'trusted') =>
    act(async () => {
      const changed = await call(status === 'suspended' ? 'suspendPeer' : 'resumePeer', { code });
      setBusy(false);
      onChanged(changed, status === 'suspended' ? p.suspended(code) : p.resumed(code));
    });

  return (
    <li className={`record${suspended ? ' record-muted' : ''}`}>
      <h3 className="record-title" id={`peer-${code}`} tabIndex={-1} ref={heading}>
        <StateLabel code={code} name={peer.name} isTestState={peer.isTestState} />
      </h3>
      <p className="record-subtitle">
        <span className={`badge badge-${peer.status}`}>{p.statuses[peer.status] ?? peer.status}</span> {p.statusHelp[peer.status]}
      </p>
      <dl className="record-facts">
        <div className="fact-wide">
          <dt>{p.url}</dt>
          <dd className="mono">{peer.url}</dd>
        </div>
        <div className="fact-wide">
          <dt>{p.fingerprint}</dt>
          <dd className="mono">{peer.fingerprint}</dd>
        </div>
        <div>
          <dt>{p.added}</dt>
          <dd>{formatTime(peer.addedAt)}</dd>
        </div>
        {peer.updatedAt !== peer.addedAt ? (
          <div>
            <dt>{p.changed}</dt>
            <dd>{formatTime(peer.updatedAt)}</dd>
          </div>
        ) : null}
      </dl>
      {error ? <ErrorFor error={error} /> : null}
      {canManage ? (
        <div className="record-actions actions">
          {suspended ? (
            <button type="button" className="button button-secondary" disabled={busy} aria-label={p.resumeNamed(code)} onClick={() => void setStatus('trusted')}>
              {p.resume}
            </button>
          ) : (
            <button type="button" className="button button-warning" disabled={busy} aria-label={p.suspendNamed(code)} onClick={() => void setStatus('suspended')}>
              {p.suspend}
            </button>
          )}
          <ConfirmAction
            label={p.remove}
            accessibleLabel={p.removeNamed(code)}
            question={p.removeConfirm(code, peer.name, peer.evidenceGrants, peer.queuedMessages)}
            confirmLabel={p.removeYes}
            busy={busy}
            onConfirm={() =>
              void act(async () => {
                await call('removePeer', { code });
                onRemoved(code);
              })
            }
          />
        </div>
      ) : null}
    </li>
  );
}

const addFields = (): FieldRef[] => [
  { path: 'url', id: 'peer-url', label: p.url },
  { path: 'fingerprint', id: 'peer-fingerprint', label: p.fingerprint },
];

/**
 * The node explains URL problems in a sentence; the form also marks the URL field, so that the
 * person sees where to look. Codes from packages/federation/src/discover.ts.
 */
function withFieldIssue(error: unknown): unknown {
  if (!(error instanceof ApiError) || error.issues.length) return error;
  const message = p.urlProblems[error.code];
  return message ? new ApiError(error.status, error.code, error.detail, [{ path: 'url', message }]) : error;
}

function AddPeerForm({ onAdded }: { onAdded: (peer: Peer) => void }) {
  const { state } = useSession();
  const fingerprint = state.status === 'signed-in' ? (state.node?.fingerprint ?? null) : null;
  const [url, setUrl] = useState('');
  const [entered, setEntered] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState<{ entered: string; presented: string; detail: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setMismatch(null);
    try {
      onAdded(await call('addPeer', { body: { url, fingerprint: entered } }));
      setUrl('');
      setEntered('');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'fingerprint_mismatch') {
        const expected = entered.trim();
        // The node's sentence names both fingerprints; the one that is not what was typed is the presented one.
        const presented = (err.detail.match(/SHA256:[A-Za-z0-9+/]{43}/g) ?? []).find((f) => f !== expected) ?? '';
        setMismatch({ entered: expected, presented, detail: err.detail });
      } else {
        setError(withFieldIssue(err));
      }
    } finally {
      setBusy(false);
    }
  };

  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  return (
    <section className="panel" aria-labelledby="add-peer-title">
      <h2 id="add-peer-title">{p.addTitle}</h2>
      <p>{p.addIntro}</p>
      <ol className="steps">
        {p.steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      {fingerprint ? (
        <div className="own-fingerprint">
          <p className="label">{p.ownFingerprint}</p>
          <p className="fingerprint mono" id="own-fingerprint">
            {fingerprint}
          </p>
          <CopyButton text={fingerprint} label={t.node.copyFingerprint} sourceId="own-fingerprint" />
        </div>
      ) : null}
      {mismatch ? <MismatchAlert {...mismatch} /> : <ErrorSummary error={error} fields={addFields()} />}
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          id="peer-url"
          label={p.url}
          hint={p.urlHint}
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          value={url}
          onChange={setUrl}
          maxChars={limits.peerUrl}
          errors={errorsFor('url')}
        />
        <TextField
          id="peer-fingerprint"
          label={p.fingerprint}
          hint={p.fingerprintHint}
          className="mono"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          value={entered}
          onChange={setEntered}
          errors={errorsFor('fingerprint')}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? p.adding : p.submit}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Both fingerprints one above the other, with the characters that differ marked, so the eye finds them. */
function MismatchAlert({ entered, presented, detail }: { entered: string; presented: string; detail: string }) {
  const differing = [...entered].reduce((n, ch, i) => (presented[i] === ch ? n : n + 1), 0) + Math.max(0, presented.length - entered.length);
  const marked = (value: string, other: string) =>
    [...value].map((ch, i) =>
      other[i] === ch ? (
        <span key={i}>{ch}</span>
      ) : (
        <mark key={i} className="diff">
          {ch}
        </mark>
      ),
    );
  return (
    <ErrorMessage title={p.mismatchTitle} takeFocus>
      <p>{detail}</p>
      {presented ? (
        <dl className="compare">
          <div>
            <dt>{p.youEntered}</dt>
            <dd className="mono">{marked(entered, presented)}</dd>
          </div>
          <div>
            <dt>{p.presented}</dt>
            <dd className="mono">{marked(presented, entered)}</dd>
          </div>
        </dl>
      ) : null}
      {presented ? <p>{p.differences(differing)}</p> : null}
      <p>{p.mismatchHelp}</p>
    </ErrorMessage>
  );
}
