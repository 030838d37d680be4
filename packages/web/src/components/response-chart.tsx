import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import { formatDuration, locale, messages as t } from '../i18n/index.js';

export interface Series {
  key: string;
  label: string;
  points: { at: number; seconds: number }[];
}

// Distinct in colour (each at least 3:1 against white) and, for people who do not see the
// colours apart, in marker shape and line pattern too.
const STYLES = [
  { colour: '#1a4f8b', shape: 'circle', dash: undefined },
  { colour: '#b3400b', shape: 'square', dash: '6 3' },
  { colour: '#1d6b38', shape: 'triangle', dash: '2 3' },
  { colour: '#7a2a86', shape: 'diamond', dash: '8 3 2 3' },
  { colour: '#6b5200', shape: 'cross', dash: '1 2' },
  { colour: '#4d5761', shape: 'circle-open', dash: '10 4' },
] as const;
type Style = (typeof STYLES)[number];

export const seriesStyle = (i: number): Style => STYLES[i % STYLES.length]!;

function Marker({ style, x, y, size = 5 }: { style: Style; x: number; y: number; size?: number }) {
  const c = style.colour;
  switch (style.shape) {
    case 'square':
      return <rect x={x - size} y={y - size} width={size * 2} height={size * 2} fill={c} />;
    case 'triangle':
      return <polygon points={`${x},${y - size - 1} ${x + size + 1},${y + size} ${x - size - 1},${y + size}`} fill={c} />;
    case 'diamond':
      return <polygon points={`${x},${y - size - 1} ${x + size + 1},${y} ${x},${y + size + 1} ${x - size - 1},${y}`} fill={c} />;
    case 'cross':
      return <path d={`M${x - size},${y - size}L${x + size},${y + size}M${x - size},${y + size}L${x + size},${y - size}`} stroke={c} strokeWidth={3} />;
    case 'circle-open':
      return <circle cx={x} cy={y} r={size} fill="#fff" stroke={c} strokeWidth={2.5} />;
    default:
      return <circle cx={x} cy={y} r={size} fill={c} />;
  }
}

/** A legend entry's sample: the line pattern with the marker on it. */
export function SeriesSwatch({ index }: { index: number }) {
  const style = seriesStyle(index);
  return (
    <svg className="swatch" width="36" height="16" viewBox="0 0 36 16" aria-hidden="true" focusable="false">
      <line x1="2" y1="8" x2="34" y2="8" stroke={style.colour} strokeWidth={2} strokeDasharray={style.dash} />
      <Marker style={style} x={18} y={8} size={4} />
    </svg>
  );
}

/** Round steps for the time axis, so that ticks read "30 min", "1 h", never "47 min". */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 432000];

function yTicks(max: number): { top: number; ticks: number[] } {
  const step = STEPS.find((s) => max / s <= 5) ?? Math.ceil(max / 5);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) ticks.push(v);
  return { top, ticks };
}

/** The width of the element, followed as the window changes, so that text in the chart keeps its size. */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/**
 * Time to confirmation per check, over time, one series per state. The picture is for the eye;
 * `label` says what it shows in words, and the page puts the same figures in a table.
 */
export function ResponseChart({ series, label }: { series: Series[]; label: string }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const titleId = useId();
  const narrow = width < 480;
  const height = narrow ? 220 : 280;
  const m = { top: 14, right: 18, bottom: 34, left: narrow ? 62 : 78 };

  const points = series.flatMap((s) => s.points);
  if (points.length === 0) return null;
  const times = points.map((p) => p.at);
  let x0 = Math.min(...times);
  let x1 = Math.max(...times);
  if (x1 - x0 < 60_000) {
    // One moment only: give it room on both sides.
    x0 -= 30 * 60_000;
    x1 += 30 * 60_000;
  }
  const { top, ticks } = yTicks(Math.max(...points.map((p) => p.seconds), 1));
  const plotW = Math.max(10, width - m.left - m.right);
  const plotH = height - m.top - m.bottom;
  const sx = (at: number) => m.left + ((at - x0) / (x1 - x0)) * plotW;
  const sy = (s: number) => m.top + plotH - (s / top) * plotH;

  const xTickCount = Math.max(2, Math.min(6, Math.floor(plotW / 110)));
  const spansDays = x1 - x0 > 36 * 3600_000;
  // Made at each drawing, in the language of the moment: it can change while the page is open.
  const tickTime = spansDays ? new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }) : new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
  const xTicks = Array.from({ length: xTickCount }, (_, i) => x0 + ((x1 - x0) * i) / (xTickCount - 1));

  return (
    <div className="chart" ref={ref}>
      {width > 0 ? (
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={titleId} focusable="false">
          <title id={titleId}>{label}</title>
          {ticks.map((v) => (
            <g key={v}>
              <line x1={m.left} x2={m.left + plotW} y1={sy(v)} y2={sy(v)} stroke={v === 0 ? '#4d5761' : '#d5dae0'} strokeWidth={1} />
              <text x={m.left - 6} y={sy(v)} dy="0.32em" textAnchor="end" className="chart-tick">
                {v === 0 ? '0' : formatDuration(v)}
              </text>
            </g>
          ))}
          {xTicks.map((at, i) => (
            <text
              key={i}
              x={sx(at)}
              y={m.top + plotH + 20}
              textAnchor={i === 0 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle'}
              className="chart-tick"
            >
              {tickTime.format(at)}
            </text>
          ))}
          {series.map((s, i) => {
            const style = seriesStyle(i);
            const sorted = [...s.points].sort((a, b) => a.at - b.at);
            return (
              <g key={s.key}>
                {sorted.length > 1 ? (
                  <polyline
                    points={sorted.map((p) => `${sx(p.at)},${sy(p.seconds)}`).join(' ')}
                    fill="none"
                    stroke={style.colour}
                    strokeWidth={2}
                    strokeDasharray={style.dash}
                  />
                ) : null}
                {sorted.map((p) => (
                  <Marker key={p.at} style={style} x={sx(p.at)} y={sy(p.seconds)} />
                ))}
              </g>
            );
          })}
        </svg>
      ) : null}
      <p className="chart-axes" aria-hidden="true">
        ↑ {t.checkHistory.yAxis} · → {t.checkHistory.xAxis}
      </p>
    </div>
  );
}
