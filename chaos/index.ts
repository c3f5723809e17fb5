// Front door of chaos/ (game-day runner, Toxiproxy-compatible proxy): what cli/ and bench/ use.
// Re-exports only (no code, no side effects): docs/architecture.md.
export { registerChaosCommands } from './cli.js';
export { LauncherClient, LauncherError, type ClusterState } from './faults/launcher-client.js';
export { DEMO_GROUPS, DEMO_TOPICS, demoWorkloadService } from './load/demo-workload.js';
