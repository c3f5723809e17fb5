// Broker metrics, named as a real Kafka broker exposes them through the Prometheus JMX
// exporter with the Strimzi / jmx_exporter example configuration (docs/metrics.md):
// gauges `kafka_<domain>_<type>_<name>`, meters as counters with `_total`, timers as
// {quantile} gauges plus `_count`. Broker series carry no `cluster` label.
import { defineMetrics } from './types.js';

const Q = 'quantile';
const requestTimer = (what: string) => ({
  type: 'summary' as const,
  help: `${what} per request type (ms), quantiles 0.50-0.999 plus _count`,
  labels: ['request', Q],
});

export const brokerMetrics = defineMetrics('broker', {
  // BrokerTopicMetrics: per topic and the all-topics series without `topic`.
  messagesIn: {
    name: 'kafka_server_brokertopicmetrics_messagesin_total',
    type: 'counter',
    help: 'Records appended to the log',
    labels: ['topic'],
  },
  bytesIn: {
    name: 'kafka_server_brokertopicmetrics_bytesin_total',
    type: 'counter',
    help: 'Bytes received from producers',
    labels: ['topic'],
  },
  bytesOut: {
    name: 'kafka_server_brokertopicmetrics_bytesout_total',
    type: 'counter',
    help: 'Bytes sent to consumers and followers',
    labels: ['topic'],
  },
  bytesRejected: {
    name: 'kafka_server_brokertopicmetrics_bytesrejected_total',
    type: 'counter',
    help: 'Bytes rejected (e.g. record too large)',
    labels: ['topic'],
  },
  failedProduceRequests: {
    name: 'kafka_server_brokertopicmetrics_failedproducerequests_total',
    type: 'counter',
    help: 'Produce requests that failed',
    labels: ['topic'],
  },
  failedFetchRequests: {
    name: 'kafka_server_brokertopicmetrics_failedfetchrequests_total',
    type: 'counter',
    help: 'Fetch requests that failed',
    labels: ['topic'],
  },
  totalProduceRequests: {
    name: 'kafka_server_brokertopicmetrics_totalproducerequests_total',
    type: 'counter',
    help: 'Produce requests',
    labels: ['topic'],
  },
  totalFetchRequests: {
    name: 'kafka_server_brokertopicmetrics_totalfetchrequests_total',
    type: 'counter',
    help: 'Fetch requests',
    labels: ['topic'],
  },
  replicationBytesIn: {
    name: 'kafka_server_brokertopicmetrics_replicationbytesin_total',
    type: 'counter',
    help: 'Bytes fetched from leaders by this broker as follower',
    labels: [],
  },
  replicationBytesOut: {
    name: 'kafka_server_brokertopicmetrics_replicationbytesout_total',
    type: 'counter',
    help: 'Bytes served to followers',
    labels: [],
  },

  // RequestMetrics and RequestChannel.
  requests: {
    name: 'kafka_network_requestmetrics_requests_total',
    type: 'counter',
    help: 'Requests by type and version',
    labels: ['request', 'version'],
  },
  requestErrors: {
    name: 'kafka_network_requestmetrics_errors_total',
    type: 'counter',
    help: 'Request results by error code name (error="NONE" counts successes)',
    labels: ['request', 'error'],
  },
  totalTimeMs: { name: 'kafka_network_requestmetrics_totaltimems', ...requestTimer('Total request time') },
  requestQueueTimeMs: {
    name: 'kafka_network_requestmetrics_requestqueuetimems',
    ...requestTimer('Time in the request queue'),
  },
  localTimeMs: { name: 'kafka_network_requestmetrics_localtimems', ...requestTimer('Time processed by the leader') },
  remoteTimeMs: {
    name: 'kafka_network_requestmetrics_remotetimems',
    ...requestTimer('Time waiting for followers or long-poll'),
  },
  responseQueueTimeMs: {
    name: 'kafka_network_requestmetrics_responsequeuetimems',
    ...requestTimer('Time in the response queue'),
  },
  responseSendTimeMs: {
    name: 'kafka_network_requestmetrics_responsesendtimems',
    ...requestTimer('Time to send the response'),
  },
  requestQueueSize: {
    name: 'kafka_network_requestchannel_requestqueuesize',
    type: 'gauge',
    help: 'Requests waiting for a handler',
    labels: [],
  },
  responseQueueSize: {
    name: 'kafka_network_requestchannel_responsequeuesize',
    type: 'gauge',
    help: 'Responses waiting to be sent',
    labels: [],
  },
  requestHandlerIdle: {
    name: 'kafka_server_kafkarequesthandlerpool_requesthandleravgidle_percent',
    type: 'gauge',
    help: 'Fraction of time request handlers are idle (0-1)',
    labels: [],
  },
  networkProcessorIdle: {
    name: 'kafka_network_socketserver_networkprocessoravgidle_percent',
    type: 'gauge',
    help: 'Fraction of time network processors are idle (0-1)',
    labels: [],
  },
  connectionCount: {
    name: 'kafka_server_socketservermetrics_connection_count',
    type: 'gauge',
    help: 'Open client connections per listener',
    labels: ['listener'],
  },
  failedAuthentication: {
    name: 'kafka_server_socketservermetrics_failed_authentication_total',
    type: 'counter',
    help: 'Failed SASL authentications per listener',
    labels: ['listener'],
  },
  successfulAuthentication: {
    name: 'kafka_server_socketservermetrics_successful_authentication_total',
    type: 'counter',
    help: 'Successful SASL authentications per listener',
    labels: ['listener'],
  },

  // Log and LogManager.
  logSize: {
    name: 'kafka_log_log_size',
    type: 'gauge',
    help: 'Partition log size in bytes',
    labels: ['topic', 'partition'],
  },
  logEndOffset: {
    name: 'kafka_log_log_logendoffset',
    type: 'gauge',
    help: 'Partition log end offset',
    labels: ['topic', 'partition'],
  },
  logStartOffset: {
    name: 'kafka_log_log_logstartoffset',
    type: 'gauge',
    help: 'Partition log start offset',
    labels: ['topic', 'partition'],
  },
  numLogSegments: {
    name: 'kafka_log_log_numlogsegments',
    type: 'gauge',
    help: 'Segments in the partition log',
    labels: ['topic', 'partition'],
  },
  offlineLogDirectoryCount: {
    name: 'kafka_log_logmanager_offlinelogdirectorycount',
    type: 'gauge',
    help: 'Log directories offline after a storage error',
    labels: [],
  },
  logDirectoryTotalBytes: {
    name: 'kafka_log_logmanager_logdirectorytotalbytes',
    type: 'gauge',
    help: 'Capacity of the log directory in bytes (simulated capacity on the reference broker)',
    labels: ['logdir'],
  },
  logDirectoryUsableBytes: {
    name: 'kafka_log_logmanager_logdirectoryusablebytes',
    type: 'gauge',
    help: 'Usable (free) bytes in the log directory',
    labels: ['logdir'],
  },
  logFlushRateAndTimeMs: {
    name: 'kafka_log_logflushstats_logflushrateandtimems',
    type: 'summary',
    help: 'Log flush time (ms)',
    labels: [Q],
  },

  // ReplicaManager and Partition.
  partitionCount: {
    name: 'kafka_server_replicamanager_partitioncount',
    type: 'gauge',
    help: 'Partitions hosted on this broker',
    labels: [],
  },
  leaderCount: {
    name: 'kafka_server_replicamanager_leadercount',
    type: 'gauge',
    help: 'Partitions led by this broker',
    labels: [],
  },
  underReplicatedPartitions: {
    name: 'kafka_server_replicamanager_underreplicatedpartitions',
    type: 'gauge',
    help: 'Partitions led here whose ISR is smaller than the replica set',
    labels: [],
  },
  underMinIsrPartitionCount: {
    name: 'kafka_server_replicamanager_underminisrpartitioncount',
    type: 'gauge',
    help: 'Partitions led here whose ISR is below min.insync.replicas',
    labels: [],
  },
  atMinIsrPartitionCount: {
    name: 'kafka_server_replicamanager_atminisrpartitioncount',
    type: 'gauge',
    help: 'Partitions led here whose ISR equals min.insync.replicas',
    labels: [],
  },
  offlineReplicaCount: {
    name: 'kafka_server_replicamanager_offlinereplicacount',
    type: 'gauge',
    help: 'Replicas on this broker that are offline (log dir offline)',
    labels: [],
  },
  isrShrinks: {
    name: 'kafka_server_replicamanager_isrshrinks_total',
    type: 'counter',
    help: 'ISR shrinks',
    labels: [],
  },
  isrExpands: {
    name: 'kafka_server_replicamanager_isrexpands_total',
    type: 'counter',
    help: 'ISR expands',
    labels: [],
  },
  failedIsrUpdates: {
    name: 'kafka_server_replicamanager_failedisrupdates_total',
    type: 'counter',
    help: 'ISR updates the controller rejected',
    labels: [],
  },
  partitionUnderReplicated: {
    name: 'kafka_cluster_partition_underreplicated',
    type: 'gauge',
    help: '1 when this led partition is under-replicated',
    labels: ['topic', 'partition'],
  },
  partitionUnderMinIsr: {
    name: 'kafka_cluster_partition_underminisr',
    type: 'gauge',
    help: '1 when this led partition is below min ISR',
    labels: ['topic', 'partition'],
  },
  partitionAtMinIsr: {
    name: 'kafka_cluster_partition_atminisr',
    type: 'gauge',
    help: '1 when this led partition is at min ISR',
    labels: ['topic', 'partition'],
  },
  partitionReplicasCount: {
    name: 'kafka_cluster_partition_replicascount',
    type: 'gauge',
    help: 'Replicas of this led partition',
    labels: ['topic', 'partition'],
  },
  partitionInSyncReplicasCount: {
    name: 'kafka_cluster_partition_insyncreplicascount',
    type: 'gauge',
    help: 'In-sync replicas of this led partition',
    labels: ['topic', 'partition'],
  },
  partitionLastStableOffsetLag: {
    name: 'kafka_cluster_partition_laststableoffsetlag',
    type: 'gauge',
    help: 'High watermark minus last stable offset of this led partition: records read_committed consumers cannot read yet',
    labels: ['topic', 'partition'],
  },
  producerIdCount: {
    name: 'kafka_server_replicamanager_produceridcount',
    type: 'gauge',
    help: 'Producer ids (idempotent and transactional) in the producer state of the partitions on this broker',
    labels: [],
  },
  replicaFetcherMaxLag: {
    name: 'kafka_server_replicafetchermanager_maxlag',
    type: 'gauge',
    help: "Max lag in records of this broker's replica fetchers",
    labels: ['clientid'],
  },
  replicaFetcherFailedPartitions: {
    name: 'kafka_server_replicafetchermanager_failedpartitionscount',
    type: 'gauge',
    help: 'Partitions whose replica fetch is failing',
    labels: ['clientid'],
  },
  followerFetchErrors: {
    name: 'kafka_server_replicafetcher_fetcherrors_total',
    type: 'counter',
    help: 'Replica fetch requests that failed',
    labels: [],
  },

  // Controller.
  activeControllerCount: {
    name: 'kafka_controller_kafkacontroller_activecontrollercount',
    type: 'gauge',
    help: '1 on the active controller, 0 elsewhere',
    labels: [],
  },
  offlinePartitionsCount: {
    name: 'kafka_controller_kafkacontroller_offlinepartitionscount',
    type: 'gauge',
    help: 'Partitions without a live leader (reported by the active controller)',
    labels: [],
  },
  globalTopicCount: {
    name: 'kafka_controller_kafkacontroller_globaltopiccount',
    type: 'gauge',
    help: 'Topics in the cluster (active controller)',
    labels: [],
  },
  globalPartitionCount: {
    name: 'kafka_controller_kafkacontroller_globalpartitioncount',
    type: 'gauge',
    help: 'Partitions in the cluster (active controller)',
    labels: [],
  },
  preferredReplicaImbalanceCount: {
    name: 'kafka_controller_kafkacontroller_preferredreplicaimbalancecount',
    type: 'gauge',
    help: 'Partitions whose leader is not the preferred replica',
    labels: [],
  },
  fencedBrokerCount: {
    name: 'kafka_controller_kafkacontroller_fencedbrokercount',
    type: 'gauge',
    help: 'Fenced brokers (active controller)',
    labels: [],
  },
  activeBrokerCount: {
    name: 'kafka_controller_kafkacontroller_activebrokercount',
    type: 'gauge',
    help: 'Unfenced registered brokers (active controller)',
    labels: [],
  },
  uncleanLeaderElections: {
    name: 'kafka_controller_controllerstats_uncleanleaderelections_total',
    type: 'counter',
    help: 'Unclean leader elections',
    labels: [],
  },
  leaderElectionRateAndTimeMs: {
    name: 'kafka_controller_controllerstats_leaderelectionrateandtimems',
    type: 'summary',
    help: 'Leader election time (ms), quantiles plus _count (elections)',
    labels: [Q],
  },
  raftCurrentState: {
    name: 'kafka_server_raftmetrics_current_state',
    type: 'gauge',
    help: 'Raft state of this node, one series per state set to 1 (leader, candidate, voted, follower, unattached, observer)',
    labels: ['state'],
  },
  raftCurrentLeader: {
    name: 'kafka_server_raftmetrics_current_leader',
    type: 'gauge',
    help: 'Node id of the current metadata quorum leader (-1 none)',
    labels: [],
  },
  raftCurrentEpoch: {
    name: 'kafka_server_raftmetrics_current_epoch',
    type: 'gauge',
    help: 'Current Raft epoch',
    labels: [],
  },
  raftHighWatermark: {
    name: 'kafka_server_raftmetrics_high_watermark',
    type: 'gauge',
    help: 'Metadata log high watermark',
    labels: [],
  },
  // KRaft quorum metrics of Kafka 4 (raft-metrics KafkaMetrics; KafkaController gauges of a controller).
  raftCommitLatencyAvg: {
    name: 'kafka_server_raftmetrics_commit_latency_avg',
    type: 'gauge',
    help: 'Average time (ms) from the leader appending a metadata record to its commit, last 60 s (NaN: none)',
    labels: [],
  },
  raftCommitLatencyMax: {
    name: 'kafka_server_raftmetrics_commit_latency_max',
    type: 'gauge',
    help: 'Largest time (ms) from the leader appending a metadata record to its commit, last 60 s (NaN: none)',
    labels: [],
  },
  raftElectionLatencyAvg: {
    name: 'kafka_server_raftmetrics_election_latency_avg',
    type: 'gauge',
    help: 'Average time (ms) this node spent without a known quorum leader until one was elected, last 60 s (NaN: none)',
    labels: [],
  },
  raftElectionLatencyMax: {
    name: 'kafka_server_raftmetrics_election_latency_max',
    type: 'gauge',
    help: 'Largest time (ms) this node spent without a known quorum leader until one was elected, last 60 s (NaN: none)',
    labels: [],
  },
  lastAppliedRecordLagMs: {
    name: 'kafka_controller_kafkacontroller_lastappliedrecordlagms',
    type: 'gauge',
    help: 'Time (ms) between the leader appending the last metadata record this node applied and its application here',
    labels: [],
  },
  metadataErrorCount: {
    name: 'kafka_controller_kafkacontroller_metadataerrorcount',
    type: 'gauge',
    help: 'Metadata records whose application failed on this node since it started',
    labels: [],
  },
  timedOutBrokerHeartbeatCount: {
    name: 'kafka_controller_kafkacontroller_timedoutbrokerheartbeatcount',
    type: 'gauge',
    help: 'Brokers this node, as active controller, fenced for missing their heartbeat session since it started',
    labels: [],
  },
  newActiveControllersCount: {
    name: 'kafka_controller_kafkacontroller_newactivecontrollerscount',
    type: 'gauge',
    help: 'Times this node has seen a new active controller (quorum leader) since it started',
    labels: [],
  },

  // Group coordinator.
  numGroups: {
    name: 'kafka_coordinator_group_groupmetadatamanager_numgroups',
    type: 'gauge',
    help: 'Consumer groups coordinated by this broker',
    labels: [],
  },
  numGroupsPreparingRebalance: {
    name: 'kafka_coordinator_group_groupmetadatamanager_numgroupspreparingrebalance',
    type: 'gauge',
    help: 'Groups in PreparingRebalance',
    labels: [],
  },
  numGroupsCompletingRebalance: {
    name: 'kafka_coordinator_group_groupmetadatamanager_numgroupscompletingrebalance',
    type: 'gauge',
    help: 'Groups in CompletingRebalance',
    labels: [],
  },
  numGroupsStable: {
    name: 'kafka_coordinator_group_groupmetadatamanager_numgroupsstable',
    type: 'gauge',
    help: 'Groups in Stable',
    labels: [],
  },
  numGroupsDead: {
    name: 'kafka_coordinator_group_groupmetadatamanager_numgroupsdead',
    type: 'gauge',
    help: 'Groups in Dead',
    labels: [],
  },
  numGroupsEmpty: {
    name: 'kafka_coordinator_group_groupmetadatamanager_numgroupsempty',
    type: 'gauge',
    help: 'Groups in Empty',
    labels: [],
  },
  numOffsets: {
    name: 'kafka_coordinator_group_groupmetadatamanager_numoffsets',
    type: 'gauge',
    help: 'Committed offsets held by this coordinator',
    labels: [],
  },
  // Kafka 4 group coordinator (group-coordinator-metrics KafkaMetrics).
  groupCount: {
    name: 'kafka_server_groupcoordinatormetrics_group_count',
    type: 'gauge',
    help: 'Groups coordinated by this broker by rebalance protocol (classic, consumer, share)',
    labels: ['protocol'],
  },
  classicGroupCount: {
    name: 'kafka_server_groupcoordinatormetrics_classic_group_count',
    type: 'gauge',
    help: 'Classic groups by state (preparingrebalance, completingrebalance, stable, dead, empty)',
    labels: ['state'],
  },
  consumerGroupCount: {
    name: 'kafka_server_groupcoordinatormetrics_consumer_group_count',
    type: 'gauge',
    help: 'Consumer-protocol (KIP-848) groups by state (empty, assigning, reconciling, stable, dead)',
    labels: ['state'],
  },
  consumerGroupRebalanceRate: {
    name: 'kafka_server_groupcoordinatormetrics_consumer_group_rebalance_rate',
    type: 'gauge',
    help: 'Consumer-group rebalances (group epoch bumps) per second over the last 60 s',
    labels: [],
  },
  consumerGroupRebalanceCount: {
    name: 'kafka_server_groupcoordinatormetrics_consumer_group_rebalance_count',
    type: 'gauge',
    help: 'Consumer-group rebalances (group epoch bumps) since the coordinator started (monotonic, as Kafka exposes it)',
    labels: [],
  },
  rebalances: {
    name: 'kafka_coordinator_group_groupmetadatamanager_rebalances_total',
    type: 'counter',
    help: 'Rebalances started (reference-broker extension; no JMX twin)',
    labels: [],
  },

  // Kafka 4 group-coordinator-metrics of KIP-932 share groups (kafka.server:type=group-coordinator-metrics).
  shareGroupCount: {
    name: 'kafka_server_groupcoordinatormetrics_share_group_count',
    type: 'gauge',
    help: 'Share groups coordinated by this broker, by state (empty, stable, dead)',
    labels: ['state'],
  },
  shareGroupRebalanceRate: {
    name: 'kafka_server_groupcoordinatormetrics_share_group_rebalance_rate',
    type: 'gauge',
    help: 'Share-group rebalances (target assignment computations) per second over the last 30 s',
    labels: [],
  },
  shareGroupRebalanceCount: {
    name: 'kafka_server_groupcoordinatormetrics_share_group_rebalance_count',
    type: 'gauge',
    help: 'Share-group rebalances since the broker started (a cumulative gauge, as Kafka reports it)',
    labels: [],
  },

  // Transaction coordinator (Kafka's transaction-coordinator-metrics KafkaMetrics, kafka.server:type=
  // transaction-coordinator-metrics, and kafka.coordinator.transaction:type=TransactionMarkerChannelManager).
  txnPartitionLoadTimeMax: {
    name: 'kafka_server_transactioncoordinatormetrics_partition_load_time_max',
    type: 'gauge',
    help: 'Longest time (ms) to load a __transaction_state partition this broker became leader of, last 30 s (NaN: none)',
    labels: [],
  },
  txnPartitionLoadTimeAvg: {
    name: 'kafka_server_transactioncoordinatormetrics_partition_load_time_avg',
    type: 'gauge',
    help: 'Average time (ms) to load a __transaction_state partition, last 30 s (NaN: none)',
    labels: [],
  },
  txnMarkerUnknownDestinationQueueSize: {
    name: 'kafka_coordinator_transaction_transactionmarkerchannelmanager_unknowndestinationqueuesize',
    type: 'gauge',
    help: 'Transaction markers waiting because their partition has no known leader',
    labels: [],
  },
  txnMarkerLogAppendRetryQueueSize: {
    name: 'kafka_coordinator_transaction_transactionmarkerchannelmanager_logappendretryqueuesize',
    type: 'gauge',
    help: 'Transactions whose markers are written and whose completion is being written to __transaction_state again',
    labels: [],
  },

  // KafkaServer and runtime (Node stand-ins for JVM pause metrics; mapping in broker/README.md).
  brokerState: {
    name: 'kafka_server_kafkaserver_brokerstate',
    type: 'gauge',
    help: 'Broker state (3 running, 6 pending controlled shutdown, 7 shutting down)',
    labels: [],
  },
  eventLoopDelay: {
    name: 'kafka_sre_broker_eventloop_delay_seconds',
    type: 'summary',
    help: 'Event-loop delay (the Node stand-in for JVM safepoint/GC pauses)',
    labels: [Q],
  },
  eventLoopDelayMax: {
    name: 'kafka_sre_broker_eventloop_delay_max_seconds',
    type: 'gauge',
    help: 'Largest event-loop delay in the last scrape interval',
    labels: [],
  },
  gcPauseSeconds: {
    name: 'kafka_sre_broker_gc_pause_seconds',
    type: 'histogram',
    help: 'Garbage-collection pauses (the stand-in for jvm_gc_collection_seconds)',
    labels: ['kind'],
  },
});
