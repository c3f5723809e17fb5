// TxnOffsetCommit (key 28), versions 0-2 (non-flexible; flexible from 3). v1 = v0; v2 adds
// committed_leader_epoch per partition.
//
// Request => transactional_id STRING group_id STRING producer_id INT64 producer_epoch INT16 [topics]
//   topics => name STRING [partitions]
//   partitions => partition_index INT32 committed_offset INT64 (v2+ committed_leader_epoch INT32)
//                 committed_metadata NULLABLE_STRING
// Response => throttle_time_ms INT32 [topics]
//   topics => name STRING [partitions]   partitions => partition_index INT32 error_code INT16
// kafkajs 2.2.4 sends v0-1, librdkafka 2.0-2.15 up to v3. Version 3 (flexible; generation id,
// member id and group instance id, checked against the group) is not implemented.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface TxnOffsetCommitPartition {
  partitionIndex: number;
  committedOffset: number;
  /** -1 before v2. */
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}
export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: number;
  producerEpoch: number;
  topics: { name: string; partitions: TxnOffsetCommitPartition[] }[];
}
export interface TxnOffsetCommitResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export const txnOffsetCommitCodec: ApiCodec<TxnOffsetCommitRequest, TxnOffsetCommitResponse> = {
  apiKey: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): TxnOffsetCommitRequest {
    return {
      transactionalId: r.string(),
      groupId: r.string(),
      producerId: r.int64(),
      producerEpoch: r.int16(),
      topics: r.array((t) => ({
        name: t.string(),
        partitions: t.array((p) => ({
          partitionIndex: p.int32(),
          committedOffset: p.int64(),
          committedLeaderEpoch: version >= 2 ? p.int32() : -1,
          committedMetadata: p.nullableString(),
        })),
      })),
    };
  },

  encodeResponse(w: ProtocolWriter, _version: number, res: TxnOffsetCommitResponse): void {
    w.int32(res.throttleTimeMs);
    w.array(res.topics, (tw, t) =>
      tw.string(t.name).array(t.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode)),
    );
  },

  encodeRequest(w: ProtocolWriter, version: number, req: TxnOffsetCommitRequest): void {
    w.string(req.transactionalId).string(req.groupId).int64(req.producerId).int16(req.producerEpoch);
    w.array(req.topics, (tw, t) =>
      tw.string(t.name).array(t.partitions, (pw, p) => {
        pw.int32(p.partitionIndex).int64(p.committedOffset);
        if (version >= 2) pw.int32(p.committedLeaderEpoch);
        pw.nullableString(p.committedMetadata);
      }),
    );
  },

  decodeResponse(r: ProtocolReader): TxnOffsetCommitResponse {
    return {
      throttleTimeMs: r.int32(),
      topics: r.array((t) => ({
        name: t.string(),
        partitions: t.array((p) => ({ partitionIndex: p.int32(), errorCode: p.int16() })),
      })),
    };
  },
};
