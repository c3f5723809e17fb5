// `offsets dump`: read __consumer_offsets from the log start to the high watermark and decode
// every record in Kafka's formats (protocol/consumer-offsets/), like the console consumer's
// OffsetsMessageFormatter / GroupMetadataMessageFormatter. Fetch is sent with the protocol/
// codec over kafka-client's connections; batches are decoded by protocol/record-batch/.
import { RequestErrors, type ClusterClient } from '../kafka-client/index.js';
import { decodeAssignmentSafe } from './assignment.js';
import {
  fetchCodec,
  CONSUMER_OFFSETS_TOPIC,
  decodeGroupMetadataValue,
  decodeKey,
  decodeOffsetCommitValue,
} from '../protocol/index.js';
import { batchSizeAt, decodeBatches } from '../protocol/record-batch/index.js';
import { RuntimeFailure } from '../common/index.js';
import { RawApis } from './raw-apis.js';

export type OffsetsEntry =
  | {
      partition: number;
      offset: number;
      timestamp: number;
      kind: 'offset';
      group: string;
      topic: string;
      topicPartition: number;
      value: {
        offset: number;
        leaderEpoch: number;
        metadata: string;
        commitTimestamp: number;
        expireTimestamp: number;
      } | null;
    }
  | {
      partition: number;
      offset: number;
      timestamp: number;
      kind: 'group';
      group: string;
      value: {
        protocolType: string;
        generation: number;
        protocol: string | null;
        leader: string | null;
        members: {
          memberId: string;
          clientId: string;
          clientHost: string;
          sessionTimeoutMs: number;
          assignment: { topic: string; partitions: number[] }[];
        }[];
      } | null;
    }
  | { partition: number; offset: number; timestamp: number; kind: 'undecodable'; error: string };

const fetchRequest = (partition: number, fetchOffset: number) => ({
  replicaId: -1,
  maxWaitMs: 0,
  minBytes: 0,
  maxBytes: 8 * 1024 * 1024,
  isolationLevel: 0,
  sessionId: 0,
  sessionEpoch: -1,
  topics: [
    {
      topic: CONSUMER_OFFSETS_TOPIC,
      partitions: [
        { partition, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1, partitionMaxBytes: 4 * 1024 * 1024 },
      ],
    },
  ],
  forgottenTopics: [],
  rackId: '',
});

/** One decoded record of __consumer_offsets (tombstones have a null value). */
export function decodeOffsetsRecord(
  partition: number,
  offset: number,
  timestamp: number,
  key: Buffer | null,
  value: Buffer | null,
): OffsetsEntry {
  try {
    if (!key) throw new Error('record without a key');
    const k = decodeKey(key);
    if (k.kind === 'offset') {
      const v = value ? decodeOffsetCommitValue(value) : null;
      return {
        partition,
        offset,
        timestamp,
        kind: 'offset',
        group: k.group,
        topic: k.topic,
        topicPartition: k.partition,
        value: v && {
          offset: v.offset,
          leaderEpoch: v.leaderEpoch,
          metadata: v.metadata,
          commitTimestamp: v.commitTimestamp,
          expireTimestamp: v.expireTimestamp,
        },
      };
    }
    const g = value ? decodeGroupMetadataValue(value) : null;
    return {
      partition,
      offset,
      timestamp,
      kind: 'group',
      group: k.group,
      value: g && {
        protocolType: g.protocolType,
        generation: g.generation,
        protocol: g.protocol,
        leader: g.leader,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          sessionTimeoutMs: m.sessionTimeoutMs,
          assignment: g.protocolType === 'consumer' ? decodeAssignmentSafe(m.assignment) : [],
        })),
      },
    };
  } catch (e) {
    return { partition, offset, timestamp, kind: 'undecodable', error: (e as Error).message };
  }
}

