import { useState, type FormEvent } from 'react';
import { Link, Redirect, useSearch } from 'wouter';
import { ApiError, call } from '../api/client.js';
import { ErrorSummary, type FieldRef } from '../components/alerts.js';
import { TextField } from '../components/fields.js';
import { Loading, Page } from '../components/page.js';
import { messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';
import { useSession } from '../session.js';

/** Where to go after signing in: a path on this node only, never another site. */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

const fields = (): FieldRef[] => [
  { path: 'email', id: 'sign-in-email', label: t.signIn.email },
  { path: 'password', id: 'sign-in-password', label: t.signIn.password },
];

export function SignInPage() {
  const { state, identity, signedIn } = useSession();
  const search = useSearch();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'signed-in') return <Redirect to={safeNext(search)} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      signedIn(await call('login', { body: { email, password } }));
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  return (
    <Page title={t.signIn.title}>
      {identity ? (
        <p className="node-identity">
          {t.signIn.nodeOf} <strong dir="auto">{identity.stateName}</strong>
          {identity.stateName.includes(identity.stateCode) ? null : (
            <>
              {' '}
              (<span className="state-code">{identity.stateCode}</span>)
            </>
          )}
          : <span dir="auto">{identity.name}</span>.
        </p>
      ) : null}
      <p className="intro">{t.signIn.intro}</p>
      {state.status === 'anonymous' && state.notice && !error ? (
        <div className="alert alert-info" role="status">
          <p>{state.notice}</p>
        </div>
      ) : null}
      <ErrorSummary error={error} fields={fields()} />
      <form className="form narrow" onSubmit={submit} noValidate>
        <TextField
          id="sign-in-email"
          label={t.signIn.email}
          type="email"
          autoComplete="username"
          spellCheck={false}
          maxChars={limits.account.email}
          value={email}
          onChange={setEmail}
          errors={errorsFor('email')}
        />
        <TextField
          id="sign-in-password"
          label={t.signIn.password}
          type="password"
          autoComplete="current-password"
          maxChars={limits.account.password}
          value={password}
          onChange={setPassword}
          errors={errorsFor('password')}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t.signIn.submitting : t.signIn.submit}
          </button>
        </div>
      </form>
      <p className="hint">{t.signIn.forgotten}</p>
      <p>
        <Link href="/verify">{t.verify.signInLink}</Link>
      </p>
    </Page>
  );
}
