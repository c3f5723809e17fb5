// OffsetForLeaderEpoch (key 23), versions 0-3 (non-flexible; flexible starts at 4).
// Followers ask the leader where an epoch of theirs ends, and truncate a divergent tail to it
// (KIP-101, KIP-279); consumers use it to validate positions after a leader change (KIP-320).
//
// Request => (v3+ replica_id INT32) [topics]
//   topics => topic STRING [partitions]
//   partitions => partition INT32 (v2+ current_leader_epoch INT32) leader_epoch INT32
// Response => (v2+ throttle_time_ms INT32) [topics]
//   topics => topic STRING [partitions]
//   partitions => error_code INT16 partition INT32 (v1+ leader_epoch INT32) end_offset INT64
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface OffsetForLeaderEpochRequest {
  /** -1 for consumers (v0-2 carry none: read as -2, "unknown"). */
  replicaId: number;
  topics: { topic: string; partitions: { partition: number; currentLeaderEpoch: number; leaderEpoch: number }[] }[];
}
export interface EpochEndOffset {
  errorCode: number;
  partition: number;
  leaderEpoch: number;
  endOffset: number;
}
export interface OffsetForLeaderEpochResponse {
  throttleTimeMs: number;
  topics: { topic: string; partitions: EpochEndOffset[] }[];
}

export const offsetForLeaderEpochCodec: ApiCodec<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> = {
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 4,

  decodeRequest(r: ProtocolReader, version: number): OffsetForLeaderEpochRequest {
    const replicaId = version >= 3 ? r.int32() : -2;
    const topics = r.array((t) => ({
      topic: t.string(),
      partitions: t.array((p) => ({
        partition: p.int32(),
        currentLeaderEpoch: version >= 2 ? p.int32() : -1,
        leaderEpoch: p.int32(),
      })),
    }));
    return { replicaId, topics };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: OffsetForLeaderEpochResponse): void {
    if (version >= 2) w.int32(res.throttleTimeMs);
    w.array(res.topics, (tw, t) => {
      tw.string(t.topic);
      tw.array(t.partitions, (pw, p) => {
        pw.int16(p.errorCode).int32(p.partition);
        if (version >= 1) pw.int32(p.leaderEpoch);
        pw.int64(p.endOffset);
      });
    });
  },

  encodeRequest(w: ProtocolWriter, version: number, req: OffsetForLeaderEpochRequest): void {
    if (version >= 3) w.int32(req.replicaId);
    w.array(req.topics, (tw, t) => {
      tw.string(t.topic);
      tw.array(t.partitions, (pw, p) => {
        pw.int32(p.partition);
        if (version >= 2) pw.int32(p.currentLeaderEpoch);
        pw.int32(p.leaderEpoch);
      });
    });
  },

  decodeResponse(r: ProtocolReader, version: number): OffsetForLeaderEpochResponse {
    const throttleTimeMs = version >= 2 ? r.int32() : 0;
    const topics = r.array((t) => ({
      topic: t.string(),
      partitions: t.array((p) => {
        const errorCode = p.int16();
        const partition = p.int32();
        const leaderEpoch = version >= 1 ? p.int32() : -1;
        return { errorCode, partition, leaderEpoch, endOffset: p.int64() };
      }),
    }));
    return { throttleTimeMs, topics };
  },
};
