// AddOffsetsToTxn (key 25), versions 0-2 (non-flexible; flexible from 3). v1 = v0; v2 = v1, the
// broker may answer PRODUCER_FENCED.
//
// Request => transactional_id STRING producer_id INT64 producer_epoch INT16 group_id STRING
// Response => throttle_time_ms INT32 error_code INT16
// kafkajs 2.2.4 sends v0-1, librdkafka 2.0-2.15 v0.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface AddOffsetsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  groupId: string;
}
export interface AddOffsetsToTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const addOffsetsToTxnCodec: ApiCodec<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse> = {
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader): AddOffsetsToTxnRequest {
    return { transactionalId: r.string(), producerId: r.int64(), producerEpoch: r.int16(), groupId: r.string() };
  },
  encodeResponse(w: ProtocolWriter, _version: number, res: AddOffsetsToTxnResponse): void {
    w.int32(res.throttleTimeMs).int16(res.errorCode);
  },
  encodeRequest(w: ProtocolWriter, _version: number, req: AddOffsetsToTxnRequest): void {
    w.string(req.transactionalId).int64(req.producerId).int16(req.producerEpoch).string(req.groupId);
  },
  decodeResponse(r: ProtocolReader): AddOffsetsToTxnResponse {
    return { throttleTimeMs: r.int32(), errorCode: r.int16() };
  },
};
