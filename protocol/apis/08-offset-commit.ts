// OffsetCommit (key 8), versions 2-9 (flexible from 8: compact strings/arrays, tagged fields).
//
// Request v2-4 => group_id generation_id member_id retention_time_ms [topics]
//   topics => name [partitions]
//     partitions => partition_index committed_offset committed_metadata
// v5 drops retention_time_ms. v6 adds committed_leader_epoch (int32) after committed_offset.
// v7 adds group_instance_id (nullable string) after member_id.
//   group_id STRING, generation_id INT32 (-1 = standalone commit), member_id STRING,
//   retention_time_ms INT64 (-1 = broker default), committed_offset INT64,
//   committed_metadata NULLABLE_STRING, committed_leader_epoch INT32
// v9 (KIP-848) has v8's layout; generation_id carries the member epoch of a consumer-protocol
//   member, and the broker answers STALE_MEMBER_EPOCH / UNKNOWN_MEMBER_ID instead of
//   ILLEGAL_GENERATION.
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
  maxVersion: 9,
  flexibleFrom: 8,

  decodeRequest(r: ProtocolReader, version: number): OffsetCommitRequest {
    const flex = version >= 8;
    const groupId = r.str(flex);
    const generationId = r.int32();
    const memberId = r.str(flex);
    const groupInstanceId = version >= 7 ? r.nullableStr(flex) : null;
    const retentionTimeMs = version <= 4 ? r.int64() : -1;
    const topics = r.arr(flex, (t) => {
      const name = t.str(flex);
      const partitions = t.arr(flex, (p) => {
        const partitionIndex = p.int32();
        const committedOffset = p.int64();
        const committedLeaderEpoch = version >= 6 ? p.int32() : -1;
        const committedMetadata = p.nullableStr(flex);
        p.tags(flex);
        return { partitionIndex, committedOffset, committedLeaderEpoch, committedMetadata };
      });
      t.tags(flex);
      return { name, partitions };
    });
    r.tags(flex);
    return { groupId, generationId, memberId, groupInstanceId, retentionTimeMs, topics };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: OffsetCommitResponse): void {
    const flex = version >= 8;
    if (version >= 3) w.int32(res.throttleTimeMs);
    w.arr(flex, res.topics, (tw, t) => {
      tw.str(flex, t.name);
      tw.arr(flex, t.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode).tags(flex));
      tw.tags(flex);
    });
    w.tags(flex);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: OffsetCommitRequest): void {
    const flex = version >= 8;
    w.str(flex, req.groupId).int32(req.generationId).str(flex, req.memberId);
    if (version >= 7) w.nullableStr(flex, req.groupInstanceId);
    if (version <= 4) w.int64(req.retentionTimeMs);
    w.arr(flex, req.topics, (tw, t) => {
      tw.str(flex, t.name);
      tw.arr(flex, t.partitions, (pw, p) => {
        pw.int32(p.partitionIndex).int64(p.committedOffset);
        if (version >= 6) pw.int32(p.committedLeaderEpoch);
        pw.nullableStr(flex, p.committedMetadata).tags(flex);
      });
      tw.tags(flex);
    });
    w.tags(flex);
  },

  decodeResponse(r: ProtocolReader, version: number): OffsetCommitResponse {
    const flex = version >= 8;
    const throttleTimeMs = version >= 3 ? r.int32() : 0;
    const topics = r.arr(flex, (t) => {
      const name = t.str(flex);
      const partitions = t.arr(flex, (p) => {
        const x = { partitionIndex: p.int32(), errorCode: p.int16() };
        p.tags(flex);
        return x;
      });
      t.tags(flex);
      return { name, partitions };
    });
    r.tags(flex);
    return { throttleTimeMs, topics };
  },
};
