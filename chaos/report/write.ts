// Write a run's reports into a directory: journal.json, junit.xml, report.html and, with load,
// summary.json (k6 handleSummary shape). Charts come from Prometheus over the drill window.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brokerMetrics, exporterMetrics } from '../../common/metrics/index.js';
import type { RunOutcome } from '../runner/runner.js';
import { PrometheusClient } from '../verify/prometheus.js';
import { PrometheusPoller } from '../verify/prometheus-poller.js';
import { renderHtml, type BudgetRow, type ChartData } from './html.js';
import { junitXml } from './junit.js';

/** What the report charts: lag, URP, throughput and latency, named through the metric catalog. */
export const reportCharts: { title: string; query: string }[] = [
  {
    title: 'Consumer lag (records, sum per group)',
    query: `sum by (consumergroup) (${exporterMetrics.consumerGroupLag.name})`,
  },
  { title: 'Under-replicated partitions (sum)', query: `sum(${brokerMetrics.underReplicatedPartitions.name})` },
  { title: 'Throughput in (records/s)', query: `sum(rate(${brokerMetrics.messagesIn.name}[30s]))` },
  {
    title: 'Produce latency p99 (ms, max over brokers)',
    query: `max(${brokerMetrics.totalTimeMs.name}{request="Produce",quantile="0.99"})`,
  },
];

async function fetchCharts(prom: PrometheusPoller, start: number, end: number): Promise<ChartData[]> {
  const step = Math.max(1, Math.ceil((end - start) / 1000 / 200));
  return Promise.all(
    reportCharts.map(async (c) => {
      const r = await prom.range(c.query, start, end, step);
      return r.ok ? { ...c, series: r.value } : { ...c, series: [], error: r.error };
    }),
  );
}

async function fetchBudget(
  prom: PrometheusPoller,
  start: number,
  end: number,
  objective: number,
): Promise<BudgetRow[]> {
  const window = `${Math.max(1, Math.round((end - start) / 1000))}s`;
  const [errors, events] = await Promise.all([
    prom.sample(`sum by (slo) (increase(${exporterMetrics.sloErrors.name}[${window}]))`, new Date(end)),
    prom.sample(`sum by (slo) (increase(${exporterMetrics.sloEvents.name}[${window}]))`, new Date(end)),
  ]);
  if (!errors.ok || !events.ok) return [];
  const month = 30 * 86_400;
  return events.value.map((ev) => {
    const slo = ev.metric.slo ?? '';
    const err = errors.value.find((e) => e.metric.slo === slo)?.value ?? 0;
    const ratio = ev.value > 0 ? err / ev.value : 0;
    // Budget share = bad ratio / allowed ratio, scaled by the drill's share of the 30 days.
    return {
      slo,
      errors: Math.round(err),
      events: Math.round(ev.value),
      burned: (ratio / (1 - objective)) * ((end - start) / 1000 / month),
    };
  });
}

export async function writeReports(o: RunOutcome, dir: string, opts: { objective?: number } = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const objective = opts.objective ?? 0.999;
  const files: string[] = [];
  const put = async (name: string, text: string) => {
    const f = join(dir, name);
    await writeFile(f, text);
    files.push(f);
  };
  await put('journal.json', JSON.stringify(o.journal.toJSON(), null, 2) + '\n');
  await put('junit.xml', junitXml(o));
  let charts: ChartData[] = [];
  let budget: BudgetRow[] = [];
  if (o.target) {
    // The drill's own poller when the runner handed it over (its polls are counted together).
    const prom = o.poller ?? new PrometheusPoller(new PrometheusClient(o.target.prometheusUrl));
    [charts, budget] = await Promise.all([
      fetchCharts(prom, o.windowStartMs, o.windowEndMs),
      fetchBudget(prom, o.windowStartMs, o.windowEndMs, objective),
    ]);
  }
  await put('report.html', renderHtml(o, charts, budget, objective));
  if (o.load) await put('summary.json', JSON.stringify(o.load.summary, null, 2) + '\n');
  return files;
}
