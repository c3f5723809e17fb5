// OffsetCommit (key 8), versions 2-7 (non-flexible; flexible starts at 8).
//
// Request v2-4 => group_id generation_id member_id retention_time_ms [topics]
//   topics => name [partitions]
//     partitions => partition_index committed_offset committed_metadata
// v5 drops retention_time_ms. v6 adds committed_leader_epoch (int32) after committed_offset.
// v7 adds group_instance_id (nullable string) after member_id.
//   group_id STRING, generation_id INT32 (-1 = standalone commit), member_id STRING,
//   retention_time_ms INT64 (-1 = broker default), committed_offset INT64,
//   committed_metadata NULLABLE_STRING, committed_leader_epoch INT32
//
// Response v2 => [topics]; v3+ => throttle_time_ms [topics]
//   topics => name [partitions]
//     partitions => partition_index error_code
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}
export interface OffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestPartition[];
}
export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  retentionTimeMs: number;
  topics: OffsetCommitRequestTopic[];
}
export interface OffsetCommitResponseTopic {
  name: string;
  partitions: { partitionIndex: number; errorCode: number }[];
}
export interface OffsetCommitResponse {
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}

export const offsetCommitCodec: ApiCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 7,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): OffsetCommitRequest {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const groupInstanceId = version >= 7 ? r.nullableString() : null;
    const retentionTimeMs = version <= 4 ? r.int64() : -1;
    const topics = r.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => {
        const partitionIndex = p.int32();
        const committedOffset = p.int64();
        const committedLeaderEpoch = version >= 6 ? p.int32() : -1;
        return { partitionIndex, committedOffset, committedLeaderEpoch, committedMetadata: p.nullableString() };
      }),
    }));
    return { groupId, generationId, memberId, groupInstanceId, retentionTimeMs, topics };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: OffsetCommitResponse): void {
    if (version >= 3) w.int32(res.throttleTimeMs);
    w.array(res.topics, (tw, t) => {
      tw.string(t.name);
      tw.array(t.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode));
    });
  },

  encodeRequest(w: ProtocolWriter, version: number, req: OffsetCommitRequest): void {
    w.string(req.groupId).int32(req.generationId).string(req.memberId);
    if (version >= 7) w.nullableString(req.groupInstanceId);
    if (version <= 4) w.int64(req.retentionTimeMs);
    w.array(req.topics, (tw, t) => {
      tw.string(t.name);
      tw.array(t.partitions, (pw, p) => {
        pw.int32(p.partitionIndex).int64(p.committedOffset);
        if (version >= 6) pw.int32(p.committedLeaderEpoch);
        pw.nullableString(p.committedMetadata);
      });
    });
  },

  decodeResponse(r: ProtocolReader, version: number): OffsetCommitResponse {
    const throttleTimeMs = version >= 3 ? r.int32() : 0;
    const topics = r.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => ({ partitionIndex: p.int32(), errorCode: p.int16() })),
    }));
    return { throttleTimeMs, topics };
  },
};
