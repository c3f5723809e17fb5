// ElectLeaders (key 43), versions 0-2 (flexible from 2).
//
// Request v0 => [topic_partitions] (nullable: all) timeout_ms INT32
//   v1+ => election_type INT8 (0 preferred, 1 unclean) [topic_partitions] timeout_ms INT32
//   topic_partitions => topic STRING [partitions INT32]
// Response => throttle_time_ms INT32 (v1+ error_code INT16) [replica_election_results]
//   replica_election_results => topic STRING [partition_result]
//   partition_result => partition_id INT32 error_code INT16 error_message NULLABLE_STRING
// v2: compact forms and tagged fields.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export const ElectionType = { preferred: 0, unclean: 1 } as const;

export interface ElectLeadersRequest {
  electionType: number;
  topicPartitions: { topic: string; partitions: number[] }[] | null;
  timeoutMs: number;
}
export interface ElectLeadersResponse {
  throttleTimeMs: number;
  errorCode: number;
  results: { topic: string; partitions: { partitionId: number; errorCode: number; errorMessage: string | null }[] }[];
}

export const electLeadersCodec: ApiCodec<ElectLeadersRequest, ElectLeadersResponse> = {
  apiKey: 43,
  name: 'ElectLeaders',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  decodeRequest(r: ProtocolReader, version: number): ElectLeadersRequest {
    const flex = version >= 2;
    const electionType = version >= 1 ? r.int8() : ElectionType.preferred;
    const topicPartitions = r.nullableArr(flex, (x) => {
      const t = { topic: x.str(flex), partitions: x.arr(flex, (y) => y.int32()) };
      x.tags(flex);
      return t;
    });
    const timeoutMs = r.int32();
    r.tags(flex);
    return { electionType, topicPartitions, timeoutMs };
  },
  encodeResponse(w: ProtocolWriter, version: number, res: ElectLeadersResponse): void {
    const flex = version >= 2;
    w.int32(res.throttleTimeMs);
    if (version >= 1) w.int16(res.errorCode);
    w.arr(flex, res.results, (w2, t) => {
      w2.str(flex, t.topic);
      w2.arr(flex, t.partitions, (w3, p) =>
        w3.int32(p.partitionId).int16(p.errorCode).nullableStr(flex, p.errorMessage).tags(flex),
      );
      w2.tags(flex);
    });
    w.tags(flex);
  },
  encodeRequest(w: ProtocolWriter, version: number, req: ElectLeadersRequest): void {
    const flex = version >= 2;
    if (version >= 1) w.int8(req.electionType);
    w.nullableArr(flex, req.topicPartitions, (w2, t) => {
      w2.str(flex, t.topic).arr(flex, t.partitions, (w3, p) => w3.int32(p));
      w2.tags(flex);
    });
    w.int32(req.timeoutMs).tags(flex);
  },
  decodeResponse(r: ProtocolReader, version: number): ElectLeadersResponse {
    const flex = version >= 2;
    const throttleTimeMs = r.int32();
    const errorCode = version >= 1 ? r.int16() : 0;
    const results = r.arr(flex, (x) => {
      const topic = x.str(flex);
      const partitions = x.arr(flex, (y) => {
        const p = { partitionId: y.int32(), errorCode: y.int16(), errorMessage: y.nullableStr(flex) };
        y.tags(flex);
        return p;
      });
      x.tags(flex);
      return { topic, partitions };
    });
    r.tags(flex);
    return { throttleTimeMs, errorCode, results };
  },
};
