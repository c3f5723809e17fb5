// PromQL built from metric catalog entries only: a dashboard never spells a metric name.
// `sel()` also adds the template-variable matchers a series supports, so every panel follows
// the dashboard's cluster / instance / broker / topic / consumergroup selection.
import type { MetricDef } from '../common/metrics/index.js';

/** Template variables that filter series, keyed by the label they match. */
export const filterVariables = {
  cluster: 'cluster',
  instance: 'instance',
  broker: 'broker',
  topic: 'topic',
  consumergroup: 'consumergroup',
} as const;

/** A label matcher value: `"x"` means label="x"; a tuple picks the operator. */
export type MatcherValue = string | readonly ['=' | '!=' | '=~' | '!~', string];

export interface SelectOptions {
  /** Series suffix for histograms and summaries. */
  suffix?: '_count' | '_sum' | '_bucket';
  /** Extra matchers on catalog labels, e.g. { error: ['!=', 'NONE'] }. */
  where?: Readonly<Record<string, MatcherValue>>;
  /** Add the template-variable matchers (default true). */
  filter?: boolean;
}

/** Labels a series carries beyond its catalog labels: scrape labels and histogram/summary ones. */
function extraLabels(def: MetricDef, suffix: SelectOptions['suffix']): string[] {
  const extra = ['job', 'instance'];
  // Broker series get `cluster` from relabeling (docs/metrics.md); the exporter adds it itself.
  if (def.source === 'broker' || def.source === 'proxy') extra.push('cluster');
  if (def.type === 'histogram' && suffix === '_bucket') extra.push('le');
  return extra;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

/** `name{matchers}` for a catalog metric, with the dashboard's variable filters. */
export function sel(def: MetricDef, opts: SelectOptions = {}): string {
  const { suffix, where = {}, filter = true } = opts;
  if (suffix && def.type !== 'histogram' && def.type !== 'summary')
    throw new Error(`${def.name} is a ${def.type}: no ${suffix} series`);
  if (suffix === '_bucket' && def.type !== 'histogram') throw new Error(`${def.name} is a summary: no _bucket series`);
  const known = new Set([...def.labels, ...extraLabels(def, suffix)]);
  const matchers: string[] = [];
  if (filter && def.source !== 'chaos') {
    matchers.push(`cluster=~"$cluster"`);
    if (def.source === 'broker') matchers.push(`instance=~"$instance"`);
    for (const label of ['broker', 'topic', 'consumergroup'] as const) {
      // `!=""` keeps the all-topics BrokerTopicMetrics series out of per-topic sums.
      if (def.labels.includes(label)) matchers.push(`${label}=~"$${filterVariables[label]}"`, `${label}!=""`);
    }
  }
  for (const [label, value] of Object.entries(where)) {
    if (!known.has(label))
      throw new Error(
        `${def.name} has no label ${JSON.stringify(label)} (catalog labels: ${def.labels.join(', ') || 'none'})`,
      );
    const [op, v] = typeof value === 'string' ? ['=', value] : value;
    matchers.push(`${label}${op}${quote(v)}`);
  }
  return `${def.name}${suffix ?? ''}${matchers.length ? `{${matchers.join(', ')}}` : ''}`;
}

/** `rate(sel[window])`; the window defaults to Grafana's `$__rate_interval`. */
export function rate(def: MetricDef, opts: SelectOptions = {}, window = '$__rate_interval'): string {
  if (def.type === 'gauge') throw new Error(`rate() over gauge ${def.name}`);
  return `rate(${sel(def, opts)}[${window}])`;
}

/** `increase(sel[window])`. */
export function increase(def: MetricDef, opts: SelectOptions = {}, window = '$__range'): string {
  if (def.type === 'gauge') throw new Error(`increase() over gauge ${def.name}`);
  return `increase(${sel(def, opts)}[${window}])`;
}

/** histogram_quantile over a catalog histogram, aggregated by `by` plus `le`. */
export function histogramQuantile(
  q: number,
  def: MetricDef,
  by: readonly string[],
  opts: Omit<SelectOptions, 'suffix'> = {},
): string {
  if (def.type !== 'histogram') throw new Error(`${def.name} is not a histogram`);
  return `histogram_quantile(${q}, sum by (${[...by, 'le'].join(', ')}) (${rate(def, { ...opts, suffix: '_bucket' })}))`;
}

/** Summary quantile series of a JMX-style timer (quantile label values as the broker writes them). */
export function summaryQuantile(
  def: MetricDef,
  quantile: '0.50' | '0.75' | '0.95' | '0.98' | '0.99' | '0.999',
  opts: SelectOptions = {},
): string {
  if (def.type !== 'summary') throw new Error(`${def.name} is not a summary`);
  // jmx_exporter writes "0.50"; client libraries write "0.5": accept both for the median.
  const match: MatcherValue = quantile === '0.50' ? ['=~', '0.5|0.50'] : quantile;
  return sel(def, { ...opts, where: { ...(opts.where ?? {}), quantile: match } });
}

/**
 * Records per second from an offset gauge (high watermark or committed offset). Offsets only
 * grow, so `rate()` is right and also copes with a partition being recreated (a reset).
 */
export function offsetRate(def: MetricDef, opts: SelectOptions = {}, window = '$__rate_interval'): string {
  if (def.type !== 'gauge' || !def.name.endsWith('_offset')) throw new Error(`${def.name} is not an offset gauge`);
  return `rate(${sel(def, opts)}[${window}])`;
}
