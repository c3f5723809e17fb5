// The metric catalog: every metric the broker, exporter, chaos runner and proxy emit, and the
// helpers over it. Other parts import it through the front door common/metrics/index.ts.
import { brokerMetrics } from './broker.js';
import { chaosMetrics, proxyMetrics } from './chaos.js';
import { exporterMetrics } from './exporter.js';
import type { MetricDef } from './types.js';

export const catalog = {
  broker: brokerMetrics,
  exporter: exporterMetrics,
  chaos: chaosMetrics,
  proxy: proxyMetrics,
} as const;

/** Every catalog entry, flat. */
export function allMetrics(): MetricDef[] {
  return [brokerMetrics, exporterMetrics, chaosMetrics, proxyMetrics].flatMap(
    (section) => Object.values(section) as MetricDef[],
  );
}

/** Series names a metric exposes (a summary has `name`, `name_count`, `name_sum`...). */
export function exposedNames(def: MetricDef): string[] {
  switch (def.type) {
    case 'histogram':
      return [`${def.name}_bucket`, `${def.name}_count`, `${def.name}_sum`];
    case 'summary':
      return [def.name, `${def.name}_count`, `${def.name}_sum`];
    default:
      return [def.name];
  }
}

/** Find the catalog entry behind an exposed series name, if any. */
export function lookupExposed(series: string): MetricDef | undefined {
  return allMetrics().find((d) => exposedNames(d).includes(series));
}
