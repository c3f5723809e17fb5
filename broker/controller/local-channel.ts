// The ControllerChannel of the single broker (`--brokers 1`): it is its own controller, so changes
// go straight into its TopicStore, which persists them. Same contract as the quorum's channel.
import { ErrorCode } from '../../protocol/index.js';
import type { PartitionRegistration, TopicStore } from '../state/topic-store.js';
import { TopicError } from '../state/topic-store.js';
import { ControllerError, type AclBinding, type ControllerChannel, type CreateTopicSpec } from './channel.js';

function asControllerError(e: unknown): never {
  if (e instanceof TopicError) throw new ControllerError(e.errorCode, e.message);
  throw e;
}

export class LocalControllerChannel implements ControllerChannel {
  constructor(
    private readonly topics: TopicStore,
    private readonly nodeId: number,
  ) {}

  activeController(): number {
    return this.nodeId;
  }

  async createTopic(spec: CreateTopicSpec): Promise<void> {
    const numPartitions = spec.assignments?.length || spec.numPartitions;
    const replicationFactor =
      spec.assignments?.[0]?.length ?? (spec.replicationFactor === -1 ? 1 : spec.replicationFactor);
    try {
      this.topics.create({
        name: spec.name,
        numPartitions,
        replicationFactor,
        configs: spec.configs,
        validateOnly: spec.validateOnly,
      });
    } catch (e) {
      asControllerError(e);
    }
  }

  async deleteTopic(name: string): Promise<void> {
    try {
      this.topics.delete(name);
    } catch (e) {
      asControllerError(e);
    }
  }

  async createPartitions(name: string, newTotal: number, validateOnly: boolean): Promise<void> {
    try {
      this.topics.addPartitions(name, newTotal, validateOnly);
    } catch (e) {
      asControllerError(e);
    }
  }

  async alterTopicConfigs(name: string, configs: Record<string, string>): Promise<void> {
    try {
      this.topics.setConfigs(name, configs);
    } catch (e) {
      asControllerError(e);
    }
  }

  async alterPartition(): Promise<PartitionRegistration> {
    throw new ControllerError(ErrorCode.INVALID_REQUEST, 'a single broker has no followers: its ISR never changes');
  }

  async electLeaders(
    _electionType: number,
    partitions: { topic: string; partition: number }[],
  ): Promise<{ topic: string; partition: number; errorCode: number; message: string | null }[]> {
    return partitions.map((p) => ({
      ...p,
      ...(this.topics.partition(p.topic, p.partition)
        ? { errorCode: ErrorCode.ELECTION_NOT_NEEDED, message: 'a single broker leads every partition' }
        : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: 'unknown topic or partition' }),
    }));
  }

  async createAcls(_bindings: AclBinding[]): Promise<void> {
    throw new ControllerError(ErrorCode.SECURITY_DISABLED, 'no authorizer is configured on the reference broker');
  }

  async deleteAcls(_filters: AclBinding[]): Promise<AclBinding[][]> {
    throw new ControllerError(ErrorCode.SECURITY_DISABLED, 'no authorizer is configured on the reference broker');
  }
}
