// FindCoordinator (key 10), versions 0-2 (non-flexible; flexible starts at 3).
//
// Request v0 => key (the group id); v1+ => key key_type (INT8: 0 group, 1 transaction)
// Response v0 => error_code node_id host port
// v1+ => throttle_time_ms error_code error_message node_id host port
//   error_message NULLABLE_STRING, node_id INT32, host STRING, port INT32
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}
export interface FindCoordinatorResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export const findCoordinatorCodec: ApiCodec<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): FindCoordinatorRequest {
    const key = r.string();
    const keyType = version >= 1 ? r.int8() : 0;
    return { key, keyType };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: FindCoordinatorResponse): void {
    if (version >= 1) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode);
    if (version >= 1) w.nullableString(res.errorMessage);
    w.int32(res.nodeId).string(res.host).int32(res.port);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: FindCoordinatorRequest): void {
    w.string(req.key);
    if (version >= 1) w.int8(req.keyType);
  },

  decodeResponse(r: ProtocolReader, version: number): FindCoordinatorResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    const errorMessage = version >= 1 ? r.nullableString() : null;
    return { throttleTimeMs, errorCode, errorMessage, nodeId: r.int32(), host: r.string(), port: r.int32() };
  },
};
