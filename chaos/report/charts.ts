// Inline SVG for the HTML report: line charts of Prometheus range series and a timeline of
// faults and alerts. No scripts, no external assets: the report is one self-contained file.
import type { PromSeries } from '../verify/prometheus.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const colors = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export interface Span {
  label: string;
  from: number;
  to: number;
  kind: 'fault' | 'alert';
}

function fmtNum(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toPrecision(3)}`;
}

/** A line chart of the series over [startMs, endMs], with fault spans shaded behind. */
export function lineChart(
  title: string,
  series: PromSeries[],
  startMs: number,
  endMs: number,
  faults: Span[] = [],
  w = 640,
  h = 180,
): string {
  const pad = { l: 48, r: 8, t: 20, b: 20 };
  const iw = w - pad.l - pad.r;
  const ih = h - pad.t - pad.b;
  const all = series.flatMap((s) => s.values.map(([, v]) => v)).filter(Number.isFinite);
  const max = all.length ? Math.max(...all, 0) : 1;
  const min = all.length ? Math.min(...all, 0) : 0;
  const span = max - min || 1;
  const x = (tMs: number) => pad.l + ((tMs - startMs) / Math.max(endMs - startMs, 1)) * iw;
  const y = (v: number) => pad.t + ih - ((v - min) / span) * ih;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${esc(title)}">`,
    `<text x="${pad.l}" y="14" font-size="12" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const f of faults)
    parts.push(
      `<rect x="${x(f.from).toFixed(1)}" y="${pad.t}" width="${Math.max(1, x(f.to) - x(f.from)).toFixed(1)}" height="${ih}" fill="#f5c6cb" opacity="0.5"><title>${esc(f.label)}</title></rect>`,
    );
  parts.push(
    `<line x1="${pad.l}" y1="${pad.t + ih}" x2="${pad.l + iw}" y2="${pad.t + ih}" stroke="#999"/>`,
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${pad.t + ih}" stroke="#999"/>`,
  );
  parts.push(
    `<text x="${pad.l - 4}" y="${pad.t + 8}" font-size="10" text-anchor="end">${fmtNum(max)}</text>`,
    `<text x="${pad.l - 4}" y="${pad.t + ih}" font-size="10" text-anchor="end">${fmtNum(min)}</text>`,
  );
  parts.push(
    `<text x="${pad.l}" y="${h - 4}" font-size="10">0 s</text>`,
    `<text x="${pad.l + iw}" y="${h - 4}" font-size="10" text-anchor="end">${Math.round((endMs - startMs) / 1000)} s</text>`,
  );
  if (!all.length)
    parts.push(
      `<text x="${pad.l + iw / 2}" y="${pad.t + ih / 2}" font-size="12" text-anchor="middle" fill="#888">no data</text>`,
    );
  series.slice(0, colors.length).forEach((s, i) => {
    const pts = s.values
      .filter(([, v]) => Number.isFinite(v))
      .map(([t, v]) => `${x(t * 1000).toFixed(1)},${y(v).toFixed(1)}`);
    if (pts.length)
      parts.push(
        `<polyline fill="none" stroke="${colors[i]}" stroke-width="1.5" points="${pts.join(' ')}"><title>${esc(JSON.stringify(s.metric))}</title></polyline>`,
      );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** One row per fault and per alert, bars on a shared time axis. */
export function timeline(spans: Span[], startMs: number, endMs: number, w = 640): string {
  const rowH = 18;
  const labelW = 200;
  const iw = w - labelW - 8;
  const h = spans.length * rowH + 24;
  const x = (t: number) => labelW + ((t - startMs) / Math.max(endMs - startMs, 1)) * iw;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="timeline">`,
  ];
  spans.forEach((s, i) => {
    const yy = i * rowH + 4;
    parts.push(
      `<text x="0" y="${yy + 12}" font-size="11">${esc(s.label.length > 32 ? `${s.label.slice(0, 31)}…` : s.label)}</text>`,
    );
    parts.push(
      `<rect x="${x(s.from).toFixed(1)}" y="${yy}" width="${Math.max(2, x(s.to) - x(s.from)).toFixed(1)}" height="${rowH - 6}" fill="${s.kind === 'fault' ? '#d62728' : '#ff7f0e'}"><title>${esc(`${s.label}: +${((s.from - startMs) / 1000).toFixed(1)} s to +${((s.to - startMs) / 1000).toFixed(1)} s`)}</title></rect>`,
    );
  });
  parts.push(
    `<text x="${labelW}" y="${h - 4}" font-size="10">0 s</text><text x="${w - 8}" y="${h - 4}" font-size="10" text-anchor="end">${Math.round((endMs - startMs) / 1000)} s</text></svg>`,
  );
  return parts.join('');
}
