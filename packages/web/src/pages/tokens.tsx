import type { ApiToken, ResponseOf } from '@parley/core';
import { useState, type FormEvent } from 'react';
import { ApiError, call } from '../api/client.js';
import { ErrorFor, ErrorSummary, type FieldRef } from '../components/alerts.js';
import { ConfirmAction } from '../components/confirm.js';
import { SecretPanel } from '../components/copy.js';
import { TextField } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { RecordList, useRecords } from '../components/record-list.js';
import { formatTime, messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';

type Created = ResponseOf<'createToken'>;

const fields = (): FieldRef[] => [{ path: 'name', id: 'token-name', label: t.tokens.name }];

export function TokensPage() {
  const flash = useFlash();
  const { result, set, replace } = useRecords(() => call('listTokens').then((r) => r.tokens));
  const [created, setCreated] = useState<Created | null>(null);

  return (
    <Page title={t.tokens.title} intro={t.tokens.intro}>
      {created ? <CreatedPanel created={created} onDone={() => setCreated(null)} /> : null}
      <RecordList titleId="tokens-list-title" title={t.tokens.listTitle} result={result} empty={t.tokens.empty}>
        {(tokens) =>
          tokens.map((token) => (
            <TokenRecord
              key={token.id}
              token={token}
              onRevoked={(revoked) => {
                replace(revoked);
                flash(t.tokens.revoked(revoked.name));
              }}
            />
          ))
        }
      </RecordList>
      <CreateForm
        onCreated={(c) => {
          if (result.status === 'ready') set([c.token, ...result.data]);
          setCreated(c);
        }}
      />
    </Page>
  );
}

function CreatedPanel({ created, onDone }: { created: Created; onDone: () => void }) {
  return (
    <SecretPanel
      shown={created}
      titleId="created-token-title"
      title={t.tokens.secretTitle(created.token.name)}
      help={t.tokens.secretHelp}
      secret={{ id: 'created-token', label: t.tokens.secretLabel, value: created.secret, copyLabel: t.tokens.copySecret }}
      hideLabel={t.tokens.hideSecret}
      onDone={onDone}
    />
  );
}

function TokenRecord({ token, onRevoked }: { token: ApiToken; onRevoked: (t: ApiToken) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      onRevoked(await call('revokeToken', { id: token.id }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <li className={`record${token.revokedAt ? ' record-muted' : ''}`}>
      <h3 className="record-title">
        <span dir="auto">{token.name}</span> {token.revokedAt ? <span className="badge badge-retired">{t.tokens.revokedOn(formatTime(token.revokedAt))}</span> : null}
      </h3>
      <dl className="record-facts">
        <div>
          <dt>{t.tokens.prefix}</dt>
          <dd className="mono">{token.prefix}…</dd>
        </div>
        <div>
          <dt>{t.tokens.created}</dt>
          <dd>{formatTime(token.createdAt)}</dd>
        </div>
        <div>
          <dt>{t.tokens.lastUsed}</dt>
          <dd>{formatTime(token.lastUsedAt)}</dd>
        </div>
      </dl>
      {error ? <ErrorFor error={error} /> : null}
      {token.revokedAt ? null : (
        <div className="record-actions actions">
          <ConfirmAction
            label={t.tokens.revoke}
            accessibleLabel={t.tokens.revokeNamed(token.name)}
            question={t.tokens.revokeConfirm(token.name)}
            confirmLabel={t.tokens.revokeYes}
            busy={busy}
            onConfirm={() => void revoke()}
          />
        </div>
      )}
    </li>
  );
}

function CreateForm({ onCreated }: { onCreated: (c: Created) => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await call('createToken', { body: { name } }));
      setName('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="create-token-title">
      <h2 id="create-token-title">{t.tokens.createTitle}</h2>
      <ErrorSummary error={error} fields={fields()} />
      <form className="form narrow" onSubmit={submit} noValidate>
        <TextField
          id="token-name"
          label={t.tokens.name}
          hint={t.tokens.nameHint}
          autoComplete="off"
          maxChars={limits.account.tokenName}
          value={name}
          onChange={setName}
          errors={error instanceof ApiError ? error.forField('name') : undefined}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t.tokens.creating : t.tokens.create}
          </button>
        </div>
      </form>
    </section>
  );
}
