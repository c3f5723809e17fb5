// The seam between a broker's data plane (replica manager, handlers, security) and the metadata
// quorum (broker/raft + broker/controller). Everything that changes cluster metadata goes through
// a ControllerChannel: the node forwards it to the active controller, which appends metadata
// records to the Raft log; every node applies committed records to its local image (TopicStore,
// broker registrations, ACLs). Data-plane code codes against these types only.
import type { PartitionRegistration } from '../state/topic-store.js';
import type { TopicConfigs } from '../state/topic-config.js';
import type { AclEntry } from '../../protocol/index.js';

/** A failure the controller reports with a Kafka error code (NOT_CONTROLLER, FENCED_LEADER_EPOCH, ...). */
export class ControllerError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControllerError';
  }
}

/** AlterPartition (KIP-497): the leader asks to change a partition's ISR. */
export interface AlterPartitionRequest {
  topic: string;
  partition: number;
  /** The leader's current leader epoch; a stale epoch is rejected with FENCED_LEADER_EPOCH. */
  leaderEpoch: number;
  /** The partition epoch the leader last saw (bumped by every leader/ISR change). */
  partitionEpoch: number;
  newIsr: number[];
}

/** ACL binding as DescribeAcls/CreateAcls/DeleteAcls carry it (Kafka's enum codes; protocol/apis/acl-common.ts). */
export type AclBinding = AclEntry;

export interface CreateTopicSpec {
  name: string;
  numPartitions: number;
  /** -1 = the broker default (default.replication.factor). */
  replicationFactor: number;
  /** Explicit assignment (partition -> replica ids), overrides numPartitions/replicationFactor. */
  assignments?: number[][];
  configs?: TopicConfigs;
  validateOnly?: boolean;
}

export interface ControllerChannel {
  /** Node id of the active controller, -1 while there is none (election, lost quorum). */
  activeController(): number;
  createTopic(spec: CreateTopicSpec): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  createPartitions(name: string, newTotal: number, validateOnly: boolean): Promise<void>;
  alterTopicConfigs(name: string, configs: TopicConfigs): Promise<void>;
  /** Resolves with the partition as committed (leader epoch, partition epoch, ISR). */
  alterPartition(req: AlterPartitionRequest): Promise<PartitionRegistration>;
  /** Preferred (electionType 0) or unclean (1) leader election for the given partitions. */
  electLeaders(
    electionType: number,
    partitions: { topic: string; partition: number }[],
  ): Promise<{ topic: string; partition: number; errorCode: number; message: string | null }[]>;
  createAcls(bindings: AclBinding[]): Promise<void>;
  /** Deletes every binding matching one of the filters; resolves with the deleted bindings per filter. */
  deleteAcls(filters: AclBinding[]): Promise<AclBinding[][]>;
}
