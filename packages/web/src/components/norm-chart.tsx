import { useId } from 'react';
import { messages as t } from '../i18n/index.js';

const n = t.norms.catalogue;

/**
 * Invocations per entry as horizontal bars. The picture is for the eye; the table under it gives
 * the same figures to everyone, screen readers included. It is drawn at its own size and only
 * shrinks on a narrow screen: stretched to a wide page, its 13-pixel labels grew to twice that.
 */
export function NormInvocationChart({ counts }: { counts: { entry: string; title: string; count: number }[] }) {
  const titleId = useId();
  const total = counts.reduce((s, c) => s + c.count, 0);
  if (total === 0) return <p>{n.chartEmpty}</p>;
  const shown = counts.filter((c) => c.count > 0);
  const max = Math.max(...shown.map((c) => c.count));
  const row = 26;
  const label = 120;
  const width = 320;
  const height = shown.length * row + 8;
  return (
    <figure className="figure">
      <div className="chart">
        <svg viewBox={`0 0 ${label + width + 40} ${height}`} width={label + width + 40} role="img" aria-labelledby={titleId} focusable="false" preserveAspectRatio="xMinYMin meet">
          <title id={titleId}>{n.chartLabel(total)}</title>
          {shown.map((c, i) => {
            const w = Math.max(2, (c.count / max) * width);
            const y = 4 + i * row;
            return (
              <g key={c.entry}>
                <text x={label - 8} y={y + row / 2} dy="0.32em" textAnchor="end" className="chart-tick">
                  {c.entry}
                </text>
                <rect x={label} y={y + 4} width={w} height={row - 10} fill="#1a4f8b" />
                <text x={label + w + 6} y={y + row / 2} dy="0.32em" className="chart-tick">
                  {c.count}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="visually-hidden">{n.chartTitle}</figcaption>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">{n.chartTitle}</caption>
          <thead>
            <tr>
              <th scope="col">{n.chartEntry}</th>
              <th scope="col">{n.chartCount}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.entry}>
                <td>
                  <span className="mono">{c.entry}</span> {c.title}
                </td>
                <td>{c.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
