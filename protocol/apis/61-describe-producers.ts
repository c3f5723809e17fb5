// DescribeProducers (key 61), version 0 (flexible from 0), KIP-664: the producer state a partition
// leader keeps per producer id (epoch, last sequence and timestamp, the coordinator epoch of its
// last marker, the first offset of its open transaction or -1), which is how a transaction that
// holds a partition's last stable offset is found.
//
// Request => [topics] TAG_BUFFER
//   topics => name COMPACT_STRING [partition_indexes INT32] TAG_BUFFER
// Response => throttle_time_ms INT32 [topics] TAG_BUFFER
//   topics => name COMPACT_STRING [partitions] TAG_BUFFER
//   partitions => partition_index INT32 error_code INT16 error_message COMPACT_NULLABLE_STRING
//                 [active_producers] TAG_BUFFER
//   active_producers => producer_id INT64 producer_epoch INT32 last_sequence INT32 last_timestamp INT64
//                       coordinator_epoch INT32 current_txn_start_offset INT64 TAG_BUFFER
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface DescribeProducersRequest {
  topics: { name: string; partitionIndexes: number[] }[];
}
export interface ProducerStateEntry {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  /** Coordinator epoch of the producer's last marker on the partition (-1 before any). */
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction on the partition, -1 when none. */
  currentTxnStartOffset: number;
}
export interface DescribeProducersPartition {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
  activeProducers: ProducerStateEntry[];
}
export interface DescribeProducersResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: DescribeProducersPartition[] }[];
}

function readProducer(r: ProtocolReader): ProducerStateEntry {
  const producerId = r.int64();
  const producerEpoch = r.int32();
  const lastSequence = r.int32();
  const lastTimestamp = r.int64();
  const coordinatorEpoch = r.int32();
  const currentTxnStartOffset = r.int64();
  r.taggedFields();
  return { producerId, producerEpoch, lastSequence, lastTimestamp, coordinatorEpoch, currentTxnStartOffset };
}

export const describeProducersCodec: ApiCodec<DescribeProducersRequest, DescribeProducersResponse> = {
  apiKey: 61,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  flexibleFrom: 0,

  decodeRequest(r: ProtocolReader): DescribeProducersRequest {
    const topics = r.compactArray((t) => {
      const topic = { name: t.compactString(), partitionIndexes: t.compactArray((p) => p.int32()) };
      t.taggedFields();
      return topic;
    });
    r.taggedFields();
    return { topics };
  },

  encodeResponse(w: ProtocolWriter, _v: number, res: DescribeProducersResponse): void {
    w.int32(res.throttleTimeMs);
    w.compactArray(res.topics, (tw, t) => {
      tw.compactString(t.name);
      tw.compactArray(t.partitions, (pw, p) => {
        pw.int32(p.partitionIndex).int16(p.errorCode).compactNullableString(p.errorMessage);
        pw.compactArray(p.activeProducers, (xw, s) =>
          xw
            .int64(s.producerId)
            .int32(s.producerEpoch)
            .int32(s.lastSequence)
            .int64(s.lastTimestamp)
            .int32(s.coordinatorEpoch)
            .int64(s.currentTxnStartOffset)
            .taggedFields(),
        );
        pw.taggedFields();
      });
      tw.taggedFields();
    });
    w.taggedFields();
  },

  encodeRequest(w: ProtocolWriter, _v: number, req: DescribeProducersRequest): void {
    w.compactArray(req.topics, (tw, t) =>
      tw
        .compactString(t.name)
        .compactArray(t.partitionIndexes, (pw, p) => pw.int32(p))
        .taggedFields(),
    );
    w.taggedFields();
  },

  decodeResponse(r: ProtocolReader): DescribeProducersResponse {
    const throttleTimeMs = r.int32();
    const topics = r.compactArray((t) => {
      const name = t.compactString();
      const partitions = t.compactArray((p) => {
        const partitionIndex = p.int32();
        const errorCode = p.int16();
        const errorMessage = p.compactNullableString();
        const activeProducers = p.compactArray(readProducer);
        p.taggedFields();
        return { partitionIndex, errorCode, errorMessage, activeProducers };
      });
      t.taggedFields();
      return { name, partitions };
    });
    r.taggedFields();
    return { throttleTimeMs, topics };
  },
};
