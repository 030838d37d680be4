import { useEffect, useId, useRef, useState } from 'react';
import { seriesStyle } from './response-chart.js';

export interface BarGroup {
  key: string;
  label: string;
  /** One value per series, in the order of `series`; null when there is no figure. */
  values: (number | null)[];
}

/** The fill of a series: its colour (from the line charts' palette) and, from the second on, a hatching. */
function fillOf(i: number, patternBase: string): string {
  return i === 0 ? seriesStyle(0).colour : `url(#${patternBase}-${i})`;
}

function Patterns({ count, base }: { count: number; base: string }) {
  return (
    <defs>
      {Array.from({ length: count }, (_, i) =>
        i === 0 ? null : (
          <pattern key={i} id={`${base}-${i}`} width={6} height={6} patternUnits="userSpaceOnUse" patternTransform={`rotate(${i % 2 ? 45 : -45})`}>
            <rect width={6} height={6} fill="#ffffff" />
            <rect width={3.5} height={6} fill={seriesStyle(i).colour} />
          </pattern>
        ),
      )}
    </defs>
  );
}

/** A legend entry's sample, drawn as the bars are (colour and hatching). */
function Swatch({ index, base }: { index: number; base: string }) {
  return (
    <svg className="swatch" width="28" height="16" viewBox="0 0 28 16" aria-hidden="true" focusable="false">
      <Patterns count={index + 1} base={`${base}-legend${index}`} />
      <rect x={1} y={2} width={26} height={12} fill={fillOf(index, `${base}-legend${index}`)} stroke={seriesStyle(index).colour} strokeWidth={1} />
    </svg>
  );
}

/**
 * Horizontal bars in groups (one group per row of figures, one bar per series), for comparing a
 * few measures across states. Each group's label sits above its bars and each bar is followed by
 * its value in words, so that the chart stays legible on a phone and no meaning rests on colour:
 * the series differ in hatching too, and the legend names them. The picture is for the eye; `label`
 * says what it shows, and the page must give the same figures in a table.
 */
export function BarChart({
  label,
  series,
  groups,
  format,
  empty,
}: {
  label: string;
  series: string[];
  groups: BarGroup[];
  format: (value: number) => string;
  /** Shown for a missing value. */
  empty: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const titleId = useId();
  const base = `bars${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;

  const max = Math.max(0, ...groups.flatMap((g) => g.values.filter((v): v is number => v !== null)));
  const labelRow = 22;
  const bar = 16;
  const gap = 4;
  const groupGap = 14;
  const valueRoom = Math.min(150, Math.max(90, width * 0.3));
  const plot = Math.max(20, width - valueRoom - 8);
  const groupHeight = labelRow + series.length * (bar + gap) + groupGap;
  const height = groups.length * groupHeight;

  return (
    <div className="chart bar-chart" ref={ref}>
      <ul className="legend" aria-hidden="true">
        {series.map((s, i) => (
          <li key={s}>
            <Swatch index={i} base={base} />
            {s}
          </li>
        ))}
      </ul>
      {width > 0 ? (
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={titleId} focusable="false">
          <title id={titleId}>{label}</title>
          <Patterns count={series.length} base={base} />
          {groups.map((g, gi) => {
            const top = gi * groupHeight;
            return (
              <g key={g.key}>
                <text x={0} y={top + 15} className="bar-value">
                  {g.label}
                </text>
                {series.map((s, si) => {
                  const v = g.values[si] ?? null;
                  const y = top + labelRow + si * (bar + gap);
                  const w = v === null || max === 0 ? 0 : Math.max(2, (v / max) * plot);
                  return (
                    <g key={s}>
                      <line x1={0.5} x2={0.5} y1={y - 1} y2={y + bar + 1} stroke="#4d5761" strokeWidth={1} />
                      {v !== null ? <rect x={1} y={y} width={w} height={bar} fill={fillOf(si, base)} stroke={seriesStyle(si).colour} strokeWidth={1} /> : null}
                      <text x={w + 6} y={y + bar / 2} dy="0.32em" className="chart-tick">
                        {v === null ? empty : format(v)}
                      </text>
                    </g>
                  );
                })}
              </g>
            );
          })}
        </svg>
      ) : null}
    </div>
  );
}
