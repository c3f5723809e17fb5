// What alerts and dashboards know of each other, in one place: the alert names issue 6 requires
// (alerts/ must define them; dashboard panels link their runbooks), where a runbook lives, and
// the stable dashboard uids (an alert's `dashboard` annotation points at one; dashboards/README.md).

/** The alert names issue 6 requires, exactly. */
export const REQUIRED_ALERTS = [
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
export type RequiredAlert = (typeof REQUIRED_ALERTS)[number];

/** Alerts of the Kafka 4 group protocols (KIP-848 reconciliation, KIP-932 share-group lag), beyond the required set. */
export const GROUP_PROTOCOL_ALERTS = [
  'KafkaConsumerGroupReconciliationStuck',
  'KafkaShareGroupLagHigh',
  'KafkaShareGroupLagGrowing',
] as const;
/** Alerts of transactions (hanging transactions, a stuck last stable offset, aborts), beyond the required set. */
export const TRANSACTION_ALERTS = [
  'KafkaTransactionHanging',
  'KafkaLastStableOffsetStuck',
  'KafkaTransactionAbortRateHigh',
] as const;
/** An alert a dashboard panel may link the runbook of. */
export type LinkedAlert = RequiredAlert | (typeof GROUP_PROTOCOL_ALERTS)[number] | (typeof TRANSACTION_ALERTS)[number];

/**
 * An alert's runbook (the rules' runbook_url and the dashboards' panel links): `<base>/<Alert>.md`,
 * or the repository's relative `docs/runbooks/<Alert>.md` when no base is configured
 * (alerts.runbookBaseUrl).
 */
export function runbookUrl(alert: string, base = ''): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed ? `${trimmed}/${alert}.md` : `docs/runbooks/${alert}.md`;
}

/** One stable uid per dashboard (dashboards/README.md, table "Dashboards"). */
export const dashboardUids = {
  executive: 'kafka-sre-executive',
  oncall: 'kafka-sre-oncall',
  debug: 'kafka-sre-debug',
  lag: 'kafka-sre-lag',
  slo: 'kafka-sre-slo',
  gameday: 'kafka-sre-gameday',
} as const;
export type DashboardUid = (typeof dashboardUids)[keyof typeof dashboardUids];
