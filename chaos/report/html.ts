// The HTML report: verdict, TTD/TTR per expectation, fault and alert timelines, charts of the
// drill window from Prometheus, SLO budget burned, data check, load summary and follow-ups.
import type { DataCheckResult } from '../load/data-check.js';
import { describeLeftBehind } from '../runner/left-behind.js';
import type { RunOutcome } from '../runner/runner.js';
import { describeSlowestWrite } from '../runner/slowest-write.js';
import { alertTimeline } from '../verify/alerts.js';
import type { PromSeries } from '../verify/prometheus.js';
import { CHART_WIDTH, lineChart, timeline, type Mark, type Span } from './charts.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const ms = (v: number | undefined) => (v === undefined ? '-' : `${(v / 1000).toFixed(1)} s`);

export interface ChartData {
  title: string;
  query: string;
  series: PromSeries[];
  error?: string;
}

export interface BudgetRow {
  slo: string;
  errors: number;
  events: number;
  /** Share of a 30-day error budget the drill used, at the given objective. */
  burned: number;
}

/** The data check's numbers (Jepsen's Kafka checker names) and how the log was read. */
function dataTable(r: DataCheckResult): string {
  const cells = [
    r.acknowledged,
    r.inLog,
    r.lostWrite,
    r.duplicate,
    r.nonmonotonicSend,
    `${r.indeterminate} (${r.indeterminateFound} in log)`,
    r.group ? `${r.group.consumed} (${r.group.missedAcknowledged} acknowledged missed)` : '-',
  ];
  const samples = [
    ...r.lostWriteSample.map((x) => `lost-write ${x}`),
    ...r.duplicateSample.map((x) => `duplicate ${x}`),
    ...r.nonmonotonicSample.map((x) => `nonmonotonic-send ${x}`),
  ];
  return `<table><tr><th>acknowledged</th><th>read back from the log</th><th>lost-write</th><th>duplicate</th><th>nonmonotonic-send</th><th>indeterminate</th><th>read by the load's group</th></tr><tr>${cells.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr></table>
<p>Read-back: ${esc(r.readBack.detail)}</p>${
    samples.length
      ? `<ul>${samples
          .slice(0, 20)
          .map((x) => `<li><code>${esc(x)}</code></li>`)
          .join('')}</ul>`
      : ''
  }`;
}

export function faultSpans(o: RunOutcome): Span[] {
  return o.faults
    .filter((f) => f.injectedAt !== undefined)
    .map((f) => ({
      label: `fault ${f.fault}`,
      from: f.injectedAt!,
      to: f.rolledBackAt ?? o.windowEndMs,
      kind: 'fault' as const,
    }));
}

/** Numbers of the load table: integers as they are, the rest to 3 significant digits. */
function num(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  return Number.isInteger(v) ? String(v) : String(+v.toPrecision(3));
}

/** k6-style load metrics as a table that fits a laptop screen: one row per metric, one column per statistic. */
function loadTable(summary: NonNullable<RunOutcome['load']>['summary']): string {
  const cols: [string, string][] = [
    ['count', 'count'],
    ['rate', 'rate'],
    ['p50', 'med'],
    ['p90', 'p(90)'],
    ['p95', 'p(95)'],
    ['p99', 'p(99)'],
    ['max', 'max'],
  ];
  const rows = Object.entries(summary.metrics).map(([name, m]) => {
    const thresholds = Object.entries(m.thresholds ?? {});
    const verdict = thresholds.length
      ? thresholds
          .map(([e, r]) => `<span class="${r.ok ? 'pass' : 'fail'}">${esc(e)} ${r.ok ? 'ok' : 'FAILED'}</span>`)
          .join(' ')
      : '-';
    return `<tr><td>${esc(name)}</td><td>${esc(m.type)}</td>${cols.map(([, k]) => `<td class="n">${num(m.values[k])}</td>`).join('')}<td>${verdict}</td></tr>`;
  });
  return `<table class="load"><tr><th>metric</th><th>kind</th>${cols.map(([h]) => `<th>${h}</th>`).join('')}<th>thresholds</th></tr>${rows.join('')}</table>`;
}

