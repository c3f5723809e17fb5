// Front door of common/config: the one configuration schema (one section per part), its types, and
// the loader (defaults < YAML file < KAFKA_SRE_* environment < flags). Loads zod and yaml; a type-only
// import costs nothing at run time. Re-exports only (no code, no side effects): docs/architecture.md.
export * from './schema.js';
export * from './load.js';
export * from './sections/alerts.js';
export * from './sections/broker.js';
export * from './sections/dashboards.js';
export * from './sections/exporter.js';
export * from './sections/log.js';
export * from './sections/proxy.js';
