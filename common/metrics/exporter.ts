// Exporter metrics: a superset of danielqsj/kafka_exporter's names and labels (same meaning),
// plus the additions listed in docs/metrics.md. The exporter adds `cluster` to every series.
import { defineMetrics } from './types.js';

const C = 'cluster';
const TP = [C, 'topic', 'partition'] as const;
const GTP = [C, 'consumergroup', 'topic', 'partition'] as const;

export const exporterMetrics = defineMetrics('exporter', {
  // kafka_exporter compatible.
  brokers: { name: 'kafka_brokers', type: 'gauge', help: 'Brokers in the cluster metadata', labels: [C] },
  brokerInfo: {
    name: 'kafka_broker_info',
    type: 'gauge',
    help: 'Broker id and address (value 1)',
    labels: [C, 'id', 'address', 'rack'],
  },
  topicPartitions: {
    name: 'kafka_topic_partitions',
    type: 'gauge',
    help: 'Partitions of the topic',
    labels: [C, 'topic'],
  },
  partitionCurrentOffset: {
    name: 'kafka_topic_partition_current_offset',
    type: 'gauge',
    help: 'High watermark of the partition',
    labels: TP,
  },
  partitionOldestOffset: {
    name: 'kafka_topic_partition_oldest_offset',
    type: 'gauge',
    help: 'Log start offset of the partition',
    labels: TP,
  },
  partitionInSyncReplica: {
    name: 'kafka_topic_partition_in_sync_replica',
    type: 'gauge',
    help: 'In-sync replicas of the partition',
    labels: TP,
  },
  partitionLeader: {
    name: 'kafka_topic_partition_leader',
    type: 'gauge',
    help: 'Leader broker id of the partition (-1 none)',
    labels: TP,
  },
  partitionLeaderIsPreferred: {
    name: 'kafka_topic_partition_leader_is_preferred',
    type: 'gauge',
    help: '1 when the leader is the preferred replica',
    labels: TP,
  },
  partitionReplicas: {
    name: 'kafka_topic_partition_replicas',
    type: 'gauge',
    help: 'Replicas of the partition',
    labels: TP,
  },
  partitionUnderReplicated: {
    name: 'kafka_topic_partition_under_replicated_partition',
    type: 'gauge',
    help: '1 when the ISR is smaller than the replica set',
    labels: TP,
  },
  consumerGroupCurrentOffset: {
    name: 'kafka_consumergroup_current_offset',
    type: 'gauge',
    help: 'Committed offset of the group on the partition',
    labels: GTP,
  },
  consumerGroupLag: {
    name: 'kafka_consumergroup_lag',
    type: 'gauge',
    help: 'High watermark minus committed offset (never negative; committed offsets below log start are lifted to it)',
    labels: GTP,
  },
  consumerGroupLagSum: {
    name: 'kafka_consumergroup_lag_sum',
    type: 'gauge',
    help: "Sum of the group's lag on the topic (committed partitions only)",
    labels: [C, 'consumergroup', 'topic'],
  },
  consumerGroupMembers: {
    name: 'kafka_consumergroup_members',
    type: 'gauge',
    help: 'Members of the group',
    labels: [C, 'consumergroup'],
  },

  // Additions (docs/metrics.md).
  consumerGroupLagSeconds: {
    name: 'kafka_consumergroup_lag_seconds',
    type: 'gauge',
    help: 'Age in seconds of the oldest unconsumed record (0 when caught up)',
    labels: GTP,
  },
  consumerGroupMaxLagSeconds: {
    name: 'kafka_consumergroup_max_lag_seconds',
    type: 'gauge',
    help: "Largest lag in seconds over the group's partitions",
    labels: [C, 'consumergroup'],
  },
  consumerGroupPartitionStatus: {
    name: 'kafka_consumergroup_partition_status',
    type: 'gauge',
    help: 'Burrow-style partition status: 1 OK, 2 WARN, 4 STOP, 5 STALL, 6 REWIND',
    labels: GTP,
  },
  consumerGroupStatus: {
    name: 'kafka_consumergroup_status',
    type: 'gauge',
    help: 'Burrow-style group status: 0 NOTFOUND, 1 OK, 2 WARN, 3 ERR',
    labels: [C, 'consumergroup'],
  },
  consumerGroupUncommittedPartitions: {
    name: 'kafka_consumergroup_uncommitted_partitions',
    type: 'gauge',
    help: 'Partitions of a consumed topic with no committed offset (not folded into lag sums)',
    labels: [C, 'consumergroup', 'topic'],
  },
  consumerGroupLagLostRecords: {
    name: 'kafka_consumergroup_lag_lost_records',
    type: 'gauge',
    help: 'Records between the committed offset and the log start: lost to retention before consumption',
    labels: GTP,
  },
  consumerGroupState: {
    name: 'kafka_consumergroup_state',
    type: 'gauge',
    help: 'Group state, one series per group with value 1 for the current state',
    labels: [C, 'consumergroup', 'state'],
  },
  consumerGroupInfo: {
    name: 'kafka_consumergroup_info',
    type: 'gauge',
    help: 'Group type (classic, consumer = KIP-848, share = KIP-932, streams), state, assignor and coordinator broker id (value 1)',
    labels: [C, 'consumergroup', 'type', 'state', 'assignor', 'coordinator'],
  },
  // KIP-932 share groups (exporter/collect/share-groups.ts).
  shareGroupLag: {
    name: 'kafka_sharegroup_lag',
    type: 'gauge',
    help: 'Records of the share group between the share-partition start offset and the end of the partition not yet acknowledged (never negative)',
    labels: [C, 'sharegroup', 'topic', 'partition'],
  },
  shareGroupLagSum: {
    name: 'kafka_sharegroup_lag_sum',
    type: 'gauge',
    help: "Sum of the share group's lag on the topic (partitions with a start offset only)",
    labels: [C, 'sharegroup', 'topic'],
  },
  partitionOffline: {
    name: 'kafka_topic_partition_offline',
    type: 'gauge',
    help: '1 when the partition has no live leader',
    labels: TP,
  },
  partitionUnderMinIsr: {
    name: 'kafka_topic_partition_under_min_isr',
    type: 'gauge',
    help: "1 when the ISR is below the topic's min.insync.replicas",
    labels: TP,
  },
  partitionAtMinIsr: {
    name: 'kafka_topic_partition_at_min_isr',
    type: 'gauge',
    help: "1 when the ISR equals the topic's min.insync.replicas",
    labels: TP,
  },
  // Transactions (docs/metrics.md, "Additions: transactions").
  partitionLastStableOffset: {
    name: 'kafka_topic_partition_lso',
    type: 'gauge',
    help: 'Last stable offset of the partition (ListOffsets read_committed): the end a read_committed consumer can read',
    labels: TP,
  },
  partitionLsoLag: {
    name: 'kafka_topic_partition_lso_lag',
    type: 'gauge',
    help: 'High watermark minus last stable offset: records read_committed consumers cannot see yet because a transaction is open at or below them',
    labels: TP,
  },
  partitionOpenTransactionAge: {
    name: 'kafka_topic_partition_open_transaction_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest transaction open on the partition (DescribeProducers currentTxnStartOffset, the write time of the record there); partitions whose LSO is below the high watermark only',
    labels: TP,
  },
  partitionHangingTransactions: {
    name: 'kafka_topic_partition_hanging_transactions',
    type: 'gauge',
    help: 'Transactions open on the partition that are hanging: no coordinator lists them for their producer, or they are open longer than their timeout plus the margin',
    labels: TP,
  },
  transactionState: {
    name: 'kafka_transaction_state',
    type: 'gauge',
    help: 'Transaction state of the transactional id as its coordinator lists it (ListTransactions), one series per id with value 1 for the current state',
    labels: [C, 'transactional_id', 'state'],
  },
  transactionOpenAge: {
    name: 'kafka_transaction_open_age_seconds',
    type: 'gauge',
    help: 'Seconds since the open transaction of the transactional id started (DescribeTransactions; Ongoing, PrepareCommit and PrepareAbort only)',
    labels: [C, 'transactional_id'],
  },
  transactionHanging: {
    name: 'kafka_transaction_hanging',
    type: 'gauge',
    help: '1 when the open transaction of the transactional id is older than its transaction timeout plus the margin (its coordinator should have aborted it)',
    labels: [C, 'transactional_id'],
  },
  transactionAborts: {
    name: 'kafka_transaction_aborts_total',
    type: 'counter',
    help: 'Transitions into PrepareAbort or CompleteAbort the exporter observed between two reads of the transactional id (a lower bound)',
    labels: [C, 'transactional_id'],
  },
  offlinePartitions: {
    name: 'kafka_cluster_offline_partitions',
    type: 'gauge',
    help: 'Partitions with no live leader in the cluster',
    labels: [C],
  },
  underReplicatedPartitions: {
    name: 'kafka_cluster_under_replicated_partitions',
    type: 'gauge',
    help: 'Under-replicated partitions in the cluster',
    labels: [C],
  },
  underMinIsrPartitions: {
    name: 'kafka_cluster_under_min_isr_partitions',
    type: 'gauge',
    help: 'Partitions below min.insync.replicas in the cluster',
    labels: [C],
  },
  clusterInfo: {
    name: 'kafka_cluster_info',
    type: 'gauge',
    help: 'Cluster id and active controller id (value 1)',
    labels: [C, 'cluster_id', 'controller_id'],
  },
  controllerId: {
    name: 'kafka_cluster_controller_id',
    type: 'gauge',
    help: 'Active controller broker id (-1 none)',
    labels: [C],
  },
  logDirSizeBytes: {
    name: 'kafka_broker_log_dir_size_bytes',
    type: 'gauge',
    help: 'Bytes used by partitions in the log directory (DescribeLogDirs)',
    labels: [C, 'broker', 'logdir'],
  },
  logDirTotalBytes: {
    name: 'kafka_broker_log_dir_total_bytes',
    type: 'gauge',
    help: 'Capacity of the log directory (DescribeLogDirs v4+)',
    labels: [C, 'broker', 'logdir'],
  },
  logDirUsableBytes: {
    name: 'kafka_broker_log_dir_usable_bytes',
    type: 'gauge',
    help: 'Usable bytes left in the log directory (DescribeLogDirs v4+)',
    labels: [C, 'broker', 'logdir'],
  },
  logDirOffline: {
    name: 'kafka_broker_log_dir_offline',
    type: 'gauge',
    help: '1 when DescribeLogDirs reports a storage error for the log directory',
    labels: [C, 'broker', 'logdir'],
  },
  partitionLogSizeBytes: {
    name: 'kafka_topic_partition_log_size_bytes',
    type: 'gauge',
    help: 'Size of the partition on the broker (DescribeLogDirs)',
    labels: [C, 'broker', 'topic', 'partition'],
  },

  // SLIs and burn rates.
  sloEvents: { name: 'kafka_sre_slo_events_total', type: 'counter', help: 'SLI events (all)', labels: [C, 'slo'] },
  sloErrors: {
    name: 'kafka_sre_slo_errors_total',
    type: 'counter',
    help: 'SLI events that were bad',
    labels: [C, 'slo'],
  },
  sloObjective: {
    name: 'kafka_sre_slo_objective_ratio',
    type: 'gauge',
    help: 'SLO objective as a ratio (e.g. 0.999)',
    labels: [C, 'slo'],
  },
  sloBurnRate: {
    name: 'kafka_sre_slo_burn_rate',
    type: 'gauge',
    help: "Exporter's own burn-rate estimate per window from in-memory history",
    labels: [C, 'slo', 'window'],
  },

  // End-to-end probe.
  probeProduceLatency: {
    name: 'kafka_sre_probe_produce_latency_seconds',
    type: 'histogram',
    help: 'Probe produce (acks=all) latency',
    labels: [C, 'partition'],
  },
  probeRoundtripLatency: {
    name: 'kafka_sre_probe_roundtrip_latency_seconds',
    type: 'histogram',
    help: 'Probe produce-to-consume latency',
    labels: [C, 'partition'],
  },
  probeCommitLatency: {
    name: 'kafka_sre_probe_commit_latency_seconds',
    type: 'histogram',
    help: 'Probe offset commit latency',
    labels: [C],
  },
  probeProduced: {
    name: 'kafka_sre_probe_records_produced_total',
    type: 'counter',
    help: 'Probe records acknowledged',
    labels: [C, 'partition'],
  },
  probeFailed: {
    name: 'kafka_sre_probe_records_failed_total',
    type: 'counter',
    help: 'Probe produce attempts that failed',
    labels: [C, 'partition'],
  },
  probeReceived: {
    name: 'kafka_sre_probe_records_received_total',
    type: 'counter',
    help: 'Probe records consumed back',
    labels: [C, 'partition'],
  },
  probeLost: {
    name: 'kafka_sre_probe_records_lost_total',
    type: 'counter',
    help: 'Acknowledged probe records never consumed within the loss timeout',
    labels: [C, 'partition'],
  },

  // Self-metrics.
  exporterUp: {
    name: 'kafka_sre_exporter_up',
    type: 'gauge',
    help: '1 when the last collection of the cluster succeeded',
    labels: [C],
  },
  exporterLastSuccess: {
    name: 'kafka_sre_exporter_last_success_timestamp_seconds',
    type: 'gauge',
    help: 'Unix time of the last successful collection',
    labels: [C],
  },
  exporterCollectionDuration: {
    name: 'kafka_sre_exporter_collection_duration_seconds',
    type: 'gauge',
    help: 'Duration of the last collection',
    labels: [C],
  },
  exporterSnapshotStale: {
    name: 'kafka_sre_exporter_snapshot_stale',
    type: 'gauge',
    help: '1 when the served snapshot is from an earlier collection because the last one failed',
    labels: [C],
  },
  exporterRequestErrors: {
    name: 'kafka_sre_exporter_request_errors_total',
    type: 'counter',
    help: 'Kafka requests that failed, by API',
    labels: [C, 'api'],
  },
  exporterSeries: {
    name: 'kafka_sre_exporter_series',
    type: 'gauge',
    help: 'Series in the served snapshot',
    labels: [C],
  },
  exporterSeriesLimitReached: {
    name: 'kafka_sre_exporter_series_limit_reached',
    type: 'gauge',
    help: '1 when the cardinality guard dropped series',
    labels: [C],
  },
  // Fleet mode (exporter.coordination): which share of the cluster this replica exports.
  exporterShardGroups: {
    name: 'kafka_sre_exporter_shard_groups',
    type: 'gauge',
    help: 'Consumer groups this replica exported in its last collection (its shard)',
    labels: [C],
  },
  exporterShardPartitions: {
    name: 'kafka_sre_exporter_shard_partitions',
    type: 'gauge',
    help: 'Coordination-topic partitions assigned to this replica',
    labels: [C],
  },
  exporterShardGeneration: {
    name: 'kafka_sre_exporter_shard_generation',
    type: 'gauge',
    help: 'Generation of the coordination group this replica holds its assignment from (-1: none)',
    labels: [C],
  },
  exporterListedGroups: {
    name: 'kafka_sre_exporter_listed_groups',
    type: 'gauge',
    help: 'Consumer groups ListGroups returned in the last collection (after the group filter, without the coordination group); only from the replica holding coordination partition 0',
    labels: [C],
  },
});
