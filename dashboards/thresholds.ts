// Threshold values the dashboards colour by, taken from the alert rules' configuration
// (common/config/sections/alerts.ts) and burn-rate table (common/slo/burn-rate-windows.ts), so a
// panel turns red exactly where its alert fires and a changed threshold changes both.
import { alertsSection, type AlertsConfig } from '../common/config/index.js';
import { burnWindowsFor, DEFAULT_SLO_WINDOW, type ResolvedBurnWindow } from '../common/index.js';

export interface DashboardThresholds {
  consumerLagRecords: number;
  consumerLagSeconds: number;
  /** KafkaShareGroupLagHigh (records per share group and topic). */
  shareGroupLagRecords: number;
  /** Dashboard-only early warning (operators keep disks below 70%); no alert fires here. */
  diskUsageWarnRatio: number;
  /** KafkaDiskUsageHigh. */
  diskUsageCriticalRatio: number;
  /** KafkaRequestLatencyHigh: quantile, threshold (ms) and the request types it watches. */
  requestLatencyQuantile: '0.50' | '0.75' | '0.95' | '0.98' | '0.99' | '0.999';
  requestLatencyMs: number;
  requestLatencyRequests: string;
  /** KafkaBrokerPaused: p99 event-loop delay and longest single pause (seconds). */
  pauseP99Seconds: number;
  pauseMaxSeconds: number;
  requestHandlerIdleRatio: number;
  /** KafkaHotPartition: partition rate over the topic's mean partition rate. */
  hotPartitionFactor: number;
  /** KafkaAuthorizationFailures / KafkaAuthenticationFailures: rate above this is red. */
  authFailuresPerSecond: number;
  /** KafkaEndToEndProbeFailing: failed / attempted probe produces. */
  probeFailureRatio: number;
  /** e2e-latency SLO threshold: probe roundtrip (seconds). */
  probeRoundtripSeconds: number;
  preferredLeaderImbalanceRatio: number;
  exporterStaleSeconds: number;
  /** Error-budget period of the SLOs and the multi-window burn-rate pairs for it. */
  sloPeriod: string;
  burnWindows: ResolvedBurnWindow[];
}

/** Domain.md's disk target; the alert fires later (diskUsedRatio). */
const diskWarnRatio = 0.7;

export function thresholdsFromAlerts(cfg: AlertsConfig): DashboardThresholds {
  const t = cfg.thresholds;
  // One period for all panels: the SLOs' common window (they default to 30d).
  const periods = [...new Set(cfg.slos.map((s) => s.window))];
  const sloPeriod = periods.length === 1 ? periods[0] : DEFAULT_SLO_WINDOW;
  const e2e = cfg.slos.find((s) => s.sli === 'e2e_latency');
  return {
    consumerLagRecords: t.consumerLagRecords,
    consumerLagSeconds: t.consumerLagSeconds,
    shareGroupLagRecords: t.shareGroupLagRecords,
    diskUsageWarnRatio: Math.min(diskWarnRatio, t.diskUsedRatio),
    diskUsageCriticalRatio: t.diskUsedRatio,
    requestLatencyQuantile: t.requestLatencyQuantile,
    requestLatencyMs: t.requestLatencyMs,
    requestLatencyRequests: t.requestLatencyRequests,
    pauseP99Seconds: t.pauseP99Seconds,
    pauseMaxSeconds: t.pauseMaxSeconds,
    requestHandlerIdleRatio: t.requestHandlerIdleRatio,
    hotPartitionFactor: t.hotPartitionFactor,
    authFailuresPerSecond: t.authFailuresPerSecond,
    probeFailureRatio: t.probeFailureRatio,
    probeRoundtripSeconds: e2e && e2e.sli === 'e2e_latency' ? e2e.thresholdSeconds : 1,
    preferredLeaderImbalanceRatio: t.preferredLeaderImbalanceRatio,
    exporterStaleSeconds: t.exporterStaleSeconds,
    sloPeriod,
    burnWindows: burnWindowsFor(sloPeriod),
  };
}

export const defaultThresholds: DashboardThresholds = thresholdsFromAlerts(alertsSection.parse({}));

/** Smallest rate that counts as "failures happening" for a threshold of `perSecond`. */
export function redAboveRate(perSecond: number): number {
  return perSecond > 0 ? perSecond : 0.001;
}

/** The burn rate of the alert window pair whose long window is `longWindow` (e.g. 1h -> 14.4). */
export function burnRateFor(t: DashboardThresholds, longWindow: string): number {
  const w = t.burnWindows.find((b) => b.longWindow === longWindow);
  if (!w)
    throw new Error(`no burn-rate window ${longWindow} (have ${t.burnWindows.map((b) => b.longWindow).join(', ')})`);
  return w.burnRate;
}
