// Produce (key 0), versions 3-7 (non-flexible; flexible starts at 9). v3 is the first version
// carrying RecordBatch v2 (magic 2), which is the only record format this broker accepts.
//
// Request => transactional_id NULLABLE_STRING acks INT16 timeout_ms INT32 [topic_data]
//   topic_data => name STRING [partition_data]
//   partition_data => index INT32 records RECORDS (NULLABLE_BYTES holding record batches)
// Response => [responses] throttle_time_ms INT32
//   responses => name STRING [partition_responses]
//   partition_responses => index INT32 error_code INT16 base_offset INT64
//     log_append_time_ms INT64 (-1 unless the topic uses LogAppendTime) (v5+ log_start_offset INT64)
// v4: NOT_ENOUGH_REPLICAS / KAFKA_STORAGE_ERROR may be returned; v6/v7 change nothing on the wire
// (v7 = zstd allowed).
//
// `records` is a view into the request frame (no copy): the broker patches offsets in place.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface ProducePartitionData {
  index: number;
  records: Buffer | null;
}
export interface ProduceTopicData {
  name: string;
  partitions: ProducePartitionData[];
}
export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topics: ProduceTopicData[];
}
export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}
export interface ProduceTopicResponse {
  name: string;
  partitions: ProducePartitionResponse[];
}
export interface ProduceResponse {
  topics: ProduceTopicResponse[];
  throttleTimeMs: number;
}

export const produceCodec: ApiCodec<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 7,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader): ProduceRequest {
    const transactionalId = r.nullableString();
    const acks = r.int16();
    const timeoutMs = r.int32();
    const topics = r.array((x) => ({
      name: x.string(),
      partitions: x.array((y) => ({ index: y.int32(), records: y.nullableBytes() })),
    }));
    return { transactionalId, acks, timeoutMs, topics };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: ProduceResponse): void {
    w.array(res.topics, (w2, t) => {
      w2.string(t.name);
      w2.array(t.partitions, (w3, p) => {
        w3.int32(p.index).int16(p.errorCode).int64(p.baseOffset).int64(p.logAppendTimeMs);
        if (version >= 5) w3.int64(p.logStartOffset);
      });
    });
    w.int32(res.throttleTimeMs);
  },

  encodeRequest(w: ProtocolWriter, _version: number, req: ProduceRequest): void {
    w.nullableString(req.transactionalId).int16(req.acks).int32(req.timeoutMs);
    w.array(req.topics, (w2, t) => {
      w2.string(t.name);
      w2.array(t.partitions, (w3, p) => w3.int32(p.index).nullableBytes(p.records));
    });
  },

  decodeResponse(r: ProtocolReader, version: number): ProduceResponse {
    const topics = r.array((x) => ({
      name: x.string(),
      partitions: x.array((y) => ({
        index: y.int32(),
        errorCode: y.int16(),
        baseOffset: y.int64(),
        logAppendTimeMs: y.int64(),
        logStartOffset: version >= 5 ? y.int64() : -1,
      })),
    }));
    return { topics, throttleTimeMs: r.int32() };
  },
};
