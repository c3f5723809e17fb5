// Fetch (key 1), versions 4-11 (non-flexible; flexible starts at 12). v4 is the first version
// with isolation_level, last_stable_offset and aborted transactions (RecordBatch v2 era).
//
// Request => replica_id INT32 max_wait_ms INT32 min_bytes INT32 max_bytes INT32
//   isolation_level INT8 (v7+ session_id INT32 session_epoch INT32) [topics]
//   (v7+ [forgotten_topics_data]) (v11+ rack_id STRING)
//   topics => topic STRING [partitions]
//   partitions => partition INT32 (v9+ current_leader_epoch INT32) fetch_offset INT64
//     (v5+ log_start_offset INT64) partition_max_bytes INT32
//   forgotten_topics_data => topic STRING [partitions INT32]
// Response => throttle_time_ms INT32 (v7+ error_code INT16 session_id INT32) [responses]
//   responses => topic STRING [partitions]
//   partitions => partition_index INT32 error_code INT16 high_watermark INT64
//     last_stable_offset INT64 (v5+ log_start_offset INT64) [aborted_transactions] (nullable)
//     (v11+ preferred_read_replica INT32) records RECORDS (NULLABLE_BYTES)
//   aborted_transactions => producer_id INT64 first_offset INT64
//
// Fetch sessions (KIP-227) are not kept: session_id 0 is always answered (a full fetch).
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface FetchPartition {
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: number;
  logStartOffset: number;
  partitionMaxBytes: number;
}
export interface FetchTopic {
  topic: string;
  partitions: FetchPartition[];
}
export interface FetchRequest {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: FetchTopic[];
  forgottenTopics: { topic: string; partitions: number[] }[];
  rackId: string;
}
export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}
export interface FetchPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  abortedTransactions: AbortedTransaction[] | null;
  preferredReadReplica: number;
  /** Whole record batches, possibly several buffers (written back to back). */
  records: Buffer | Buffer[] | null;
}
export interface FetchTopicResponse {
  topic: string;
  partitions: FetchPartitionResponse[];
}
export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  topics: FetchTopicResponse[];
}

function writeRecords(w: ProtocolWriter, records: Buffer | Buffer[] | null): void {
  if (records === null) {
    w.int32(-1);
    return;
  }
  if (Buffer.isBuffer(records)) {
    w.int32(records.length).raw(records);
    return;
  }
  let n = 0;
  for (const b of records) n += b.length;
  w.int32(n);
  for (const b of records) w.raw(b);
}

export const fetchCodec: ApiCodec<FetchRequest, FetchResponse> = {
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): FetchRequest {
    const replicaId = r.int32();
    const maxWaitMs = r.int32();
    const minBytes = r.int32();
    const maxBytes = r.int32();
    const isolationLevel = r.int8();
    const sessionId = version >= 7 ? r.int32() : 0;
    const sessionEpoch = version >= 7 ? r.int32() : -1;
    const topics = r.array((x) => ({
      topic: x.string(),
      partitions: x.array((y) => ({
        partition: y.int32(),
        currentLeaderEpoch: version >= 9 ? y.int32() : -1,
        fetchOffset: y.int64(),
        logStartOffset: version >= 5 ? y.int64() : -1,
        partitionMaxBytes: y.int32(),
      })),
    }));
    const forgottenTopics =
      version >= 7 ? r.array((x) => ({ topic: x.string(), partitions: x.array((y) => y.int32()) })) : [];
    const rackId = version >= 11 ? r.string() : '';
    return {
      replicaId,
      maxWaitMs,
      minBytes,
      maxBytes,
      isolationLevel,
      sessionId,
      sessionEpoch,
      topics,
      forgottenTopics,
      rackId,
    };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: FetchResponse): void {
    w.int32(res.throttleTimeMs);
    if (version >= 7) w.int16(res.errorCode).int32(res.sessionId);
    w.array(res.topics, (w2, t) => {
      w2.string(t.topic);
      w2.array(t.partitions, (w3, p) => {
        w3.int32(p.partitionIndex).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
        if (version >= 5) w3.int64(p.logStartOffset);
        w3.nullableArray(p.abortedTransactions, (w4, a) => w4.int64(a.producerId).int64(a.firstOffset));
        if (version >= 11) w3.int32(p.preferredReadReplica);
        writeRecords(w3, p.records);
      });
    });
  },

  encodeRequest(w: ProtocolWriter, version: number, req: FetchRequest): void {
    w.int32(req.replicaId).int32(req.maxWaitMs).int32(req.minBytes).int32(req.maxBytes).int8(req.isolationLevel);
    if (version >= 7) w.int32(req.sessionId).int32(req.sessionEpoch);
    w.array(req.topics, (w2, t) => {
      w2.string(t.topic);
      w2.array(t.partitions, (w3, p) => {
        w3.int32(p.partition);
        if (version >= 9) w3.int32(p.currentLeaderEpoch);
        w3.int64(p.fetchOffset);
        if (version >= 5) w3.int64(p.logStartOffset);
        w3.int32(p.partitionMaxBytes);
      });
    });
    if (version >= 7)
      w.array(req.forgottenTopics, (w2, f) => w2.string(f.topic).array(f.partitions, (w3, p) => w3.int32(p)));
    if (version >= 11) w.string(req.rackId);
  },

  decodeResponse(r: ProtocolReader, version: number): FetchResponse {
    const throttleTimeMs = r.int32();
    const errorCode = version >= 7 ? r.int16() : 0;
    const sessionId = version >= 7 ? r.int32() : 0;
    const topics = r.array((x) => ({
      topic: x.string(),
      partitions: x.array((y) => ({
        partitionIndex: y.int32(),
        errorCode: y.int16(),
        highWatermark: y.int64(),
        lastStableOffset: y.int64(),
        logStartOffset: version >= 5 ? y.int64() : -1,
        abortedTransactions: y.nullableArray((z) => ({ producerId: z.int64(), firstOffset: z.int64() })),
        preferredReadReplica: version >= 11 ? y.int32() : -1,
        records: y.nullableBytes(),
      })),
    }));
    return { throttleTimeMs, errorCode, sessionId, topics };
  },
};
