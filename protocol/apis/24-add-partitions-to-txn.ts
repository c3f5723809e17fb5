// AddPartitionsToTxn (key 24), versions 0-2 (non-flexible; flexible from 3, batched form from 4).
// v1 = v0 (throttling answered before the delay); v2 = v1, the broker may answer PRODUCER_FENCED.
//
// Request => transactional_id STRING producer_id INT64 producer_epoch INT16 [topics]
//   topics => name STRING [partitions INT32]
// Response => throttle_time_ms INT32 [results]
//   results => name STRING [results]   results => partition_index INT32 partition_error_code INT16
// kafkajs 2.2.4 sends v0-1, librdkafka 2.0-2.15 v0. Versions 3 (flexible), 4 (several transactions
// per request, verify_only: KIP-890 verification between brokers) and 5 are not implemented.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface AddPartitionsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  topics: { name: string; partitions: number[] }[];
}
export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number;
  results: { name: string; results: { partitionIndex: number; errorCode: number }[] }[];
}

export const addPartitionsToTxnCodec: ApiCodec<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> = {
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader): AddPartitionsToTxnRequest {
    return {
      transactionalId: r.string(),
      producerId: r.int64(),
      producerEpoch: r.int16(),
      topics: r.array((t) => ({ name: t.string(), partitions: t.array((p) => p.int32()) })),
    };
  },

  encodeResponse(w: ProtocolWriter, _version: number, res: AddPartitionsToTxnResponse): void {
    w.int32(res.throttleTimeMs);
    w.array(res.results, (tw, t) =>
      tw.string(t.name).array(t.results, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode)),
    );
  },

  encodeRequest(w: ProtocolWriter, _version: number, req: AddPartitionsToTxnRequest): void {
    w.string(req.transactionalId).int64(req.producerId).int16(req.producerEpoch);
    w.array(req.topics, (tw, t) => tw.string(t.name).array(t.partitions, (pw, p) => pw.int32(p)));
  },

  decodeResponse(r: ProtocolReader): AddPartitionsToTxnResponse {
    return {
      throttleTimeMs: r.int32(),
      results: r.array((t) => ({
        name: t.string(),
        results: t.array((p) => ({ partitionIndex: p.int32(), errorCode: p.int16() })),
      })),
    };
  },
};
