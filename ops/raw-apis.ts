// Requests kafkajs lacks (DescribeLogDirs, ElectLeaders, standalone OffsetCommit, raw Fetch),
// sent through kafka-client's ClusterClient (`request`: its kafkajs connections, the raw
// transport and the project's protocol/ codecs, version negotiated per broker), so ops/ has no
// connection layer of its own. A broker without the API gives a clear RuntimeFailure.
import { UnsupportedApiError, type ClusterClient } from '../kafka-client/index.js';
import {
  type ApiCodec,
  describeLogDirsCodec,
  type DescribeLogDirsResponse,
  electLeadersCodec,
  ElectionType,
  type ElectLeadersResponse,
  offsetCommitCodec,
  findCoordinatorCodec,
  errorName,
} from '../protocol/index.js';
import { RuntimeFailure } from '../common/index.js';

export class RawApis {
  constructor(private readonly client: ClusterClient) {}

  /** Highest version both sides speak; a clear error when the broker lacks the API. */
  async request<Req, Res>(nodeId: number, codec: ApiCodec<Req, Res>, req: Req): Promise<Res> {
    try {
      return await this.client.request(nodeId, codec, req);
    } catch (e) {
      if (e instanceof UnsupportedApiError)
        throw new RuntimeFailure(`broker ${nodeId} does not support ${codec.name} (API key ${codec.apiKey})`);
      throw e;
    }
  }

  describeLogDirs(nodeId: number): Promise<DescribeLogDirsResponse> {
    return this.request(nodeId, describeLogDirsCodec, { topics: null });
  }

  /** Preferred-leader election (sent to the controller); null partitions = every partition. */
  electPreferredLeaders(
    controllerId: number,
    partitions: { topic: string; partitions: number[] }[] | null,
    timeoutMs: number,
  ): Promise<ElectLeadersResponse> {
    return this.request(controllerId, electLeadersCodec, {
      electionType: ElectionType.preferred,
      topicPartitions: partitions,
      timeoutMs,
    });
  }

  /**
   * A standalone commit (generation -1, no member id), as Kafka's AdminClient
   * alterConsumerGroupOffsets sends it: the coordinator accepts it only while the group has no
   * members. Returns the error name per partition (NONE on success).
   */
  async commitOffsets(
    anyBroker: number,
    groupId: string,
    topic: string,
    offsets: readonly { partition: number; offset: number }[],
  ): Promise<Map<number, string>> {
    const fc = await this.request(anyBroker, findCoordinatorCodec, { key: groupId, keyType: 0 });
    if (fc.errorCode !== 0)
      throw new RuntimeFailure(`FindCoordinator for group ${groupId}: ${errorName(fc.errorCode)}`);
    const res = await this.request(fc.nodeId, offsetCommitCodec, {
      groupId,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        {
          name: topic,
          partitions: offsets.map((o) => ({
            partitionIndex: o.partition,
            committedOffset: o.offset,
            committedLeaderEpoch: -1,
            committedMetadata: '',
          })),
        },
      ],
    });
    const out = new Map<number, string>();
    for (const t of res.topics) for (const p of t.partitions) out.set(p.partitionIndex, errorName(p.errorCode));
    return out;
  }

  /** Connections belong to the ClusterClient; nothing of its own to release. */
  async close(): Promise<void> {}
}
