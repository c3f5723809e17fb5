// Which alerts a cause silences (Alertmanager inhibit rules): a symptom is not worth a
// notification while the alert that explains it fires on the same cluster.
export interface Inhibition {
  readonly source: string;
  readonly targets: readonly string[];
  readonly equal: readonly string[];
  readonly why: string;
}

/** Alerts computed from the exporter's consumer-group data. */
export const lagAlerts = [
  'KafkaConsumerLagHigh',
  'KafkaConsumerLagSecondsHigh',
  'KafkaConsumerStalled',
  'KafkaRecordsLostToRetention',
  'KafkaConsumerGroupRebalancing',
] as const;

/** What losing a broker (down or fenced) causes on its cluster. */
const brokerLossSymptoms = [
  'KafkaUnderReplicatedPartitions',
  'KafkaUnderMinIsrPartitions',
  'KafkaAtMinIsrPartitions',
  'KafkaIsrShrinking',
  'KafkaReplicaFetchFailing',
  'KafkaPreferredLeaderImbalance',
];

export const inhibitions: readonly Inhibition[] = [
  {
    source: 'KafkaBrokerDown',
    targets: [
      'KafkaBrokerFenced',
      ...brokerLossSymptoms,
      'KafkaRequestLatencyHigh',
      'KafkaRequestHandlerSaturated',
      'KafkaBrokerPaused',
    ],
    equal: ['cluster'],
    why: 'a down broker is also fenced, and explains under-replication, ISR churn, leader imbalance and request trouble on its cluster',
  },
  {
    source: 'KafkaBrokerFenced',
    targets: brokerLossSymptoms,
    equal: ['cluster'],
    why: 'a fenced broker lost its leaderships and its replicas left the ISR',
  },
  {
    source: 'KafkaNoActiveController',
    targets: ['KafkaOfflinePartitions'],
    equal: ['cluster'],
    why: 'without a controller no leader can be elected, so offline partitions are a consequence',
  },
  { source: 'KafkaExporterDown', targets: lagAlerts, equal: ['cluster'], why: 'lag data comes from the exporter' },
  {
    source: 'KafkaExporterCollectionStale',
    targets: lagAlerts,
    equal: ['cluster'],
    why: 'lag values are frozen while collections fail',
  },
];
