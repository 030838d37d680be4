import type { Peer, ResponseOf } from '@parley/core';
import { Link } from 'wouter';
import { call } from '../api/client.js';
import { LoadStatus } from '../components/alerts.js';
import { ContactFacts, contactKinds, ContactRole, VerificationBadge } from '../components/contact-card.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { formatTime, messages as t } from '../i18n/index.js';
import { useLoad } from '../use-load.js';

type StateDirectory = ResponseOf<'federationDirectory'>['states'][number];
type PublishedContact = StateDirectory['contacts'][number];

const d = t.directory;

export function FederationDirectoryPage() {
  const { result } = useLoad(() => Promise.all([call('federationDirectory'), call('listPeers')]).then(([dir, peers]) => ({ states: dir.states, peers: peers.peers })), []);
  return (
    <Page title={d.title} intro={d.intro}>
      <p>
        {d.ownIntro} <Link href="/contacts">{d.ownLink}</Link>
      </p>
      <LoadStatus result={result} />
      {result.status === 'ready' ? <Directory states={result.data.states} peers={result.data.peers} /> : null}
    </Page>
  );
}

function Directory({ states, peers }: { states: StateDirectory[]; peers: Peer[] }) {
  const received = new Set(states.map((s) => s.stateCode));
  const waiting = peers.filter((p) => !received.has(p.stateCode));
  const status = new Map(peers.map((p) => [p.stateCode, p.status]));
  return (
    <>
      {states.length === 0 ? <p>{d.empty}</p> : null}
      {waiting.length > 0 && states.length > 0 ? (
        <p className="muted">
          {d.waiting}{' '}
          {waiting.map((p, i) => (
            <span key={p.stateCode}>
              {i > 0 ? ', ' : null}
              <StateLabel code={p.stateCode} name={p.name} />
            </span>
          ))}
        </p>
      ) : null}
      {states.map((s) => (
        <StateSection key={s.stateCode} state={s} suspended={status.get(s.stateCode) === 'suspended'} />
      ))}
    </>
  );
}

const kindOrder = (c: PublishedContact) => contactKinds.indexOf(c.kind);

function StateSection({ state: s, suspended }: { state: StateDirectory; suspended: boolean }) {
  const titleId = `state-${s.stateCode}`;
  const contacts = [...s.contacts].sort((a, b) => kindOrder(a) - kindOrder(b) || a.name.localeCompare(b.name));
  return (
    <section className="state-section" aria-labelledby={titleId}>
      <h2 id={titleId}>
        <StateLabel code={s.stateCode} name={s.name} isTestState={s.isTestState} />
      </h2>
      {suspended ? (
        <div className="alert alert-warning">
          <p>{d.suspended}</p>
        </div>
      ) : null}
      <dl className="facts facts-inline">
        <div>
          <dt>{d.published}</dt>
          <dd>{formatTime(s.publishedAt)}</dd>
        </div>
        <div>
          <dt>{d.received}</dt>
          <dd>{formatTime(s.receivedAt)}</dd>
        </div>
        <div>
          <dt>{t.contacts.title}</dt>
          <dd>{d.contactsOf(contacts.length)}</dd>
        </div>
      </dl>
      {contacts.length === 0 ? (
        <p>{d.noContacts}</p>
      ) : (
        <ul className="records">
          {contacts.map((c) => (
            <PublishedContactRecord key={c.id} contact={c} />
          ))}
        </ul>
      )}
    </section>
  );
}

function PublishedContactRecord({ contact: c }: { contact: PublishedContact }) {
  return (
    <li className="record">
      <h3 className="record-title" dir="auto">
        {c.name}
      </h3>
      <p className="record-subtitle">
        <strong className="kind">{t.contacts.kinds[c.kind] ?? c.kind}</strong>
        {' · '}
        <ContactRole contact={c} />
      </p>
      <VerificationBadge verifiedAt={c.verifiedAt} />
      <ContactFacts contact={c} />
    </li>
  );
}
