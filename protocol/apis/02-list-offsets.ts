// ListOffsets (key 2), versions 0-3 (non-flexible; flexible starts at 6).
//
// Request => replica_id INT32 (v2+ isolation_level INT8) [topics]
//   topics => name STRING [partitions]
//   partitions => partition_index INT32 timestamp INT64 (v0 only: max_num_offsets INT32)
//   timestamp -1 = latest, -2 = earliest, otherwise the first offset whose timestamp >= it.
// Response => (v2+ throttle_time_ms INT32) [topics]
//   topics => name STRING [partitions]
//   partitions => partition_index INT32 error_code INT16
//     v0: [old_style_offsets INT64]; v1+: timestamp INT64 offset INT64
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

export interface ListOffsetsPartition {
  partitionIndex: number;
  timestamp: number;
  maxNumOffsets: number;
}
export interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: { name: string; partitions: ListOffsetsPartition[] }[];
}
export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  /** v0 only. */
  oldStyleOffsets: number[];
  timestamp: number;
  offset: number;
}
export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: ListOffsetsPartitionResponse[] }[];
}

export const listOffsetsCodec: ApiCodec<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): ListOffsetsRequest {
    const replicaId = r.int32();
    const isolationLevel = version >= 2 ? r.int8() : 0;
    const topics = r.array((x) => ({
      name: x.string(),
      partitions: x.array((y) => ({
        partitionIndex: y.int32(),
        timestamp: y.int64(),
        maxNumOffsets: version === 0 ? y.int32() : 1,
      })),
    }));
    return { replicaId, isolationLevel, topics };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: ListOffsetsResponse): void {
    if (version >= 2) w.int32(res.throttleTimeMs);
    w.array(res.topics, (w2, t) => {
      w2.string(t.name);
      w2.array(t.partitions, (w3, p) => {
        w3.int32(p.partitionIndex).int16(p.errorCode);
        if (version === 0) w3.array(p.oldStyleOffsets, (w4, o) => w4.int64(o));
        else w3.int64(p.timestamp).int64(p.offset);
      });
    });
  },

  encodeRequest(w: ProtocolWriter, version: number, req: ListOffsetsRequest): void {
    w.int32(req.replicaId);
    if (version >= 2) w.int8(req.isolationLevel);
    w.array(req.topics, (w2, t) => {
      w2.string(t.name);
      w2.array(t.partitions, (w3, p) => {
        w3.int32(p.partitionIndex).int64(p.timestamp);
        if (version === 0) w3.int32(p.maxNumOffsets);
      });
    });
  },

  decodeResponse(r: ProtocolReader, version: number): ListOffsetsResponse {
    const throttleTimeMs = version >= 2 ? r.int32() : 0;
    const topics = r.array((x) => ({
      name: x.string(),
      partitions: x.array((y) => {
        const partitionIndex = y.int32();
        const errorCode = y.int16();
        if (version === 0) {
          const oldStyleOffsets = y.array((z) => z.int64());
          return { partitionIndex, errorCode, oldStyleOffsets, timestamp: -1, offset: oldStyleOffsets[0] ?? -1 };
        }
        return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp: y.int64(), offset: y.int64() };
      }),
    }));
    return { throttleTimeMs, topics };
  },
};
