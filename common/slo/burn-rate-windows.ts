// Multi-window, multi-burn-rate table (SRE Workbook, ch. 5) as plain data: the alert rules, the
// exporter's own burn-rate estimate and the dashboards' burn-rate thresholds all read it, so they
// always use the same numbers. Pure module: no I/O.
import { promDurationSeconds } from '../promql/duration.js';

export type BurnSeverity = 'page' | 'ticket';

/** The error-budget period an SLO has when it names none (alerts.slos[].window). */
export const DEFAULT_SLO_WINDOW = '30d';

export interface BurnWindow {
  /** Which alert the window pair feeds: page -> KafkaSLOBudgetBurnFast, ticket -> KafkaSLOBudgetBurnSlow. */
  readonly severity: BurnSeverity;
  readonly longWindow: string;
  readonly shortWindow: string;
  /** Share of the whole period's error budget this pair detects being spent within longWindow. */
  readonly budgetConsumed: number;
}

/** The Workbook's 30-day example: 2% in 1h, 5% in 6h (page); 10% in 1d, 10% in 3d (ticket). */
export const burnWindows: readonly BurnWindow[] = [
  { severity: 'page', longWindow: '1h', shortWindow: '5m', budgetConsumed: 0.02 },
  { severity: 'page', longWindow: '6h', shortWindow: '30m', budgetConsumed: 0.05 },
  { severity: 'ticket', longWindow: '1d', shortWindow: '2h', budgetConsumed: 0.1 },
  { severity: 'ticket', longWindow: '3d', shortWindow: '6h', budgetConsumed: 0.1 },
];

/** Every window an error ratio is recorded for, shortest first. */
export const errorRatioWindows: readonly string[] = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/** Seconds in a simple duration (a number and one unit of s, m, h, d, w) such as 5m, 6h, 30d. */
export function durationSeconds(d: string): number {
  if (!/^\d+[smhdw]$/.test(d)) throw new Error(`not a simple duration: ${JSON.stringify(d)}`);
  return promDurationSeconds(d);
}

/** Burn rate that spends `budgetConsumed` of a `sloWindow` budget within `longWindow`. */
export function burnRate(w: Pick<BurnWindow, 'longWindow' | 'budgetConsumed'>, sloWindow = DEFAULT_SLO_WINDOW): number {
  const raw = (w.budgetConsumed * durationSeconds(sloWindow)) / durationSeconds(w.longWindow);
  return Number(raw.toPrecision(6));
}

export interface ResolvedBurnWindow extends BurnWindow {
  readonly burnRate: number;
}

/** The table with burn rates for one SLO period (30d gives 14.4, 6, 3, 1). */
export function burnWindowsFor(sloWindow = DEFAULT_SLO_WINDOW): ResolvedBurnWindow[] {
  return burnWindows.map((w) => ({ ...w, burnRate: burnRate(w, sloWindow) }));
}
