// Error-budget arithmetic every SLO consumer shares: the alert rules (as PromQL constants), the
// exporter's own burn-rate estimate and the dashboards' thresholds. Pure module: no imports, no I/O.

/** Share of events allowed to fail: 1 - objective (0.001 for 99.9%). */
export function errorBudget(objective: number): number {
  return 1 - objective;
}

/** How fast an error ratio spends the budget: 1 spends exactly the whole budget over the SLO period. */
export function burnRateOf(errorRatio: number, objective: number): number {
  return errorRatio / errorBudget(objective);
}
