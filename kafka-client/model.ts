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
  /**
   * Last stable offset (ListOffsets latest with isolation_level read_committed): the end a
   * read_committed consumer can read, below the high watermark while a transaction is open on the
   * partition. Asked in the same round as the high watermark and answered after it (see
   * ClusterClient.collect), so never from an earlier moment; undefined when not read.
   */
  lastStableOffset?: number;
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
  /** Consumer-protocol (KIP-848) groups only, from ConsumerGroupDescribe. */
  memberEpoch?: number;
  /** Static membership id (`group.instance.id`), consumer-protocol groups. */
  instanceId?: string;
  /** What the coordinator wants the member to own once reconciled (consumer-protocol groups). */
  targetAssignments?: readonly { topic: string; partitions: readonly number[] }[];
  /** Subscribed topic names and regex (consumer-protocol groups). */
  subscribedTopics?: readonly string[];
  subscribedTopicRegex?: string;
}

/**
 * The group's protocol, as ListGroups v5 names it: `classic` (JoinGroup/SyncGroup), `consumer`
 * (KIP-848 ConsumerGroupHeartbeat), `share` (KIP-932), `streams` (KIP-1071). A broker without
 * ListGroups v5 only has classic groups.
 */
export const groupTypes = ['classic', 'consumer', 'share', 'streams'] as const;
export type GroupType = (typeof groupTypes)[number];

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1 when the group has no commit for the partition. */
  offset: number;
}

export interface GroupState {
  groupId: string;
  /**
   * Classic: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead, Unknown. Consumer
   * (KIP-848): Empty, Assigning, Reconciling, Stable, Dead. Share: Empty, Stable, Dead.
   */
  state: string;
  protocolType: string;
  /** The group's protocol (see GroupType); `classic` when the broker cannot tell (no ListGroups v5). */
  type: GroupType;
  /** Broker id of the group's coordinator (the broker that listed it). */
  coordinator: number;
  /** Assignor: the classic group's chosen protocol (range, roundrobin, ...) or the KIP-848 server assignor (uniform, range); '' when none. */
  assignor: string;
  /** Consumer-protocol groups: the group epoch and the epoch of its target assignment. */
  groupEpoch?: number;
  assignmentEpoch?: number;
  /**
   * false when the broker could not describe the group (no ConsumerGroupDescribe or
   * ShareGroupDescribe, or a streams group, which this client does not describe): state comes from
   * the listing, members unknown.
   */
  described: boolean;
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
