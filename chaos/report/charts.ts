// Charts of the HTML report, drawn server-side by Apache ECharts into SVG strings: line charts of
// the Prometheus range series (fault windows shaded, alert firing spans overlaid, TTD/TTR marked)
// and a timeline of faults and alerts. No scripts, no external assets: the report stays one
// self-contained file that opens from disk.
import { createRequire } from 'node:module';
import type * as Echarts from 'echarts';
import type { PromSeries } from '../verify/prometheus.js';

export interface Span {
  label: string;
  from: number;
  to: number;
  kind: 'fault' | 'alert';
}

/** A moment worth a vertical line: an expected alert first firing (TTD) or clearing (TTR). */
export interface Mark {
  label: string;
  at: number;
}

export const CHART_WIDTH = 960;
const FAULT_COLOR = 'rgba(214, 39, 40, 0.16)';
const ALERT_COLOR = 'rgba(255, 127, 14, 0.12)';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// ECharts is loaded on the first chart, not with this module: it is ~70 MB of resident memory,
// and every `kafka-sre chaos` command (the fault proxy, a scheduler waiting for its next run)
// imports the report code through the runner without drawing anything. Its CommonJS build
// (the package's `require` export) loads synchronously, so the renderers stay synchronous.
let echartsLib: typeof Echarts | undefined;
function echarts(): typeof Echarts {
  echartsLib ??= createRequire(import.meta.url)('echarts') as typeof Echarts;
  return echartsLib;
}

