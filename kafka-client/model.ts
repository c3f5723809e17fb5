// The cluster model: what the cluster client learns about a cluster (brokers, topics and their
// partitions, groups, log directories), plain facts before any derivation. The exporter turns a
// ClusterState (plus history) into series; ops/ prints it. Which partitions a group covers:
// group-partitions.ts.

/** Key of one partition in maps and sets: topic NUL partition. */
export const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Internal topics (`__consumer_offsets`, `__transaction_state`, ...): named with a leading `__`. */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
  rack?: string;
}

export interface PartitionState {
  topic: string;
  partition: number;
  /** -1 when the partition has no leader. */
  leader: number;
  replicas: readonly number[];
  isr: readonly number[];
  offlineReplicas: readonly number[];
  /** Offsets are missing when the leader could not answer ListOffsets this cycle. */
  logStartOffset?: number;
  highWatermark?: number;
}

export interface TopicState {
  name: string;
  internal: boolean;
  partitions: readonly PartitionState[];
  /** min.insync.replicas from DescribeConfigs, when it could be read. */
  minInsyncReplicas?: number;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  /** Decoded consumer-protocol assignment (empty for other protocol types). */
  assignments: readonly { topic: string; partitions: readonly number[] }[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1 when the group has no commit for the partition. */
  offset: number;
}

export interface GroupState {
  groupId: string;
  /** Stable, Empty, PreparingRebalance, CompletingRebalance, Dead, Unknown. */
  state: string;
  protocolType: string;
  members: readonly GroupMember[];
  offsets: readonly CommittedOffset[];
}

export interface LogDirState {
  broker: number;
  path: string;
  /** Kafka error name when the directory is offline; undefined when healthy. */
  error?: string;
  totalBytes?: number;
  usableBytes?: number;
  partitions: readonly { topic: string; partition: number; sizeBytes: number }[];
}

export interface ClusterState {
  clusterId?: string;
  controllerId: number;
  brokers: readonly BrokerInfo[];
  topics: readonly TopicState[];
  groups: readonly GroupState[];
  /** Present when the cluster answered DescribeLogDirs. */
  logDirs?: readonly LogDirState[];
  /** Request failures of this cycle by API (the cycle may still be usable). */
  requestErrors: ReadonlyMap<string, number>;
}