export function renderHtml(o: RunOutcome, charts: ChartData[], budget: BudgetRow[], objective: number): string {
  const start = o.windowStartMs;
  const end = o.windowEndMs;
  const faults = faultSpans(o);
  const fired = alertTimeline(o.polls);
  const alertSpans: Span[] = fired.map((a) => ({
    label: `alert ${a.name}${
      Object.keys(a.labels).length
        ? ` ${Object.entries(a.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}`
        : ''
    }`,
    from: a.from,
    to: a.to,
    kind: 'alert',
  }));
  // Charts overlay the expected alerts only (the timeline lists every alert that fired).
  const expected = new Set(o.alerts.map((a) => a.alert));
  const expectedSpans = fired
    .filter((a) => expected.has(a.name))
    .map((a) => ({ label: `alert ${a.name}`, from: a.from, to: a.to, kind: 'alert' as const }));
  const marks: Mark[] = o.alerts.flatMap((a) => [
    ...(a.firedAt !== undefined && a.ttdMs !== undefined
      ? [{ label: `${a.alert} TTD ${ms(a.ttdMs)}`, at: a.firedAt }]
      : []),
    ...(a.resolvedAt !== undefined && a.ttrMs !== undefined
      ? [{ label: `${a.alert} TTR ${ms(a.ttrMs)}`, at: a.resolvedAt }]
      : []),
  ]);
  const status = o.journal.status;
  const rows: string[] = [];
  for (const l of o.leftBehind)
    rows.push(
      `<tr class="bad"><td>FAIL</td><td>fault ${esc(l.fault)} rolled back</td><td>-</td><td>-</td><td>${esc(describeLeftBehind(l))}</td></tr>`,
    );
  for (const a of o.alerts)
    rows.push(
      `<tr class="${a.passed ? 'ok' : 'bad'}"><td>${a.passed ? 'PASS' : 'FAIL'}</td><td>${esc(a.alert)} fires on ${esc(a.fault)}</td><td>${ms(a.ttdMs)} / ${ms(a.fireWithinMs)}</td><td>${ms(a.ttrMs)} / ${ms(a.resolveWithinMs)}</td><td>${esc(a.reason)}</td></tr>`,
    );
  for (const s of o.silent)
    rows.push(
      `<tr class="${s.passed ? 'ok' : 'bad'}"><td>${s.passed ? 'PASS' : 'FAIL'}</td><td>${esc(s.alert)} must not fire</td><td>-</td><td>-</td><td>${esc(s.reason)}</td></tr>`,
    );
  for (const n of o.notified)
    rows.push(
      `<tr class="${n.passed ? 'ok' : 'bad'}"><td>${n.passed ? 'PASS' : 'FAIL'}</td><td>${esc(n.alert)} routed to ${esc(n.receiver)}</td><td>${ms(n.latencyMs)}</td><td>-</td><td>${esc(n.reason)}</td></tr>`,
    );
  if (o.data)
    rows.push(
      `<tr class="${o.data.passed ? 'ok' : 'bad'}"><td>${o.data.passed ? 'PASS' : 'FAIL'}</td><td>data check</td><td>-</td><td>-</td><td>${esc(o.data.reason)}</td></tr>`,
    );
  const followUps = [...o.spec.followUps];
  for (const l of o.leftBehind)
    followUps.push(`Fault ${l.fault} (${l.type} on ${l.target}) is still injected: undo it now (${l.error}).`);
  for (const a of o.alerts.filter((x) => !x.passed))
    followUps.push(
      `Alert ${a.alert} did not behave as expected (${a.reason}): check the rule, its "for" duration and the signal behind it.`,
    );
  for (const s of o.silent.filter((x) => !x.passed))
    followUps.push(`Alert ${s.alert} fired although it must not (${s.reason}): check inhibition rules and thresholds.`);
  if (o.data && o.data.result.lostWrite > 0)
    followUps.push(
      `${o.data.result.lostWrite} acknowledged records are missing from the log (lost-write): review acks, min.insync.replicas and unclean leader election.`,
    );
  if (o.data && o.data.result.nonmonotonicSend > 0)
    followUps.push(
      `${o.data.result.nonmonotonicSend} records sit in the log before records their producer had acknowledged before sending them (nonmonotonic-send).`,
    );
  if (o.data && !o.data.result.readBack.complete)
    followUps.push(
      `The data check could not read the topic back (${o.data.result.readBack.detail}): nothing is known about loss.`,
    );
  if (o.prometheus.failed)
    followUps.push(
      `${o.prometheus.failed} of ${o.prometheus.total} Prometheus polls failed (last error ${o.prometheus.lastError ?? ''}): verdicts over those gaps are inconclusive.`,
    );
  if (status === 'aborted')
    followUps.push(`The drill was aborted (${o.journal.reason ?? ''}): find out why before repeating it.`);
  const ev = o.journal.events.map(
    (e) =>
      `<tr><td>${(e.t / 1000).toFixed(2)} s</td><td>${esc(e.type)}</td><td><code>${esc(JSON.stringify(Object.fromEntries(Object.entries(e).filter(([k]) => !['at', 't', 'type'].includes(k)))))}</code></td></tr>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Game day ${esc(o.spec.name)}: ${status}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:${CHART_WIDTH + 40}px}table{border-collapse:collapse;margin:1em 0;max-width:100%}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px;text-align:left;overflow-wrap:anywhere}td.n{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:12px;color:#555}.pass{color:#2a7}.fail{color:#c22;font-weight:bold}.swatch{display:inline-block;width:12px;height:12px;vertical-align:middle}.swatch.fault{background:rgba(214,39,40,.3)}.swatch.alert{background:rgba(255,127,14,.35)}.legend{font-size:12px}table.journal td:nth-child(-n+2){white-space:nowrap}tr.ok td:first-child{color:#2a7}tr.bad td:first-child{color:#c22;font-weight:bold}.status{font-size:20px;font-weight:bold}.passed{color:#2a7}.failed,.aborted,.error{color:#c22}code{font-size:11px}</style></head>
<body>
<h1>Game day: ${esc(o.spec.name)}</h1>
<p class="status ${status}">${status.toUpperCase()}${o.journal.reason ? `: ${esc(o.journal.reason)}` : ''}</p>
<p>${esc(o.spec.description)}</p>
<p>Run <code>${esc(o.journal.runId)}</code> on target <code>${esc(o.journal.target)}</code>, ${new Date(start).toISOString()} to ${new Date(end).toISOString()} (${ms(end - start)}).</p>
<h2>Expectations</h2>
<table><tr><th></th><th>expectation</th><th>time to detect / limit</th><th>time to recover / limit</th><th>detail</th></tr>${rows.join('')}</table>
<h2>Faults</h2>
<table><tr><th>fault</th><th>type</th><th>what</th><th>injected</th><th>rolled back</th></tr>${o.faults.map((f) => `<tr><td>${esc(f.fault)}</td><td>${esc(f.type)}</td><td>${esc(f.description)}</td><td>${f.injectedAt ? `+${ms(f.injectedAt - start)}` : 'never'}</td><td>${f.rolledBackAt ? `+${ms(f.rolledBackAt - start)}` : '-'}</td></tr>`).join('')}</table>
<h2>Timeline</h2>
${timeline([...faults, ...alertSpans], start, end)}
<h2>Signals over the drill</h2>
<p class="legend"><span class="swatch fault"></span> fault injected <span class="swatch alert"></span> alert firing; dashed lines: time to detect (TTD) and to recover (TTR) of the expected alerts.</p>
${charts.map((c) => (c.error ? `<p>${esc(c.title)}: ${esc(c.error)}</p>` : lineChart(c.title, c.query, c.series, start, end, faults, expectedSpans, marks))).join('\n')}
<h2>SLO budget burned (30-day budget, objective ${objective})</h2>
${budget.length ? `<table><tr><th>SLO</th><th>bad events</th><th>events</th><th>budget burned</th></tr>${budget.map((b) => `<tr><td>${esc(b.slo)}</td><td>${b.errors}</td><td>${b.events}</td><td>${(b.burned * 100).toFixed(4)} %</td></tr>`).join('')}</table>` : '<p>No SLI series (kafka_sre_slo_*) in Prometheus for the drill window.</p>'}
<h2>Data</h2>
${o.data ? dataTable(o.data.result) : '<p>No data check in this spec.</p>'}
${
  o.load
    ? `<h3>Load (k6-style metrics)</h3>${loadTable(o.load.summary)}${o.load.slowestWrite ? `<p>${esc(describeSlowestWrite(o.load.slowestWrite))}</p>` : ''}`
    : ''
}
<h2>Follow-ups</h2>
${followUps.length ? `<ul>${followUps.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>` : '<p>None.</p>'}
<h2>Journal</h2>
<table class="journal"><tr><th>t</th><th>event</th><th>data</th></tr>${ev.join('')}</table>
</body></html>
`;
}