function renderSvg(option: Echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** `{topic="a", partition="1"}` -> `topic=a partition=1`; the whole set stays in the figure's details. */
export function seriesName(metric: Record<string, string>): string {
  const entries = Object.entries(metric).filter(([k]) => k !== '__name__');
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(' ') : 'value';
}

const seconds = (tMs: number, startMs: number) => Math.round((tMs - startMs) / 100) / 10;

/** Data points of `series` that fall inside any of `spans` (the browser test reads this off the figure). */
export function pointsInSpans(series: PromSeries[], spans: Span[]): number {
  let n = 0;
  for (const s of series)
    for (const [t] of s.values) if (spans.some((f) => t * 1000 >= f.from && t * 1000 <= f.to)) n += 1;
  return n;
}

/**
 * A line chart of the series over [startMs, endMs] (x: seconds into the drill), inside a <figure>
 * that names the query and every series in full.
 */
export function lineChart(
  title: string,
  query: string,
  series: PromSeries[],
  startMs: number,
  endMs: number,
  faults: Span[] = [],
  alerts: Span[] = [],
  marks: Mark[] = [],
): string {
  const duration = seconds(endMs, startMs);
  const area = (spans: Span[], color: string) => ({
    silent: true,
    itemStyle: { color },
    label: { show: false },
    data: spans.map((s) => [
      { name: s.label, xAxis: Math.max(0, seconds(s.from, startMs)) },
      { xAxis: Math.min(duration, seconds(s.to, startMs)) },
    ]),
  });
  const lines = series.map((s) => ({
    type: 'line',
    name: seriesName(s.metric),
    showSymbol: false,
    lineStyle: { width: 1.5 },
    data: s.values.filter(([, v]) => Number.isFinite(v)).map(([t, v]) => [seconds(t * 1000, startMs), v]),
  }));
  // Shading and marks ride on series of their own (one per colour), so they show even without data.
  const faultOverlay = {
    type: 'line',
    name: '',
    data: [],
    markArea: area(faults, FAULT_COLOR),
    markLine: {
      silent: true,
      symbol: 'none',
      lineStyle: { type: 'dashed', color: '#555' },
      label: { formatter: '{b}', fontSize: 10, position: 'insideEndTop' },
      data: marks.map((m) => ({ name: m.label, xAxis: seconds(m.at, startMs) })),
    },
  };
  const alertOverlay = { type: 'line', name: '', data: [], markArea: area(alerts, ALERT_COLOR) };
  const svg = renderSvg(
    {
      title: { text: title, left: 0, textStyle: { fontSize: 13 } },
      grid: { left: 56, right: 16, top: 36, bottom: series.length > 1 ? 64 : 32 },
      xAxis: { type: 'value', min: 0, max: duration, name: 's', nameGap: 4, axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#eee' } } },
      legend: series.length > 1 ? { type: 'scroll', bottom: 0, textStyle: { fontSize: 10 } } : { show: false },
      graphic: lines.every((l) => l.data.length === 0)
        ? [{ type: 'text', left: 'center', top: 'middle', style: { text: 'no data', fill: '#888', fontSize: 12 } }]
        : [],
      series: [...lines, faultOverlay, alertOverlay],
    },
    CHART_WIDTH,
    series.length > 1 ? 250 : 210,
  );
  const names = series.map((s) => seriesName(s.metric));
  return `<figure class="chart" data-title="${esc(title)}" data-series="${series.length}" data-points="${lines.reduce((n, l) => n + l.data.length, 0)}" data-points-in-fault="${pointsInSpans(series, faults)}" title="${esc(query)}">${svg}<figcaption><details><summary>query and series</summary><code>${esc(query)}</code>${names.length ? `<ul>${names.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}</details></figcaption></figure>`;
}

/** One row per fault and per alert, bars on the drill's time axis; full labels, wrapped where long. */
export function timeline(spans: Span[], startMs: number, endMs: number): string {
  if (spans.length === 0) return '<p>No faults injected and no alerts fired.</p>';
  const duration = seconds(endMs, startMs);
  const labels = spans.map((s) => s.label);
  const svg = renderSvg(
    {
      grid: { left: 300, right: 16, top: 8, bottom: 28 },
      xAxis: { type: 'value', min: 0, max: duration, name: 's', nameGap: 4, axisLabel: { fontSize: 10 } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: labels,
        axisLabel: { fontSize: 11, width: 290, overflow: 'break' },
      },
      series: [
        // A stacked pair per row: an invisible bar up to the start, then the span itself.
        {
          type: 'bar',
          stack: 'span',
          silent: true,
          itemStyle: { color: 'transparent' },
          data: spans.map((s) => Math.max(0, seconds(s.from, startMs))),
        },
        {
          type: 'bar',
          stack: 'span',
          barMaxWidth: 14,
          data: spans.map((s) => ({
            value: Math.max(0.1, seconds(s.to, startMs) - Math.max(0, seconds(s.from, startMs))),
            itemStyle: { color: s.kind === 'fault' ? '#d62728' : '#ff7f0e' },
          })),
        },
      ],
    },
    CHART_WIDTH,
    spans.length * 26 + 44,
  );
  const rows = spans
    .map(
      (s) =>
        `<li>${esc(s.label)}: +${((s.from - startMs) / 1000).toFixed(1)} s to +${((s.to - startMs) / 1000).toFixed(1)} s</li>`,
    )
    .join('');
  return `<figure class="timeline">${svg}<figcaption><details><summary>spans</summary><ul>${rows}</ul></details></figcaption></figure>`;
}

/** One point of a trend: a run (its start) and a value in seconds; null where the run had none. */
export interface TrendPoint {
  at: number;
  seconds: number | null;
}

/** A small line chart of values over runs (TTD/TTR per expected alert on the history page). */
export function trendChart(title: string, lines: { name: string; points: TrendPoint[] }[]): string {
  const svg = renderSvg(
    {
      title: { text: title, left: 0, textStyle: { fontSize: 12 } },
      grid: { left: 48, right: 16, top: 32, bottom: 56 },
      xAxis: { type: 'time', axisLabel: { fontSize: 10, hideOverlap: true } },
      yAxis: { type: 'value', name: 's', axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#eee' } } },
      legend: { type: 'scroll', bottom: 0, textStyle: { fontSize: 10 } },
      series: lines.map((l) => ({
        type: 'line',
        name: l.name,
        connectNulls: false,
        symbolSize: 6,
        data: l.points.map((p) => [p.at, p.seconds]),
      })),
    },
    CHART_WIDTH,
    220,
  );
  const points = lines.reduce((n, l) => n + l.points.filter((p) => p.seconds !== null).length, 0);
  return `<figure class="trend" data-title="${esc(title)}" data-points="${points}">${svg}</figure>`;
}
