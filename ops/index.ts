// Front door of ops/ (the operator commands: cluster, topics, groups, offsets, log, acls, transactions): what cli/ uses.
// Re-exports only (no code, no side effects): docs/architecture.md.
export { registerOpsCommands } from './cli.js';
