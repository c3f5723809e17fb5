// Front door of kafka-client/: the only module other parts import. See README.md.

// The cluster client: batched, per-broker reads of cluster state and the few writes ops/ needs.
export {
  ClusterClient,
  mapLimit,
  RequestErrors,
  type CollectFilters,
  type ExtraApis,
  type NameFilter,
  type PartitionRef,
} from './cluster-client.js';

// Connection settings, SASL/TLS options and plain kafkajs clients.
export {
  createKafka,
  kafkaConfig,
  parseBootstrap,
  resolvePassword,
  saslCredentials,
  saslMechanisms,
  type ClusterConnection,
  type KafkaClientOptions,
  type SaslCredentials,
  type SaslMechanism,
  type SaslSettings,
  type TlsSettings,
} from './connection.js';

// APIs kafkajs lacks, through protocol/ codecs over kafkajs's connections.
export {
  callApi,
  describeCluster,
  describeLogDirs,
  electLeaders,
  negotiateVersion,
  UnsupportedApiError,
} from './protocol-apis.js';
export { sendRaw, skipTaggedFields, type KjsConnectionPool } from './raw-transport.js';

// KIP-932 share groups: ShareGroupDescribe and DescribeShareGroupOffsets at the group's coordinator.
export {
  describeShareGroupOffsets,
  describeShareGroups,
  shareGroupCoordinator,
  type ShareGroupInfo,
  type ShareGroupMemberInfo,
  type ShareGroupPartitionOffset,
} from './share-groups.js';
export { decodeConsumerAssignment, type KjsBroker } from './kafkajs-internals.js';

// KIP-664 transaction admin calls (ClusterClient.describeProducers / listTransactions / describeTransactions).
export type {
  ListTransactionsFilter,
  PartitionProducers,
  ProducerInfo,
  ProducersPartition,
  TransactionDescription,
  TransactionListing,
} from './transactions.js';

// The cluster model, and which topics and partitions a group covers.
export { groupPartitions, groupTopics, type GroupPartition } from './group-partitions.js';
export {
  groupTypes,
  isInternalTopic,
  tpKey,
  type BrokerInfo,
  type ClusterState,
  type CommittedOffset,
  type GroupMember,
  type GroupState,
  type GroupType,
  type LogDirState,
  type PartitionState,
  type TopicState,
} from './model.js';
