import { ApiError, call } from '../api/client.js';
import { LoadStatus } from '../components/alerts.js';
import { Page } from '../components/page.js';
import { formatDate, messages as t } from '../i18n/index.js';
import { useLoad } from '../use-load.js';
import { SourceText } from './norm-entry.js';
import { positionLabel, UnverifiedBadge } from './norms.js';

const n = t.norms;

/** The read-only page a ministry can link to: no sign-in, shown only once an administrator published it. */
export function PublicNormsPage() {
  const { result } = useLoad(() => call('publicNorms'), []);
  if (result.status === 'failed' && result.error instanceof ApiError && result.error.code === 'norms_not_published') {
    return (
      <Page title={n.catalogue.title}>
        <p>{n.public.notPublished}</p>
      </Page>
    );
  }
  if (result.status !== 'ready') {
    return (
      <Page title={n.catalogue.title}>
        <LoadStatus result={result} />
      </Page>
    );
  }
  const d = result.data;
  const positions = new Map(d.positions.map((p) => [p.entry, p]));
  const notes = new Map(d.notes.map((x) => [x.entry, x]));
  return (
    <Page title={n.public.title(d.state.name)} intro={n.public.intro}>
      {d.lists.map((l) => (
        <section key={l.id} className="state-section" aria-labelledby={`public-${l.id}`}>
          <h2 id={`public-${l.id}`}>{l.title}</h2>
          <p className="muted">{n.catalogue.listSource(l.symbol, l.date)}</p>
          <ul className="records">
            {l.entries.map((e) => {
              const p = positions.get(e.id);
              const note = notes.get(e.id);
              return (
                <li key={e.id} className="record">
                  <h3 className="record-title">
                    <span className="mono">{e.source.paragraph}</span> {e.title} {e.verified ? null : <UnverifiedBadge />}
                  </h3>
                  <blockquote className="norm-text">
                    <p>{e.text.en}</p>
                  </blockquote>
                  <p>
                    <strong>{n.public.positionHeading}:</strong> {p ? positionLabel(p.position) : n.catalogue.noPosition}
                    {p?.date ? ` (${formatDate(p.date)})` : null}
                  </p>
                  {p?.statement ? (
                    <p className="prewrap" dir="auto">
                      {p.statement}
                    </p>
                  ) : null}
                  {p?.source ? (
                    <p>
                      {n.entry.source}: <SourceText source={p.source} />
                    </p>
                  ) : null}
                  {note ? (
                    <>
                      <p>
                        <strong>{n.public.noteHeading}:</strong>
                      </p>
                      <p className="prewrap" dir="auto">
                        {note.text}
                      </p>
                    </>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </Page>
  );
}
