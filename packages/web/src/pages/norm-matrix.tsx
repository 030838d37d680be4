import type { ResponseOf } from '@parley/core';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { call } from '../api/client.js';
import { LoadStatus } from '../components/alerts.js';
import { SelectField } from '../components/fields.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { messages as t } from '../i18n/index.js';
import { useLoad } from '../use-load.js';
import { positionLabel } from './norms.js';

const n = t.norms;
const POSITIONS = ['endorses', 'endorses_with_reservations', 'does_not_endorse', 'no_stated_position'] as const;
type Matrix = ResponseOf<'normMatrix'>;

/** States by entries; the filters live in the query (/norms/matrix?list=…&position=…), so a view can be linked. */
export function NormMatrixPage() {
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const list = search.get('list') ?? '';
  const position = search.get('position') ?? '';
  const [listChoice, setListChoice] = useState(list);
  const [positionChoice, setPositionChoice] = useState(position);
  const { result } = useLoad(
    () =>
      Promise.all([
        call('normCatalogue'),
        call('normMatrix', { query: { ...(list ? { list } : {}), ...(position ? { position: position as (typeof POSITIONS)[number] } : {}) } }),
      ]).then(([catalogue, matrix]) => ({ catalogue, matrix })),
    [list, position],
  );
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (listChoice) q.set('list', listChoice);
    if (positionChoice) q.set('position', positionChoice);
    navigate(q.size ? `/norms/matrix?${q.toString()}` : '/norms/matrix');
  };
  return (
    <Page title={n.matrix.title} intro={n.matrix.intro}>
      <form className="toolbar" onSubmit={apply}>
        <SelectField
          id="matrix-list"
          label={n.matrix.listFilter}
          value={listChoice}
          options={[{ value: '', label: n.matrix.allLists }, ...(result.status === 'ready' ? result.data.catalogue.lists.map((l) => ({ value: l.id, label: l.symbol })) : [])]}
          onChange={setListChoice}
        />
        <SelectField
          id="matrix-position"
          label={n.matrix.positionFilter}
          value={positionChoice}
          options={[{ value: '', label: n.matrix.allPositions }, ...POSITIONS.map((p) => ({ value: p, label: positionLabel(p) }))]}
          onChange={setPositionChoice}
        />
        <button type="submit" className="button button-secondary">
          {n.matrix.apply}
        </button>
      </form>
      <section className="panel" aria-labelledby="matrix-legend">
        <h2 id="matrix-legend">{n.matrix.legendTitle}</h2>
        <ul>
          <li>{n.matrix.legendPublished}</li>
          <li>{n.matrix.legendRecorded}</li>
        </ul>
      </section>
      <LoadStatus result={result} />
      {result.status === 'ready' ? <MatrixTable matrix={result.data.matrix} /> : null}
    </Page>
  );
}

function MatrixTable({ matrix }: { matrix: Matrix }) {
  if (matrix.cells.length === 0) return <p>{n.matrix.empty}</p>;
  const byCell = new Map<string, Matrix['cells']>();
  for (const c of matrix.cells) {
    const key = `${c.entry} ${c.state}`;
    byCell.set(key, [...(byCell.get(key) ?? []), c]);
  }
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={n.matrix.title}>
      <table className="table table-data matrix">
        <thead>
          <tr>
            <th scope="col">{n.catalogue.chartEntry}</th>
            {matrix.states.map((s) => (
              <th scope="col" key={s.code}>
                <StateLabel code={s.code} />
                {s.self ? <span className="muted small"> ({n.matrix.self})</span> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.entries.map((e) => (
            <tr key={e.id}>
              <th scope="row">
                <Link href={`/norms/entries/${encodeURIComponent(e.id)}`}>
                  <span className="mono">{e.id}</span>
                </Link>{' '}
                <span className="small">{e.title}</span>
              </th>
              {matrix.states.map((s) => (
                <td key={s.code}>
                  {(byCell.get(`${e.id} ${s.code}`) ?? []).map((c) => (
                    <p key={c.origin} className="matrix-cell">
                      <Link
                        href={`/norms/entries/${encodeURIComponent(e.id)}#${c.origin === 'own' ? 'own' : `pos-${c.state}-${c.origin}`}`}
                        aria-label={n.matrix.cellLabel(c.state, e.id, positionLabel(c.position), n.origins[c.origin] ?? c.origin)}
                      >
                        {positionLabel(c.position)}
                      </Link>
                      {c.origin === 'recorded' ? <span className="badge badge-recorded">{n.matrix.recorded}</span> : null}
                    </p>
                  ))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
