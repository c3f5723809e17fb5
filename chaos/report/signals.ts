// The signals a report charts (lag, URP, throughput, latency, SLO budget), read from the drill's
// Prometheus over the drill window. The runner captures them as the drill ends, before an embedded
// target's Prometheus stops, so every target kind gets its charts.
import { brokerMetrics, exporterMetrics } from '../../common/metrics/index.js';
import type { PrometheusPoller } from '../verify/prometheus-poller.js';
import type { BudgetRow, ChartData } from './html.js';

export interface ReportSignals {
  charts: ChartData[];
  budget: BudgetRow[];
  /** The SLO objective the budget rows are computed against. */
  objective: number;
}

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

/** Charts and budget of [startMs, endMs]: what the report shows, read while Prometheus still answers. */
export async function captureSignals(
  prom: PrometheusPoller,
  startMs: number,
  endMs: number,
  objective = 0.999,
): Promise<ReportSignals> {
  const [charts, budget] = await Promise.all([
    fetchCharts(prom, startMs, endMs),
    fetchBudget(prom, startMs, endMs, objective),
  ]);
  return { charts, budget, objective };
}
