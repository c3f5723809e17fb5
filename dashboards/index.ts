// Front door of dashboards/ (generated Grafana dashboards): what cli/ uses.
// Re-exports only (no code, no side effects): docs/architecture.md.
export { registerDashboardsCommands } from './cli.js';
export { dashboardsService } from './up-service.js';
