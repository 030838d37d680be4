import type { ResponseOf } from '@parley/core';
import { useState } from 'react';
import { Link } from 'wouter';
import { call } from '../api/client.js';
import { ErrorFor, LoadStatus } from '../components/alerts.js';
import { useFlash } from '../components/flash.js';
import { NormInvocationChart } from '../components/norm-chart.js';
import { Page } from '../components/page.js';
import { messages as t } from '../i18n/index.js';
import { may } from '../permissions.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';

const n = t.norms;
type Catalogue = ResponseOf<'normCatalogue'>;
type Matrix = ResponseOf<'normMatrix'>;

/** A badge that says a text is a summary awaiting confirmation, with the reason in words. */
export function UnverifiedBadge() {
  return (
    <span className="badge badge-unverified" title={n.catalogue.unverifiedHelp}>
      {n.catalogue.unverified}
      <span className="visually-hidden">: {n.catalogue.unverifiedHelp}</span>
    </span>
  );
}

export function positionLabel(p: string): string {
  return n.positions[p] ?? p;
}

export function NormsPage() {
  const { state } = useSession();
  const role = state.status === 'signed-in' ? state.user.role : 'viewer';
  const { result, reload } = useLoad(
    () =>
      Promise.all([call('normCatalogue'), call('normMatrix'), call('normInvocations'), call('normPublication')]).then(([catalogue, matrix, invocations, publication]) => ({
        catalogue,
        matrix,
        invocations,
        publication,
      })),
    [],
  );
  return (
    <Page title={n.catalogue.title} intro={n.catalogue.intro}>
      <ul className="actions-list">
        <li>
          <Link href="/norms/matrix">{n.catalogue.matrixLink}</Link>
        </li>
        {may(role, 'norms.write') ? (
          <li>
            <Link href="/norms/import">{n.catalogue.importLink}</Link>
          </li>
        ) : null}
        <li>
          <a href="/api/v1/norms/export.csv" download>
            {n.catalogue.exportCsv}
          </a>
        </li>
        <li>
          <a href="/api/v1/norms/export" download="norms-positions.json">
            {n.catalogue.exportJson}
          </a>
        </li>
      </ul>
      <LoadStatus result={result} />
      {result.status === 'ready' ? (
        <>
          <Publication publication={result.data.publication} canPublish={may(role, 'norms.publish')} onChange={reload} />
          {result.data.catalogue.lists.map((l) => (
            <NormList key={l.id} list={l} matrix={result.data.matrix} />
          ))}
          <section aria-labelledby="norm-invocations">
            <h2 id="norm-invocations">{n.catalogue.chartTitle}</h2>
            <NormInvocationChart counts={result.data.invocations.counts} />
          </section>
        </>
      ) : null}
    </Page>
  );
}

function Publication({ publication, canPublish, onChange }: { publication: ResponseOf<'normPublication'>; canPublish: boolean; onChange: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const flash = useFlash();
  const url = `${window.location.origin}/public/norms`;
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = await call('setNormPublication', { body: { published: !publication.published } });
      flash(next.published ? n.catalogue.publishedFlash : n.catalogue.unpublishedFlash);
      onChange();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="norm-publication">
      <h2 id="norm-publication">{n.catalogue.publicationTitle}</h2>
      <p>{publication.published ? n.catalogue.published(url) : n.catalogue.notPublished}</p>
      <ErrorFor error={error} />
      {canPublish ? (
        <button type="button" className={publication.published ? 'button button-secondary' : 'button'} onClick={toggle} disabled={busy}>
          {publication.published ? n.catalogue.unpublish : n.catalogue.publish}
        </button>
      ) : (
        <p className="muted">{n.catalogue.publishOnlyAdmins}</p>
      )}
    </section>
  );
}

function NormList({ list, matrix }: { list: Catalogue['lists'][number]; matrix: Matrix }) {
  const self = matrix.states.find((s) => s.self)?.code;
  const own = new Map(matrix.cells.filter((c) => c.state === self && c.origin === 'own').map((c) => [c.entry, c.position]));
  const id = `list-${list.id}`;
  return (
    <section className="state-section" aria-labelledby={id}>
      <h2 id={id}>{list.title}</h2>
      <p className="muted">
        {n.catalogue.listSource(list.symbol, list.date)} · {n.catalogue.entryCount(list.entries.length)}
      </p>
      <ul className="records">
        {list.entries.map((e) => (
          <li key={e.id} className="record">
            <h3 className="record-title">
              <Link href={`/norms/entries/${encodeURIComponent(e.id)}`}>
                <span className="mono">{e.source.paragraph}</span> {e.title}
              </Link>
            </h3>
            <p className="record-subtitle">
              {n.catalogue.ownPosition}: <strong>{own.has(e.id) ? positionLabel(own.get(e.id)!) : n.catalogue.noPosition}</strong>
              {e.verified ? null : (
                <>
                  {' '}
                  <UnverifiedBadge />
                </>
              )}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
