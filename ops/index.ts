// Front door of ops/ (the operator commands: cluster, topics, groups, offsets, log, acls): what cli/ uses.
// Re-exports only (no code, no side effects): docs/architecture.md.
export { registerOpsCommands } from './cli.js';
