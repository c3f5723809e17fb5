// Links out of the dashboards: runbooks for the alerts a panel backs, and drill-downs between
// dashboards. Alert names are issue 6's required list (alerts/ owns the rules and runbooks).
import type { DashboardUid } from './types.js';

export const alertNames = [
  'KafkaBrokerDown',
  'KafkaUnderReplicatedPartitions',
  'KafkaUnderMinIsrPartitions',
  'KafkaAtMinIsrPartitions',
  'KafkaOfflinePartitions',
  'KafkaNoActiveController',
  'KafkaUncleanLeaderElection',
  'KafkaIsrShrinking',
  'KafkaLogDirectoryOffline',
  'KafkaDiskUsageHigh',
  'KafkaDiskFillingUp',
  'KafkaConsumerLagHigh',
  'KafkaConsumerLagSecondsHigh',
  'KafkaConsumerStalled',
  'KafkaRecordsLostToRetention',
  'KafkaConsumerGroupRebalancing',
  'KafkaHotPartition',
  'KafkaRequestLatencyHigh',
  'KafkaBrokerPaused',
  'KafkaRequestHandlerSaturated',
  'KafkaAuthorizationFailures',
  'KafkaAuthenticationFailures',
  'KafkaEndToEndProbeFailing',
  'KafkaMessagesLost',
  'KafkaTopicNoNewMessages',
  'KafkaPreferredLeaderImbalance',
  'KafkaExporterDown',
  'KafkaExporterCollectionStale',
  'KafkaSLOBudgetBurnFast',
  'KafkaSLOBudgetBurnSlow',
] as const;
export type AlertName = (typeof alertNames)[number];

/**
 * Runbook link, the same as the alerts' runbook_url: `<base>/<Alert>.md`, or the repository's
 * relative `docs/runbooks/<Alert>.md` when no base is configured (alerts.runbookBaseUrl).
 */
export function runbookUrl(alert: AlertName, base = ''): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed ? `${trimmed}/${alert}.md` : `docs/runbooks/${alert}.md`;
}

export const dashboardTitles: Record<DashboardUid, string> = {
  'kafka-sre-executive': 'Kafka / Executive overview',
  'kafka-sre-oncall': 'Kafka / On-call',
  'kafka-sre-debug': 'Kafka / Debug',
  'kafka-sre-lag': 'Kafka / Consumer lag',
  'kafka-sre-slo': 'Kafka / SLOs',
  'kafka-sre-gameday': 'Kafka / Game day',
};

/** Tag every generated dashboard carries; the dashboard-list link menu finds them by it. */
export const dashboardTag = 'kafka-sre';

/**
 * A Grafana-relative link to another dashboard that keeps the time range and the variables.
 * `${__url_time_range}` and `${var:queryparam}` are Grafana link interpolations (Grafana 7.1+).
 */
export function drilldownUrl(uid: DashboardUid, variables: readonly string[]): string {
  const params = ['${__url_time_range}', '${datasource:queryparam}', ...variables.map((v) => `\${${v}:queryparam}`)];
  return `/d/${uid}?${params.join('&')}`;
}
