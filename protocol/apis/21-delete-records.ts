// DeleteRecords (key 21), versions 0-1 (non-flexible; flexible starts at 2). v1 only changes
// throttling behaviour.
//
// Request => [topics] timeout_ms
//   topics => name [partitions]
//     partitions => partition_index offset      (offset -1 = the high watermark)
// Response => throttle_time_ms [topics]
//   topics => name [partitions]
//     partitions => partition_index low_watermark error_code
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface DeleteRecordsRequest {
  topics: { name: string; partitions: { partitionIndex: number; offset: number }[] }[];
  timeoutMs: number;
}
export interface DeleteRecordsPartitionResult {
  partitionIndex: number;
  lowWatermark: number;
  errorCode: number;
}
export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: DeleteRecordsPartitionResult[] }[];
}

export const deleteRecordsCodec: ApiCodec<DeleteRecordsRequest, DeleteRecordsResponse> = {
  apiKey: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader): DeleteRecordsRequest {
    const topics = r.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => ({ partitionIndex: p.int32(), offset: p.int64() })),
    }));
    return { topics, timeoutMs: r.int32() };
  },

  encodeResponse(w: ProtocolWriter, _version: number, res: DeleteRecordsResponse): void {
    w.int32(res.throttleTimeMs);
    w.array(res.topics, (tw, t) => {
      tw.string(t.name);
      tw.array(t.partitions, (pw, p) => pw.int32(p.partitionIndex).int64(p.lowWatermark).int16(p.errorCode));
    });
  },

  encodeRequest(w: ProtocolWriter, _version: number, req: DeleteRecordsRequest): void {
    w.array(req.topics, (tw, t) => {
      tw.string(t.name);
      tw.array(t.partitions, (pw, p) => pw.int32(p.partitionIndex).int64(p.offset));
    });
    w.int32(req.timeoutMs);
  },

  decodeResponse(r: ProtocolReader): DeleteRecordsResponse {
    const throttleTimeMs = r.int32();
    const topics = r.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => ({ partitionIndex: p.int32(), lowWatermark: p.int64(), errorCode: p.int16() })),
    }));
    return { throttleTimeMs, topics };
  },
};
