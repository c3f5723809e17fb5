// Metric names rules may use although the catalog does not define them: Prometheus' own series,
// our recording-rule outputs, and the documented alternative sources for real deployments.
import { allMetrics, type MetricDef } from '../common/metrics/index.js';

/** node_exporter filesystem series for the log-dir mount (disk alerts without the exporter). */
export const nodeFilesystemMetrics = ['node_filesystem_avail_bytes', 'node_filesystem_size_bytes'] as const;
/** JVM GC time from a real broker's jmx_exporter (pause alerts on JVM brokers). */
export const jvmGcMetrics = ['jvm_gc_collection_seconds_sum', 'jvm_gc_collection_seconds_count'] as const;
/** Series Prometheus itself creates. */
export const prometheusOwn = ['up', 'ALERTS', 'ALERTS_FOR_STATE'] as const;

export const alternativeSources: readonly { readonly names: readonly string[]; readonly why: string }[] = [
  {
    names: nodeFilesystemMetrics,
    why: 'node_exporter filesystem metrics of the log-dir mount: disk alerts where DescribeLogDirs v4 capacity is unavailable',
  },
  { names: jvmGcMetrics, why: 'JVM GC time exported by jmx_exporter on a real broker: the pause alert on JVM brokers' },
];

/** jmx_exporter 1.x names summary/histogram counts `<name>_count_total`. */
export function countTotalVariant(def: MetricDef): string | undefined {
  return def.type === 'summary' || def.type === 'histogram' ? `${def.name}_count_total` : undefined;
}

export type NameVerdict = 'catalog' | 'catalog-variant' | 'alternative' | 'prometheus' | 'recording' | 'unknown';

/** Classify one metric name a rule uses; `recorded` are the recording-rule outputs of the model. */
export function classifyMetricName(name: string, recorded: ReadonlySet<string>): NameVerdict {
  if ((prometheusOwn as readonly string[]).includes(name)) return 'prometheus';
  if (recorded.has(name)) return 'recording';
  for (const def of allMetrics()) {
    const exposed =
      def.type === 'histogram'
        ? [`${def.name}_bucket`, `${def.name}_count`, `${def.name}_sum`]
        : def.type === 'summary'
          ? [def.name, `${def.name}_count`, `${def.name}_sum`]
          : [def.name];
    if (exposed.includes(name)) return 'catalog';
    if (countTotalVariant(def) === name) return 'catalog-variant';
  }
  if (alternativeSources.some((s) => s.names.includes(name))) return 'alternative';
  return 'unknown';
}
