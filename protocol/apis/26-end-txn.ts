// EndTxn (key 26), versions 0-2 (non-flexible; flexible from 3). v1 = v0; v2 = v1, the broker may
// answer PRODUCER_FENCED.
//
// Request => transactional_id STRING producer_id INT64 producer_epoch INT16 committed BOOLEAN
// Response => throttle_time_ms INT32 error_code INT16
// kafkajs 2.2.4 sends v0-1, librdkafka 2.0-2.15 v0-1. Version 5 (KIP-890 transaction version 2:
// the answer carries the bumped producer id and epoch) is not implemented.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface EndTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /** true: commit, false: abort. */
  committed: boolean;
}
export interface EndTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const endTxnCodec: ApiCodec<EndTxnRequest, EndTxnResponse> = {
  apiKey: 26,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader): EndTxnRequest {
    return { transactionalId: r.string(), producerId: r.int64(), producerEpoch: r.int16(), committed: r.bool() };
  },
  encodeResponse(w: ProtocolWriter, _version: number, res: EndTxnResponse): void {
    w.int32(res.throttleTimeMs).int16(res.errorCode);
  },
  encodeRequest(w: ProtocolWriter, _version: number, req: EndTxnRequest): void {
    w.string(req.transactionalId).int64(req.producerId).int16(req.producerEpoch).bool(req.committed);
  },
  decodeResponse(r: ProtocolReader): EndTxnResponse {
    return { throttleTimeMs: r.int32(), errorCode: r.int16() };
  },
};