/** OffsetsMessageFormatter-style line. */
export function formatOffsetsEntry(e: OffsetsEntry): string {
  if (e.kind === 'undecodable') return `partition ${e.partition} offset ${e.offset}: cannot decode: ${e.error}`;
  if (e.kind === 'offset')
    return `[${e.group},${e.topic},${e.topicPartition}]::${e.value ? `OffsetAndMetadata(offset=${e.value.offset}, leaderEpoch=${e.value.leaderEpoch < 0 ? 'Optional.empty' : `Optional[${e.value.leaderEpoch}]`}, metadata=${e.value.metadata}, commitTimestamp=${e.value.commitTimestamp}, expireTimestamp=${e.value.expireTimestamp < 0 ? 'None' : e.value.expireTimestamp})` : 'NULL'}`;
  if (!e.value) return `${e.group}::NULL`;
  const members = e.value.members.map(
    (m) =>
      `${m.memberId}(clientId=${m.clientId}, host=${m.clientHost}, session=${m.sessionTimeoutMs}, assignment=${m.assignment.map((a) => `${a.topic}-${a.partitions.join(',')}`).join(' ') || '-'})`,
  );
  return `${e.group}::GroupMetadata(protocolType=${e.value.protocolType}, generation=${e.value.generation}, protocol=${e.value.protocol ?? 'None'}, leader=${e.value.leader ?? 'None'}, members=[${members.join(', ')}])`;
}

export async function dumpOffsets(client: ClusterClient, opts: { group?: string }): Promise<OffsetsEntry[]> {
  const md = await client.metadata({
    topics: (t) => t === CONSUMER_OFFSETS_TOPIC,
    groups: () => true,
    includeInternal: true,
  });
  const topic = md.topics.find((t) => t.name === CONSUMER_OFFSETS_TOPIC);
  if (!topic) return [];
  const errors = new RequestErrors();
  const refs = topic.partitions.map((p) => ({ topic: topic.name, partition: p.partition, leader: p.leader }));
  const bounds = await client.partitionOffsets(refs, errors);
  const raw = new RawApis(client);
  const out: OffsetsEntry[] = [];
  try {
    for (const ref of refs) {
      const b = bounds.get(`${topic.name}\u0000${ref.partition}`);
      if (!b)
        throw new RuntimeFailure(
          `cannot read offsets of ${topic.name}/${ref.partition}: ${errors.messages.join('; ') || 'no leader'}`,
        );
      let next = b.logStartOffset;
      while (next < b.highWatermark) {
        const res = await raw.request(ref.leader, fetchCodec, fetchRequest(ref.partition, next));
        const p = res.topics[0]?.partitions[0];
        if (!p || p.errorCode !== 0)
          throw new RuntimeFailure(`Fetch ${topic.name}/${ref.partition} at ${next}: error code ${p?.errorCode}`);
        const bytes =
          p.records === null ? Buffer.alloc(0) : Array.isArray(p.records) ? Buffer.concat(p.records) : p.records;
        if (bytes.length === 0) break;
        // A fetch may end in a partial batch (cut at the size limit): decode only whole batches.
        let whole = 0;
        for (let size = batchSizeAt(bytes, 0); size > 0; size = batchSizeAt(bytes, whole)) whole += size;
        if (whole === 0)
          throw new RuntimeFailure(
            `Fetch ${topic.name}/${ref.partition} at ${next}: a batch larger than the fetch size`,
          );
        const batches = decodeBatches(bytes.subarray(0, whole));
        for (const batch of batches) {
          next = Math.max(next, batch.header.baseOffset + batch.header.lastOffsetDelta + 1);
          if (batch.control) continue;
          for (const r of batch.records) {
            if (r.offset < b.logStartOffset || r.offset >= b.highWatermark) continue;
            const e = decodeOffsetsRecord(ref.partition, r.offset, r.timestamp, r.key, r.value);
            if (opts.group === undefined || (e.kind !== 'undecodable' && e.group === opts.group)) out.push(e);
          }
        }
      }
    }
  } finally {
    await raw.close();
  }
  return out;
}
