// Front door of common/ (the core: cheap to load, imported by every part): exit codes and the errors
// that carry them, logging, the default ports table, the run-time port allocator, SLO math (burn-rate
// windows, error budgets), PromQL helpers (metric names, durations), alert/runbook/dashboard links,
// and the tracing helpers (OpenTelemetry API only; the SDK is started by the exporter).
// common/ has three more front doors, kept apart so that this one stays light:
//   common/config/index.ts   the configuration schema, its sections and the loader (loads zod and yaml)
//   common/metrics/index.ts  the metric catalog (definitions only)
//   common/command/index.ts  what a part's commands and `up` service get from the program (commander, config)
// Re-exports only (no code, no side effects): docs/architecture.md.
export * from './exit-codes.js';
export * from './logging.js';
export * from './ports.js';
export * from './free-ports.js';
export * from './slo/burn-rate-windows.js';
export * from './slo/error-budget.js';
export * from './promql/metric-names.js';
export * from './promql/duration.js';
export * from './links.js';
export * from './tracing.js';
export * from './admin-guard.js';
export * from './process-identity.js';
