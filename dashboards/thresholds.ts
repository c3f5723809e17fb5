// Threshold values the dashboards colour by. They must match the alert rules' defaults so a
// panel turns red exactly when its alert would fire. Source: domain.md starting objectives.
// When common/config/sections/alerts.ts lands, these are read from its defaults instead.

export interface DashboardThresholds {
  /** KafkaConsumerLagHigh: lag in records. */
  consumerLagRecords: number;
  /** KafkaConsumerLagSecondsHigh: age of the oldest unconsumed record. */
  consumerLagSeconds: number;
  /** KafkaDiskUsageHigh: used / capacity of a log directory (warn, page). */
  diskUsageWarnRatio: number;
  diskUsageCriticalRatio: number;
  /** KafkaRequestLatencyHigh: total request time at the 99th percentile, milliseconds. */
  requestLatencyP99Ms: number;
  /** KafkaBrokerPaused: event-loop / GC pause, seconds. */
  pauseSeconds: number;
  /** KafkaRequestHandlerSaturated: request handler idle ratio below this. */
  requestHandlerIdleRatio: number;
  /** KafkaHotPartition: busiest partition's share of the topic's traffic over the mean share. */
  hotPartitionSkew: number;
  /** KafkaEndToEndProbeFailing: probe roundtrip p99, seconds (domain: < 1 s end to end). */
  probeRoundtripSeconds: number;
  /** KafkaSLOBudgetBurnFast / Slow: burn-rate factors (SRE Workbook multi-window). */
  burnRatePage1h: number;
  burnRatePage6h: number;
  burnRateTicket1d: number;
  burnRateTicket3d: number;
}

export const defaultThresholds: DashboardThresholds = {
  consumerLagRecords: 1000,
  consumerLagSeconds: 60,
  diskUsageWarnRatio: 0.7,
  diskUsageCriticalRatio: 0.85,
  requestLatencyP99Ms: 500,
  pauseSeconds: 0.2,
  requestHandlerIdleRatio: 0.2,
  hotPartitionSkew: 3,
  probeRoundtripSeconds: 1,
  burnRatePage1h: 14.4,
  burnRatePage6h: 6,
  burnRateTicket1d: 3,
  burnRateTicket3d: 1,
};
