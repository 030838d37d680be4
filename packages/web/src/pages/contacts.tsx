import type { Contact } from '@parley/core';
import { useState } from 'react';
import { Link } from 'wouter';
import { ApiError, call } from '../api/client.js';
import { ErrorFor, LoadStatus } from '../components/alerts.js';
import { ConfirmAction } from '../components/confirm.js';
import { ContactFacts, contactKinds, ContactRole, VerificationBadge } from '../components/contact-card.js';
import { CheckboxField } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { formatTime, messages as t } from '../i18n/index.js';
import { may } from '../permissions.js';
import { useUser } from '../session.js';
import { useLoad } from '../use-load.js';

export function ContactsPage() {
  const user = useUser();
  const canWrite = may(user.role, 'contacts.write');
  const flash = useFlash();
  const [showRetired, setShowRetired] = useState(false);
  const { result, reload, set } = useLoad(
    () => call('listContacts', { query: { status: showRetired ? 'all' : 'active' } }).then((r) => r.contacts),
    [showRetired],
  );

  const retired = (contact: Contact) => {
    if (result.status !== 'ready') return;
    set(showRetired ? result.data.map((c) => (c.id === contact.id ? contact : c)) : result.data.filter((c) => c.id !== contact.id));
    flash(t.contacts.retired(contact.name));
  };

  return (
    <Page title={t.contacts.title} intro={t.contacts.intro}>
      <div className="toolbar">
        {canWrite ? (
          <Link href="/contacts/new" className="button">
            {t.contacts.add}
          </Link>
        ) : (
          <p className="muted">{t.contacts.readOnly}</p>
        )}
        <CheckboxField id="show-retired" label={t.contacts.showRetired} checked={showRetired} onChange={setShowRetired} />
      </div>
      <LoadStatus result={result} />
      {result.status === 'ready' ? (
        result.data.length === 0 ? (
          <p>{showRetired ? t.contacts.emptyRetired : t.contacts.empty}</p>
        ) : (
          contactKinds
            .filter((kind) => result.data.some((c) => c.kind === kind))
            .map((kind) => (
              <section key={kind} aria-labelledby={`kind-${kind}`}>
                <h2 id={`kind-${kind}`}>{t.contacts.kinds[kind]}</h2>
                <ul className="records">
                  {result.data
                    .filter((c) => c.kind === kind)
                    .map((c) => (
                      <ContactRecord key={c.id} contact={c} canWrite={canWrite} onRetired={retired} onStale={reload} />
                    ))}
                </ul>
              </section>
            ))
        )
      ) : null}
    </Page>
  );
}

function ContactRecord({
  contact: c,
  canWrite,
  onRetired,
  onStale,
}: {
  contact: Contact;
  canWrite: boolean;
  onRetired: (c: Contact) => void;
  onStale: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const active = c.status === 'active';

  const retire = async () => {
    setBusy(true);
    setError(null);
    try {
      onRetired(await call('retireContact', { id: c.id, body: { version: c.version } }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <li className={`record${active ? '' : ' record-muted'}`}>
      <h3 className="record-title">
        <span dir="auto">{c.name}</span> {active ? null : <span className="badge badge-retired">{t.contacts.retiredBadge}</span>}
      </h3>
      <p className="record-subtitle">
        <ContactRole contact={c} />
      </p>
      {active ? <VerificationBadge verifiedAt={c.verifiedAt} /> : null}
      <ContactFacts contact={c}>
        {c.retiredAt ? (
          <div>
            <dt>{t.contacts.fields.status}</dt>
            <dd>{t.contacts.retiredOn(formatTime(c.retiredAt))}</dd>
          </div>
        ) : null}
      </ContactFacts>
      {error ? (
        <>
          <ErrorFor error={error} />
          {error instanceof ApiError && error.code === 'version_conflict' ? (
            <button type="button" className="button button-secondary" onClick={onStale}>
              {t.contacts.loadLatest}
            </button>
          ) : null}
        </>
      ) : null}
      <div className="record-actions actions">
        {canWrite && active ? (
          <Link href={`/contacts/${c.id}/edit`} className="button button-secondary" aria-label={t.contacts.editNamed(c.name)}>
            {t.contacts.edit}
          </Link>
        ) : null}
        <Link href={`/contacts/${c.id}/history`} className="button button-secondary" aria-label={t.contacts.historyNamed(c.name)}>
          {t.contacts.history}
        </Link>
        {canWrite && active ? (
          <ConfirmAction
            label={t.contacts.retire}
            accessibleLabel={t.contacts.retireNamed(c.name)}
            question={t.contacts.retireConfirm(c.name)}
            confirmLabel={t.contacts.retireYes}
            busy={busy}
            onConfirm={() => void retire()}
          />
        ) : null}
      </div>
    </li>
  );
}
