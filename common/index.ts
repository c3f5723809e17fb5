// Front door of common/ (the core: cheap to load, imported by every part): exit codes and the errors
// that carry them, logging, the default ports table, the run-time port allocator.
// common/ has three more front doors, kept apart so that this one stays light:
//   common/config/index.ts   the configuration schema, its sections and the loader (loads zod and yaml)
//   common/metrics/index.ts  the metric catalog (definitions only)
//   common/command/index.ts  what a part's commands and `up` service get from the program (commander, config)
// Re-exports only (no code, no side effects): docs/architecture.md.
export * from './exit-codes.js';
export * from './logging.js';
export * from './ports.js';
export * from './free-ports.js';
