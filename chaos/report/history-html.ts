// The game-day history page (`kafka-sre chaos history --html FILE`): every recorded run with its
// verdict and a link to its report, and per scenario the trend of each expected alert's time to
// detect (TTD) and to recover (TTR) across runs. One self-contained file, like the reports.
import { relative, dirname, join } from 'node:path';
import type { HistoryEntry } from '../schedule/history.js';
import { CHART_WIDTH, trendChart, type TrendPoint } from './charts.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const sec = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms / 100) / 10);

/** TTD and TTR lines of one scenario: one line per expected alert and fault, a point per run. */
function trends(runs: HistoryEntry[]): string {
  const keys = [...new Set(runs.flatMap((r) => (r.alerts ?? []).map((a) => `${a.alert} on ${a.fault}`)))];
  if (keys.length === 0) return '<p>No alert expectations recorded for this scenario.</p>';
  const line = (key: string, pick: 'ttdMs' | 'ttrMs') => ({
    name: key,
    points: runs.map((r): TrendPoint => ({
      at: Date.parse(r.startedAt),
      seconds: sec((r.alerts ?? []).find((a) => `${a.alert} on ${a.fault}` === key)?.[pick]),
    })),
  });
  return (
    trendChart(
      'Time to detect (s)',
      keys.map((k) => line(k, 'ttdMs')),
    ) +
    trendChart(
      'Time to recover (s)',
      keys.map((k) => line(k, 'ttrMs')),
    )
  );
}

/** The page; report links are relative to where the page is written (`outFile`). */
export function renderHistoryHtml(entries: HistoryEntry[], outFile: string): string {
  const link = (e: HistoryEntry) =>
    e.reportDir ? `<a href="${esc(relative(dirname(outFile), join(e.reportDir, 'report.html')))}">report</a>` : '-';
  const rows = [...entries]
    .reverse()
    .map(
      (e) =>
        `<tr class="${e.status}"><td>${esc(e.startedAt)}</td><td>${esc(e.spec)}</td><td>${esc(e.target)}</td><td class="status">${esc(e.status)}</td><td>${(
          e.alerts ?? []
        )
          .map((a) => `${esc(a.alert)}: TTD ${sec(a.ttdMs) ?? '-'} s, TTR ${sec(a.ttrMs) ?? '-'} s`)
          .join('<br>')}</td><td>${link(e)}</td><td>${esc(e.reason ?? '')}</td></tr>`,
    );
  const specs = [...new Set(entries.map((e) => e.spec))].sort();
  const sections = specs.map((spec) => {
    const runs = entries.filter((e) => e.spec === spec && e.status !== 'skipped');
    const passed = runs.filter((r) => r.status === 'passed').length;
    return `<section><h2>${esc(spec)}</h2><p>${runs.length} run(s), ${passed} passed.</p>${trends(runs)}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Game-day history</title>
<style>body{font-family:sans-serif;margin:2em;max-width:${CHART_WIDTH + 40}px}table{border-collapse:collapse;margin:1em 0;max-width:100%}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px;text-align:left;overflow-wrap:anywhere}tr.passed .status{color:#2a7}tr.failed .status,tr.aborted .status,tr.error .status{color:#c22;font-weight:bold}figure{margin:1em 0}figure svg{max-width:100%;height:auto}</style></head>
<body>
<h1>Game-day history</h1>
<p>${entries.length} recorded run(s) of ${specs.length} scenario(s), newest first.</p>
<table><tr><th>started</th><th>scenario</th><th>target</th><th>verdict</th><th>expected alerts</th><th>report</th><th>reason</th></tr>${rows.join('')}</table>
${sections.join('\n')}
</body></html>
`;
}
