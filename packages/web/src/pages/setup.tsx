import type { ResponseOf } from '@parley/core';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError, call, describeError } from '../api/client.js';
import { ErrorMessage, ErrorSummary, type FieldRef } from '../components/alerts.js';
import { TextField } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { formatTime, messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';
import { useSession } from '../session.js';
import { characterCount } from '../text.js';

type LinkInfo = ResponseOf<'setupInfo'>;


/** The secret of a one-time link travels in the fragment, which browsers never send to a server. */
function secretFromHash(): string {
  try {
    return decodeURIComponent(window.location.hash.slice(1)).trim();
  } catch {
    return '';
  }
}

export function SetupPage() {
  // A link pasted into a tab already on /setup changes only the fragment: no page load, so listen.
  const [secret, setSecret] = useState(secretFromHash);
  useEffect(() => {
    const onHash = () => setSecret(secretFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return <SetupLink key={secret} secret={secret} />;
}

function SetupLink({ secret }: { secret: string }) {
  const usable = secret.length >= 20 && secret.length <= 200;
  const [info, setInfo] = useState<LinkInfo | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);

  useEffect(() => {
    if (!usable) return;
    let live = true;
    call('setupInfo', { body: { token: secret } }).then(
      (i) => live && setInfo(i),
      (e: unknown) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
  }, [secret, usable]);

  if (!usable) {
    return (
      <Page title={t.setup.missingTitle}>
        <ErrorMessage title={null}>
          <p>{t.setup.missing}</p>
        </ErrorMessage>
        <p>
          <Link href="/sign-in">{t.setup.signInInstead}</Link>
        </p>
      </Page>
    );
  }
  if (loadError) {
    return (
      <Page title={t.setup.invalidTitle}>
        <ErrorMessage title={null}>
          <p>{describeError(loadError)}</p>
        </ErrorMessage>
        <p>
          <Link href="/sign-in">{t.setup.signInInstead}</Link>
        </p>
      </Page>
    );
  }
  if (!info) {
    return (
      <Page title={t.setup.checkingTitle}>
        <p role="status">{t.setup.checking}</p>
      </Page>
    );
  }
  return <SetupForm secret={secret} info={info} />;
}

function SetupForm({ secret, info }: { secret: string; info: LinkInfo }) {
  const { signedIn } = useSession();
  const [, navigate] = useLocation();
  const flash = useFlash();
  const first = info.purpose === 'first-admin';
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const fields: FieldRef[] = [
    ...(first ? [{ path: 'email', id: 'setup-email', label: t.setup.email }] : []),
    { path: 'displayName', id: 'setup-name', label: t.setup.name },
    { path: 'password', id: 'setup-password', label: t.setup.password },
    { path: 'repeat', id: 'setup-repeat', label: t.setup.repeat },
  ];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local = [];
    if (first && !email.trim()) local.push({ path: 'email', message: t.setup.emailMissing });
    // In characters, as the node counts them: six emoji are twelve UTF-16 units but six characters.
    if (characterCount(password) < limits.account.passwordMin) local.push({ path: 'password', message: t.setup.tooShort });
    else if (password !== repeat) local.push({ path: 'repeat', message: t.setup.mismatch });
    if (local.length) {
      setError(new ApiError(0, 'validation_failed', t.common.checkFields, local));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await call('setup', {
        body: {
          token: secret,
          ...(first ? { email } : {}),
          ...(displayName.trim() ? { displayName } : {}),
          password,
        },
      });
      // The link is spent; take its secret out of the address bar and the history entry.
      window.history.replaceState(null, '', '/setup');
      signedIn(session);
      flash(t.setup.done, '/');
      navigate('/', { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  return (
    <Page title={t.setup.titles[info.purpose]} intro={t.setup.intros[info.purpose]}>
      <p>{t.setup.expires(formatTime(info.expiresAt))}</p>
      <ErrorSummary error={error} fields={fields} />
      <form className="form narrow" onSubmit={submit} noValidate>
        {first ? (
          <TextField
            id="setup-email"
            label={t.setup.email}
            hint={t.setup.emailHint}
            type="email"
            autoComplete="username"
            spellCheck={false}
            maxChars={limits.account.email}
            value={email}
            onChange={setEmail}
            errors={errorsFor('email')}
          />
        ) : (
          // Read-only, but an input: password managers file the new password under this name.
          <TextField id="setup-account" label={t.setup.account} type="email" autoComplete="username" readOnly value={info.email ?? ''} onChange={() => {}} />
        )}
        <TextField
          id="setup-name"
          label={t.setup.name}
          hint={first ? t.setup.nameHint : t.setup.nameKeepHint}
          optional
          autoComplete="name"
          maxChars={limits.account.displayName}
          value={displayName}
          onChange={setDisplayName}
          errors={errorsFor('displayName')}
        />
        <TextField
          id="setup-password"
          label={t.setup.password}
          hint={t.setup.passwordHint}
          type="password"
          autoComplete="new-password"
          maxChars={limits.account.password}
          value={password}
          onChange={setPassword}
          errors={errorsFor('password')}
        />
        <TextField
          id="setup-repeat"
          label={t.setup.repeat}
          type="password"
          autoComplete="new-password"
          maxChars={limits.account.password}
          value={repeat}
          onChange={setRepeat}
          errors={errorsFor('repeat')}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t.setup.submitting : t.setup.submit}
          </button>
        </div>
      </form>
    </Page>
  );
}
