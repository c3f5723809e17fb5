// DescribeLogDirs (key 35), versions 0-4 (flexible from 2). The exporter's client uses it for
// per-broker log-directory sizes and capacity (v4: total/usable bytes, Kafka 3.3+).
//
// Request v0-1 => [topics] (nullable: all); topics => topic STRING [partitions INT32]
//   v2+ compact forms + tagged fields. v3, v4: same request.
// Response => throttle_time_ms INT32 (v3+ error_code INT16) [results]
//   results => error_code INT16 log_dir STRING [topics] (v4+ total_bytes INT64 usable_bytes INT64)
//   topics => name STRING [partitions]
//   partitions => partition_index INT32 partition_size INT64 offset_lag INT64 is_future_key BOOLEAN
//   v2+: compact forms, tagged fields after every struct. total/usable bytes are -1 when unknown.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface DescribeLogDirsRequest {
  /** null = every partition. */
  topics: { topic: string; partitions: number[] }[] | null;
}
export interface LogDirPartition {
  partitionIndex: number;
  partitionSize: number;
  offsetLag: number;
  isFutureKey: boolean;
}
export interface LogDirResult {
  errorCode: number;
  logDir: string;
  topics: { name: string; partitions: LogDirPartition[] }[];
  totalBytes: number;
  usableBytes: number;
}
export interface DescribeLogDirsResponse {
  throttleTimeMs: number;
  errorCode: number;
  results: LogDirResult[];
}

export const describeLogDirsCodec: ApiCodec<DescribeLogDirsRequest, DescribeLogDirsResponse> = {
  apiKey: 35,
  name: 'DescribeLogDirs',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 2,

  decodeRequest(r: ProtocolReader, version: number): DescribeLogDirsRequest {
    const flex = version >= 2;
    const topics = r.nullableArr(flex, (x) => {
      const t = { topic: x.str(flex), partitions: x.arr(flex, (y) => y.int32()) };
      x.tags(flex);
      return t;
    });
    r.tags(flex);
    return { topics };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: DescribeLogDirsResponse): void {
    const flex = version >= 2;
    w.int32(res.throttleTimeMs);
    if (version >= 3) w.int16(res.errorCode);
    w.arr(flex, res.results, (w2, d) => {
      w2.int16(d.errorCode).str(flex, d.logDir);
      w2.arr(flex, d.topics, (w3, t) => {
        w3.str(flex, t.name);
        w3.arr(flex, t.partitions, (w4, p) =>
          w4.int32(p.partitionIndex).int64(p.partitionSize).int64(p.offsetLag).bool(p.isFutureKey).tags(flex),
        );
        w3.tags(flex);
      });
      if (version >= 4) w2.int64(d.totalBytes).int64(d.usableBytes);
      w2.tags(flex);
    });
    w.tags(flex);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: DescribeLogDirsRequest): void {
    const flex = version >= 2;
    w.nullableArr(flex, req.topics, (w2, t) => {
      w2.str(flex, t.topic).arr(flex, t.partitions, (w3, p) => w3.int32(p));
      w2.tags(flex);
    });
    w.tags(flex);
  },

  decodeResponse(r: ProtocolReader, version: number): DescribeLogDirsResponse {
    const flex = version >= 2;
    const throttleTimeMs = r.int32();
    const errorCode = version >= 3 ? r.int16() : 0;
    const results = r.arr(flex, (x) => {
      const dirError = x.int16();
      const logDir = x.str(flex);
      const topics = x.arr(flex, (y) => {
        const name = y.str(flex);
        const partitions = y.arr(flex, (z) => {
          const p = {
            partitionIndex: z.int32(),
            partitionSize: z.int64(),
            offsetLag: z.int64(),
            isFutureKey: z.bool(),
          };
          z.tags(flex);
          return p;
        });
        y.tags(flex);
        return { name, partitions };
      });
      const totalBytes = version >= 4 ? x.int64() : -1;
      const usableBytes = version >= 4 ? x.int64() : -1;
      x.tags(flex);
      return { errorCode: dirError, logDir, topics, totalBytes, usableBytes };
    });
    r.tags(flex);
    return { throttleTimeMs, errorCode, results };
  },
};
