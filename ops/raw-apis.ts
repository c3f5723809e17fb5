// Requests kafkajs lacks (DescribeLogDirs, ElectLeaders), sent over the exporter's kafkajs
// connections with the exporter's raw transport and the project's protocol/ codecs. The
// ClusterClient keeps its per-broker lookup private, so this asks the exporter's kafkajs-internals
// for a Cluster on the same Kafka instance (same TLS/SASL settings). See exporter/REQUESTS.md:
// once ClusterClient has a public raw-request method, this module uses it instead.
import type { ClusterClient } from '../exporter/client/cluster-client.js';
import { createInternalCluster, type KjsCluster } from '../exporter/client/kafkajs-internals.js';
import { sendRaw, type KjsConnectionPool } from '../exporter/client/raw-transport.js';
import type { ApiCodec } from '../protocol/api.js';
import { isFlexible } from '../protocol/api.js';
import { describeLogDirsCodec, type DescribeLogDirsResponse } from '../protocol/apis/35-describe-log-dirs.js';
import { electLeadersCodec, ElectionType, type ElectLeadersResponse } from '../protocol/apis/43-elect-leaders.js';
import { offsetCommitCodec } from '../protocol/apis/08-offset-commit.js';
import { findCoordinatorCodec } from '../protocol/apis/10-find-coordinator.js';
import { errorName } from '../protocol/error-codes.js';
import { ProtocolReader } from '../protocol/primitives/reader.js';
import { ProtocolWriter } from '../protocol/primitives/writer.js';
import { RuntimeFailure } from '../common/exit-codes.js';

interface PooledBroker {
  connectionPool: KjsConnectionPool;
  versions?: Record<string, { minVersion: number; maxVersion: number }>;
}

export class RawApis {
  private cluster?: KjsCluster;
  constructor(private readonly client: ClusterClient) {}

  private async brokerOf(nodeId: number): Promise<PooledBroker> {
    if (!this.cluster) {
      this.cluster = createInternalCluster(this.client.kafka);
      await this.cluster.connect();
      await this.cluster.refreshMetadata();
    }
    return (await this.cluster.findBroker({ nodeId })) as unknown as PooledBroker;
  }

  /** Highest version both sides speak; a clear error when the broker lacks the API. */
  async request<Req, Res>(nodeId: number, codec: ApiCodec<Req, Res>, req: Req): Promise<Res> {
    const broker = await this.brokerOf(nodeId);
    const range = broker.versions?.[codec.apiKey];
    if (!range) throw new RuntimeFailure(`broker ${nodeId} does not support ${codec.name} (API key ${codec.apiKey})`);
    const version = Math.min(range.maxVersion, codec.maxVersion);
    if (version < Math.max(range.minVersion, codec.minVersion)) throw new RuntimeFailure(`broker ${nodeId}: no common ${codec.name} version`);
    const w = new ProtocolWriter(256);
    codec.encodeRequest!(w, version, req);
    const body = await sendRaw(broker.connectionPool, { apiKey: codec.apiKey, name: codec.name }, version, isFlexible(codec, version), w.toBuffer());
    return codec.decodeResponse!(new ProtocolReader(body), version);
  }

  describeLogDirs(nodeId: number): Promise<DescribeLogDirsResponse> {
    return this.request(nodeId, describeLogDirsCodec, { topics: null });
  }

  /** Preferred-leader election (sent to the controller); null partitions = every partition. */
  electPreferredLeaders(controllerId: number, partitions: { topic: string; partitions: number[] }[] | null, timeoutMs: number): Promise<ElectLeadersResponse> {
    return this.request(controllerId, electLeadersCodec, { electionType: ElectionType.preferred, topicPartitions: partitions, timeoutMs });
  }

  /**
   * A standalone commit (generation -1, no member id), as Kafka's AdminClient
   * alterConsumerGroupOffsets sends it: the coordinator accepts it only while the group has no
   * members. Returns the error name per partition (NONE on success).
   */
  async commitOffsets(anyBroker: number, groupId: string, topic: string, offsets: readonly { partition: number; offset: number }[]): Promise<Map<number, string>> {
    const fc = await this.request(anyBroker, findCoordinatorCodec, { key: groupId, keyType: 0 });
    if (fc.errorCode !== 0) throw new RuntimeFailure(`FindCoordinator for group ${groupId}: ${errorName(fc.errorCode)}`);
    const res = await this.request(fc.nodeId, offsetCommitCodec, {
      groupId,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: topic, partitions: offsets.map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: '' })) }],
    });
    const out = new Map<number, string>();
    for (const t of res.topics) for (const p of t.partitions) out.set(p.partitionIndex, errorName(p.errorCode));
    return out;
  }

  async close(): Promise<void> {
    await this.cluster?.disconnect().catch(() => undefined);
  }
}
