// PromQL building blocks. Metric names come only from the catalog (MetricDef) or from the
// documented alternative sources in alternatives.ts; selectors come from the config.
import type { MetricDef } from '../../common/metrics/index.js';
import type { AlertsConfig } from '../../common/config/index.js';

/** Join label matchers, dropping empty parts. */
export function matchers(...parts: (string | undefined)[]): string {
  return parts
    .map((p) => (p ?? '').trim())
    .filter(Boolean)
    .join(', ');
}

/** `name{matchers}` for an exposed series name. */
export function series(name: string, ...parts: (string | undefined)[]): string {
  const m = matchers(...parts);
  return m ? `${name}{${m}}` : name;
}

export interface Selectors {
  /** A broker gauge/counter (catalog name). */
  broker(def: MetricDef, ...extra: string[]): string;
  /** A broker series with a suffix (e.g. `_count`, `_sum`) on the catalog base name. */
  brokerSuffixed(def: MetricDef, suffix: string, extra?: string): string;
  exporter(def: MetricDef, ...extra: string[]): string;
  exporterSuffixed(def: MetricDef, suffix: string, extra?: string): string;
  /** A documented alternative (non-catalog) broker-side series such as jvm_gc_collection_seconds_sum. */
  brokerAlt(name: string, extra?: string): string;
  /** A node_exporter series. */
  node(name: string, extra?: string): string;
  /** Prometheus' `up` for the broker / exporter jobs. */
  upBroker(): string;
  upExporter(): string;
  /** rate() over both histogram/summary counter namings: `_count` and jmx_exporter 1.x `_count_total`. */
  brokerCountRate(def: MetricDef, range: string, extra?: string): string;
}

export function selectorsFor(config: AlertsConfig): Selectors {
  const s = config.selectors;
  return {
    broker: (def, ...extra) => series(def.name, s.broker, ...extra),
    brokerSuffixed: (def, suffix, extra) => series(def.name + suffix, s.broker, extra),
    exporter: (def, ...extra) => series(def.name, s.exporter, ...extra),
    exporterSuffixed: (def, suffix, extra) => series(def.name + suffix, s.exporter, extra),
    brokerAlt: (name, extra) => series(name, s.broker, extra),
    node: (name, extra) => series(name, s.node, extra),
    upBroker: () => series('up', s.broker),
    upExporter: () => series('up', s.exporter),
    brokerCountRate: (def, range, extra) =>
      `(rate(${series(def.name + '_count', s.broker, extra)}[${range}]) or rate(${series(def.name + '_count_total', s.broker, extra)}[${range}]))`,
  };
}

/** Equality matchers of a selector as labels, e.g. `job="kafka-broker"` -> { job: 'kafka-broker' } (for test series). */
export function equalityLabels(selector: string): Record<string, string> {
  const out: Record<string, string> = {};
  // `=~`, `!=` and `!~` never match: the name must be followed directly by `="`.
  for (const m of selector.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) out[m[1]] = m[2];
  return out;
}

/** A number printed for PromQL without float noise (1 - 0.999 -> 0.001). */
export function num(x: number): string {
  return String(Number(x.toPrecision(12)));
}
