// OffsetFetch (key 9), versions 1-5 (non-flexible; flexible starts at 6).
//
// Request => group_id [topics]
//   topics => name [partition_indexes INT32]
// v2+: topics is nullable; null asks for every partition the group has committed.
//
// Response v1-2 => [topics] (v2 adds a top-level error_code at the end)
// v3+ => throttle_time_ms [topics] error_code
//   topics => name [partitions]
//     partitions => partition_index committed_offset [committed_leader_epoch v5+] metadata error_code
//   committed_offset INT64 (-1 = nothing committed, with error_code 0), metadata NULLABLE_STRING
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface OffsetFetchRequest {
  groupId: string;
  /** null (v2+) means all committed partitions. */
  topics: { name: string; partitionIndexes: number[] }[] | null;
}
export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}
export interface OffsetFetchResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: OffsetFetchResponsePartition[] }[];
  errorCode: number;
}

export const offsetFetchCodec: ApiCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 5,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): OffsetFetchRequest {
    const groupId = r.string();
    const readTopic = (t: ProtocolReader) => ({ name: t.string(), partitionIndexes: t.array((p) => p.int32()) });
    const topics = version >= 2 ? r.nullableArray(readTopic) : r.array(readTopic);
    return { groupId, topics };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: OffsetFetchResponse): void {
    if (version >= 3) w.int32(res.throttleTimeMs);
    w.array(res.topics, (tw, t) => {
      tw.string(t.name);
      tw.array(t.partitions, (pw, p) => {
        pw.int32(p.partitionIndex).int64(p.committedOffset);
        if (version >= 5) pw.int32(p.committedLeaderEpoch);
        pw.nullableString(p.metadata).int16(p.errorCode);
      });
    });
    if (version >= 2) w.int16(res.errorCode);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: OffsetFetchRequest): void {
    w.string(req.groupId);
    const topics = version >= 2 ? req.topics : (req.topics ?? []);
    w.nullableArray(topics, (tw, t) => {
      tw.string(t.name);
      tw.array(t.partitionIndexes, (pw, p) => pw.int32(p));
    });
  },

  decodeResponse(r: ProtocolReader, version: number): OffsetFetchResponse {
    const throttleTimeMs = version >= 3 ? r.int32() : 0;
    const topics = r.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => {
        const partitionIndex = p.int32();
        const committedOffset = p.int64();
        const committedLeaderEpoch = version >= 5 ? p.int32() : -1;
        return {
          partitionIndex,
          committedOffset,
          committedLeaderEpoch,
          metadata: p.nullableString(),
          errorCode: p.int16(),
        };
      }),
    }));
    const errorCode = version >= 2 ? r.int16() : 0;
    return { throttleTimeMs, topics, errorCode };
  },
};
