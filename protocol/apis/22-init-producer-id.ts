// InitProducerId (key 22), versions 0-1 (non-flexible; flexible starts at 2). v1 = v0.
//
// Request => transactional_id NULLABLE_STRING transaction_timeout_ms INT32
// Response => throttle_time_ms INT32 error_code INT16 producer_id INT64 producer_epoch INT16
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
}
export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export const initProducerIdCodec: ApiCodec<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: Infinity,
  decodeRequest(r: ProtocolReader): InitProducerIdRequest {
    return { transactionalId: r.nullableString(), transactionTimeoutMs: r.int32() };
  },
  encodeResponse(w: ProtocolWriter, _version: number, res: InitProducerIdResponse): void {
    w.int32(res.throttleTimeMs).int16(res.errorCode).int64(res.producerId).int16(res.producerEpoch);
  },
  encodeRequest(w: ProtocolWriter, _version: number, req: InitProducerIdRequest): void {
    w.nullableString(req.transactionalId).int32(req.transactionTimeoutMs);
  },
  decodeResponse(r: ProtocolReader): InitProducerIdResponse {
    return { throttleTimeMs: r.int32(), errorCode: r.int16(), producerId: r.int64(), producerEpoch: r.int16() };
  },
};
