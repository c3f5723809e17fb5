// DeleteTopics (key 20), versions 0-1 (non-flexible; flexible starts at 4).
//
// Request => [topic_names STRING] timeout_ms INT32
// Response => (v1+ throttle_time_ms INT32) [responses]; responses => name STRING error_code INT16
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface DeleteTopicsRequest {
  topicNames: string[];
  timeoutMs: number;
}
export interface DeleteTopicsResponse {
  throttleTimeMs: number;
  responses: { name: string; errorCode: number }[];
}

export const deleteTopicsCodec: ApiCodec<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: Infinity,
  decodeRequest(r: ProtocolReader): DeleteTopicsRequest {
    return { topicNames: r.array((x) => x.string()), timeoutMs: r.int32() };
  },
  encodeResponse(w: ProtocolWriter, version: number, res: DeleteTopicsResponse): void {
    if (version >= 1) w.int32(res.throttleTimeMs);
    w.array(res.responses, (w2, t) => w2.string(t.name).int16(t.errorCode));
  },
  encodeRequest(w: ProtocolWriter, _version: number, req: DeleteTopicsRequest): void {
    w.array(req.topicNames, (w2, t) => w2.string(t)).int32(req.timeoutMs);
  },
  decodeResponse(r: ProtocolReader, version: number): DeleteTopicsResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    return { throttleTimeMs, responses: r.array((x) => ({ name: x.string(), errorCode: x.int16() })) };
  },
};
