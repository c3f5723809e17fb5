// CreateTopics (key 19), versions 0-4 (non-flexible; flexible starts at 5).
//
// Request => [topics] timeout_ms INT32 (v1+ validate_only BOOLEAN)
//   topics => name STRING num_partitions INT32 replication_factor INT16 [assignments] [configs]
//   assignments => partition_index INT32 [broker_ids INT32]
//   configs => name STRING value NULLABLE_STRING
//   num_partitions / replication_factor -1 (v4+) mean the broker default.
// Response => (v2+ throttle_time_ms INT32) [topics]
//   topics => name STRING error_code INT16 (v1+ error_message NULLABLE_STRING)
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}
export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}
export interface CreateTopicsResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}
export interface CreateTopicsResponse {
  throttleTimeMs: number;
  topics: CreateTopicsResult[];
}

export const createTopicsCodec: ApiCodec<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): CreateTopicsRequest {
    const topics = r.array((x) => ({
      name: x.string(),
      numPartitions: x.int32(),
      replicationFactor: x.int16(),
      assignments: x.array((y) => ({ partitionIndex: y.int32(), brokerIds: y.array((z) => z.int32()) })),
      configs: x.array((y) => ({ name: y.string(), value: y.nullableString() })),
    }));
    const timeoutMs = r.int32();
    const validateOnly = version >= 1 ? r.bool() : false;
    return { topics, timeoutMs, validateOnly };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: CreateTopicsResponse): void {
    if (version >= 2) w.int32(res.throttleTimeMs);
    w.array(res.topics, (w2, t) => {
      w2.string(t.name).int16(t.errorCode);
      if (version >= 1) w2.nullableString(t.errorMessage);
    });
  },

  encodeRequest(w: ProtocolWriter, version: number, req: CreateTopicsRequest): void {
    w.array(req.topics, (w2, t) => {
      w2.string(t.name).int32(t.numPartitions).int16(t.replicationFactor);
      w2.array(t.assignments, (w3, a) => w3.int32(a.partitionIndex).array(a.brokerIds, (w4, b) => w4.int32(b)));
      w2.array(t.configs, (w3, c) => w3.string(c.name).nullableString(c.value));
    });
    w.int32(req.timeoutMs);
    if (version >= 1) w.bool(req.validateOnly);
  },

  decodeResponse(r: ProtocolReader, version: number): CreateTopicsResponse {
    const throttleTimeMs = version >= 2 ? r.int32() : 0;
    const topics = r.array((x) => ({
      name: x.string(),
      errorCode: x.int16(),
      errorMessage: version >= 1 ? x.nullableString() : null,
    }));
    return { throttleTimeMs, topics };
  },
};
