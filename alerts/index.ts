// Front door of alerts/ (generated Prometheus rules, Alertmanager config, runbooks): what cli/ uses.
// Re-exports only (no code, no side effects): docs/architecture.md.
export { registerAlertsCommands } from './cli.js';
export { alertingService } from './up-service.js';
