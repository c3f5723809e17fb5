// CreatePartitions (key 37), versions 0-1 (non-flexible; flexible starts at 2). v1 = v0.
//
// Request => [topics] timeout_ms INT32 validate_only BOOLEAN
//   topics => name STRING count INT32 [assignments] (nullable); assignments => [broker_ids INT32]
// Response => throttle_time_ms INT32 [results]
//   results => name STRING error_code INT16 error_message NULLABLE_STRING
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface CreatePartitionsTopic {
  name: string;
  count: number;
  assignments: { brokerIds: number[] }[] | null;
}
export interface CreatePartitionsRequest {
  topics: CreatePartitionsTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}
export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  results: { name: string; errorCode: number; errorMessage: string | null }[];
}

export const createPartitionsCodec: ApiCodec<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: Infinity,
  decodeRequest(r: ProtocolReader): CreatePartitionsRequest {
    const topics = r.array((x) => ({
      name: x.string(),
      count: x.int32(),
      assignments: x.nullableArray((y) => ({ brokerIds: y.array((z) => z.int32()) })),
    }));
    return { topics, timeoutMs: r.int32(), validateOnly: r.bool() };
  },
  encodeResponse(w: ProtocolWriter, _version: number, res: CreatePartitionsResponse): void {
    w.int32(res.throttleTimeMs);
    w.array(res.results, (w2, t) => w2.string(t.name).int16(t.errorCode).nullableString(t.errorMessage));
  },
  encodeRequest(w: ProtocolWriter, _version: number, req: CreatePartitionsRequest): void {
    w.array(req.topics, (w2, t) => {
      w2.string(t.name).int32(t.count);
      w2.nullableArray(t.assignments, (w3, a) => w3.array(a.brokerIds, (w4, b) => w4.int32(b)));
    });
    w.int32(req.timeoutMs).bool(req.validateOnly);
  },
  decodeResponse(r: ProtocolReader): CreatePartitionsResponse {
    const throttleTimeMs = r.int32();
    return {
      throttleTimeMs,
      results: r.array((x) => ({ name: x.string(), errorCode: x.int16(), errorMessage: x.nullableString() })),
    };
  },
};
