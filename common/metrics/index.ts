// Front door of common/metrics: the metric catalog, every metric the broker, exporter, chaos runner
// and proxy emit (name, type, help, labels). Alerts and dashboards reference metrics only through it.
// Definitions only (no prom-client). Re-exports only (no code, no side effects): docs/architecture.md.
export { brokerMetrics } from './broker.js';
export { exporterMetrics } from './exporter.js';
export { chaosMetrics, proxyMetrics } from './chaos.js';
export { catalog, allMetrics, exposedNames, lookupExposed } from './catalog.js';
export type { MetricDef, MetricSource, MetricType } from './types.js';
export { GroupStatus, PartitionStatus } from './burrow-status.js';
