// Load metrics named like xk6-kafka's (kafka_writer_*, kafka_reader_*), with k6's metric kinds
// (counter, trend, gauge, rate), k6 threshold expressions ("count<10", "p(95)<0.5", "rate>0.99")
// and a summary in the shape k6 passes to handleSummary(data). Kept in memory: the runner is one
// process and the summary is written once at the end.

export type K6MetricType = 'counter' | 'trend' | 'gauge' | 'rate';

/** The xk6-kafka names the built-in driver emits. Times are in seconds, as xk6-kafka reports them. */
export const loadMetricDefs = {
  kafka_writer_write_count: 'counter',
  kafka_writer_message_count: 'counter',
  kafka_writer_message_bytes: 'counter',
  kafka_writer_error_count: 'counter',
  kafka_writer_write_seconds: 'trend',
  kafka_writer_acked_count: 'counter',
  kafka_reader_message_count: 'counter',
  kafka_reader_message_bytes: 'counter',
  kafka_reader_error_count: 'counter',
  kafka_reader_rebalance_count: 'counter',
  kafka_reader_lag: 'gauge',
  kafka_reader_end_to_end_seconds: 'trend',
} as const satisfies Record<string, K6MetricType>;
export type LoadMetricName = keyof typeof loadMetricDefs;

interface MetricState {
  type: K6MetricType;
  count: number;
  sum: number;
  values: number[];
  last: number;
  passes: number;
  /** The largest trend sample and when the measured operation started (it ended when it was added). */
  slowest?: Slowest;
}

/** The largest sample of a trend metric: which operation a failed "max<N" threshold is about. */
export interface Slowest {
  seconds: number;
  startedAtMs: number;
}

export interface ThresholdResult {
  ok: boolean;
}

export interface K6SummaryMetric {
  type: K6MetricType;
  contains: 'default' | 'time' | 'data';
  values: Record<string, number>;
  thresholds?: Record<string, ThresholdResult>;
}

/** The handleSummary(data) shape (the parts k6's own summary and tools read). */
export interface K6Summary {
  root_group: { name: string; path: string; id: string; groups: never[]; checks: never[] };
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, K6SummaryMetric>;
}

const trendStats = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(idx);
  const hi = Math.ceil(idx);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (idx - lo);
}

/** Parse "agg op number", e.g. "p(95)<0.5". Throws on anything else. */
export function parseThreshold(expr: string): {
  agg: string;
  op: '<' | '<=' | '>' | '>=' | '==' | '!=' | '===';
  value: number;
} {
  const m =
    /^\s*(count|rate|avg|min|max|med|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(
      expr,
    );
  if (!m) throw new Error(`bad threshold ${JSON.stringify(expr)}: expected e.g. "count<10", "p(95)<0.5", "rate>0.99"`);
  return { agg: m[1], op: m[2] as '<', value: Number(m[3]) };
}

export class LoadMetrics {
  private readonly metrics = new Map<string, MetricState>();
  private readonly startedAt = Date.now();

  constructor() {
    for (const [name, type] of Object.entries(loadMetricDefs))
      this.metrics.set(name, { type, count: 0, sum: 0, values: [], last: 0, passes: 0 });
  }

  add(name: LoadMetricName, value = 1): void {
    const m = this.metrics.get(name)!;
    m.count++;
    m.sum += value;
    m.last = value;
    if (m.type === 'trend') {
      m.values.push(value);
      if (!m.slowest || value > m.slowest.seconds)
        m.slowest = { seconds: value, startedAtMs: Date.now() - value * 1000 };
    }
    if (m.type === 'rate' && value !== 0) m.passes++;
  }

  /** A trend's largest sample with its start time, or null before the first sample. */
  slowest(name: LoadMetricName): Slowest | null {
    return this.metrics.get(name)?.slowest ?? null;
  }

  /** The aggregates k6 reports for one metric. */
  values(name: string): Record<string, number> {
    const m = this.metrics.get(name);
    if (!m) throw new Error(`unknown load metric ${name}`);
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 1e-3);
    switch (m.type) {
      case 'counter':
        return { count: m.sum, rate: m.sum / seconds };
      case 'gauge':
        return { value: m.last, min: m.count ? Math.min(m.last) : 0, max: m.last };
      case 'rate':
        return { rate: m.count ? m.passes / m.count : 0, passes: m.passes, fails: m.count - m.passes };
      case 'trend': {
        const sorted = [...m.values].sort((a, b) => a - b);
        return {
          avg: m.count ? m.sum / m.count : 0,
          min: sorted[0] ?? 0,
          med: percentile(sorted, 50),
          max: sorted[sorted.length - 1] ?? 0,
          'p(90)': percentile(sorted, 90),
          'p(95)': percentile(sorted, 95),
          'p(99)': percentile(sorted, 99),
        };
      }
    }
  }

  evaluate(name: string, expr: string): boolean {
    const { agg, op, value } = parseThreshold(expr);
    const vals = this.values(name);
    let actual = vals[agg];
    if (actual === undefined && agg.startsWith('p(')) {
      const sorted = [...this.metrics.get(name)!.values].sort((a, b) => a - b);
      actual = percentile(sorted, Number(agg.slice(2, -1)));
    }
    if (actual === undefined)
      throw new Error(`threshold ${expr} does not apply to ${this.metrics.get(name)!.type} metric ${name}`);
    switch (op) {
      case '<':
        return actual < value;
      case '<=':
        return actual <= value;
      case '>':
        return actual > value;
      case '>=':
        return actual >= value;
      case '!=':
        return actual !== value;
      default:
        return actual === value;
    }
  }

  /** k6's handleSummary data, thresholds evaluated. */
  summary(thresholds: Record<string, string[]>): K6Summary {
    const metrics: Record<string, K6SummaryMetric> = {};
    for (const [name, m] of this.metrics) {
      const entry: K6SummaryMetric = {
        type: m.type,
        contains: name.endsWith('_seconds') ? 'time' : name.endsWith('_bytes') ? 'data' : 'default',
        values: this.values(name),
      };
      const exprs = thresholds[name];
      if (exprs) entry.thresholds = Object.fromEntries(exprs.map((e) => [e, { ok: this.evaluate(name, e) }]));
      metrics[name] = entry;
    }
    return {
      root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] },
      options: { summaryTrendStats: trendStats, summaryTimeUnit: '', noColor: false },
      state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: Date.now() - this.startedAt },
      metrics,
    };
  }
}

/** Thresholds that failed in a summary, as "metric: expr". */
export function failedThresholds(s: K6Summary): string[] {
  const out: string[] = [];
  for (const [name, m] of Object.entries(s.metrics))
    for (const [expr, r] of Object.entries(m.thresholds ?? {})) if (!r.ok) out.push(`${name}: ${expr}`);
  return out;
}
