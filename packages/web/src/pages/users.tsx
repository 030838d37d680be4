import type { ListedUser, ResponseOf, User } from '@parley/core';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, call } from '../api/client.js';
import { ErrorFor, ErrorSummary, type FieldRef } from '../components/alerts.js';
import { ConfirmAction } from '../components/confirm.js';
import { SecretPanel } from '../components/copy.js';
import { SelectField, TextField } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { RecordList, useRecords } from '../components/record-list.js';
import { formatFromNow, formatTime, messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';
import type { Role } from '../permissions.js';
import { useSession, useUser } from '../session.js';
import { useNow } from '../use-now.js';

type IssuedLink = ResponseOf<'userLink'>;

const roles: readonly Role[] = ['admin', 'officer', 'viewer'];
const roleOptions = roles.map((r) => ({ value: r, label: t.roles[r] }));

export function UsersPage() {
  const me = useUser();
  const { updateMe } = useSession();
  const flash = useFlash();
  const { result, set, replace } = useRecords(() => call('listUsers').then((r) => r.users));
  const [issued, setIssued] = useState<IssuedLink | null>(null);

  return (
    <Page title={t.users.title} intro={t.users.intro}>
      {issued ? <IssuedLinkPanel issued={issued} onDone={() => setIssued(null)} /> : null}
      <RecordList titleId="users-list-title" title={t.users.listTitle} result={result} empty={t.users.empty}>
        {(users) =>
          users.map((u) => (
            <UserRecord
              key={u.id}
              user={u}
              isMe={u.id === me.id}
              onChanged={(user, message) => {
                replace({ ...u, ...user });
                flash(message);
                updateMe(user);
              }}
              onLink={(link) => {
                replace({ ...u, ...link.user });
                setIssued(link);
              }}
            />
          ))
        }
      </RecordList>
      <InviteForm
        onInvited={(link) => {
          if (result.status === 'ready') set([...result.data, { ...link.user, lockedUntil: null }].sort((a, b) => a.email.localeCompare(b.email)));
          setIssued(link);
        }}
      />
    </Page>
  );
}

function IssuedLinkPanel({ issued, onDone }: { issued: IssuedLink; onDone: () => void }) {
  return (
    <SecretPanel
      shown={issued}
      titleId="issued-link-title"
      title={t.users.linkTitle(issued.user.email)}
      help={`${issued.user.status === 'active' ? `${t.users.resetDone} ` : ''}${t.users.linkHelp(formatTime(issued.expiresAt))}`}
      secret={{ id: 'issued-link', label: t.users.linkLabel, value: issued.setupLink, copyLabel: t.users.copyLink }}
      hideLabel={t.users.hideLink}
      onDone={onDone}
    />
  );
}

function UserRecord({
  user,
  isMe,
  onChanged,
  onLink,
}: {
  user: ListedUser;
  isMe: boolean;
  /** The account as changed (a lockout lifted: `lockedUntil` null), and what to announce. */
  onChanged: (user: User & Partial<ListedUser>, message: string) => void;
  onLink: (link: IssuedLink) => void;
}) {
  const [role, setRole] = useState<Role>(user.role);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setRole(user.role), [user.role]);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const changeRole = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const updated = await call('updateUser', { id: user.id, body: { role } });
      onChanged(updated, t.users.roleChanged(updated.displayName, t.roles[updated.role]));
    });
  };
  const disable = () =>
    act(async () => {
      const updated = await call('updateUser', { id: user.id, body: { status: 'disabled' } });
      onChanged(updated, t.users.disabled(updated.displayName));
    });
  const newLink = () => act(async () => onLink(await call('userLink', { id: user.id })));
  const enable = () => act(async () => onLink(await call('enableUser', { id: user.id })));
  const unlock = () =>
    act(async () => {
      const unlocked = await call('unlockUser', { id: user.id });
      onChanged(unlocked, t.users.unlocked(unlocked.displayName));
    });
  const now = useNow();
  const lockedUntil = user.lockedUntil && new Date(user.lockedUntil).getTime() > now ? user.lockedUntil : null;

  const titleId = `user-${user.id}`;
  return (
    <li className={`record${user.status === 'disabled' ? ' record-muted' : ''}`}>
      <h3 id={titleId} className="record-title">
        <span dir="auto">{user.displayName}</span> {isMe ? <span className="muted">{t.users.you}</span> : null}
      </h3>
      <dl className="record-facts">
        <div>
          <dt>{t.users.email}</dt>
          <dd className="break">{user.email}</dd>
        </div>
        <div>
          <dt>{t.users.role}</dt>
          <dd>{t.roles[user.role]}</dd>
        </div>
        <div>
          <dt>{t.users.status}</dt>
          <dd>
            <span className={`badge badge-${user.status}`}>{t.users.statuses[user.status]}</span>
          </dd>
        </div>
        {lockedUntil ? (
          <div>
            <dt>{t.users.signIn}</dt>
            <dd>{t.users.lockedUntil(formatTime(lockedUntil), formatFromNow(lockedUntil, now))}</dd>
          </div>
        ) : null}
      </dl>
      {error ? <ErrorFor error={error} /> : null}
      <div className="record-actions">
        <form className="inline-form" onSubmit={changeRole}>
          <label className="label" htmlFor={`${titleId}-role`}>
            {t.users.roleFor(user.displayName)}
          </label>
          <div className="inline-controls">
            <select className="select" id={`${titleId}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {roleOptions.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
            <button type="submit" className="button button-secondary" disabled={busy || role === user.role}>
              {t.users.changeRole}
            </button>
          </div>
        </form>
        <div className="actions">
          {lockedUntil ? (
            <ConfirmAction
              label={t.users.unlock}
              accessibleLabel={t.users.unlockFor(user.displayName)}
              question={t.users.unlockQuestion(user.displayName)}
              confirmLabel={t.users.unlockConfirm}
              busy={busy}
              onConfirm={() => void unlock()}
            />
          ) : null}
          {user.status === 'disabled' ? (
            <ConfirmAction
              label={t.users.enable}
              accessibleLabel={t.users.enableFor(user.displayName)}
              question={t.users.enableQuestion(user.displayName)}
              confirmLabel={t.users.enableConfirm}
              busy={busy}
              onConfirm={() => void enable()}
            />
          ) : (
            <>
              {user.status === 'invited' ? (
                <button type="button" className="button button-secondary" disabled={busy} onClick={newLink}>
                  {t.users.newInviteLink}
                </button>
              ) : (
                <ConfirmAction
                  label={t.users.newResetLink}
                  accessibleLabel={t.users.resetFor(user.displayName)}
                  question={isMe ? t.users.resetOwnQuestion : t.users.resetQuestion(user.displayName)}
                  confirmLabel={t.users.resetConfirm}
                  busy={busy}
                  onConfirm={() => void newLink()}
                />
              )}
              <button type="button" className="button button-warning" disabled={busy} onClick={() => void disable()}>
                {t.users.disable}
              </button>
            </>
          )}
        </div>
      </div>
    </li>
  );
}

const inviteFields = (): FieldRef[] => [
  { path: 'email', id: 'invite-email', label: t.users.email },
  { path: 'displayName', id: 'invite-name', label: t.users.name },
  { path: 'role', id: 'invite-role', label: t.users.role },
];

function InviteForm({ onInvited }: { onInvited: (link: IssuedLink) => void }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('officer');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onInvited(await call('createUser', { body: { email, displayName, role } }));
      setEmail('');
      setDisplayName('');
      setRole('officer');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  return (
    <section className="panel" aria-labelledby="invite-title">
      <h2 id="invite-title">{t.users.inviteTitle}</h2>
      <p>{t.users.inviteIntro}</p>
      <ErrorSummary error={error} fields={inviteFields()} />
      <form className="form narrow" onSubmit={submit} noValidate>
        <TextField
          id="invite-email"
          label={t.users.email}
          type="email"
          autoComplete="off"
          spellCheck={false}
          maxChars={limits.account.email}
          value={email}
          onChange={setEmail}
          errors={errorsFor('email')}
        />
        <TextField id="invite-name" label={t.users.name} autoComplete="off" maxChars={limits.account.displayName} value={displayName} onChange={setDisplayName} errors={errorsFor('displayName')} />
        <SelectField
          id="invite-role"
          label={t.users.role}
          hint={`${t.roleHelp.admin} ${t.roleHelp.officer} ${t.roleHelp.viewer}`}
          value={role}
          options={roleOptions}
          onChange={setRole}
          errors={errorsFor('role')}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t.users.inviting : t.users.inviteSubmit}
          </button>
        </div>
      </form>
    </section>
  );
}
