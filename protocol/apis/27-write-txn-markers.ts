// WriteTxnMarkers (key 27), versions 0-1 (flexible from 1). Sent by a transaction coordinator to the
// leader of every partition of a finished transaction, which appends a control batch (a COMMIT or
// ABORT marker) for the producer. Kafka 4 removed v0 and added v2 (transaction_version per marker,
// KIP-890), not implemented here; the reference brokers send v1 to each other.
//
// Request => [markers]
//   markers => producer_id INT64 producer_epoch INT16 transaction_result BOOLEAN (true = commit)
//              [topics] coordinator_epoch INT32
//   topics => name STRING [partition_indexes INT32]
// Response => [markers]
//   markers => producer_id INT64 [topics]   topics => name STRING [partitions]
//   partitions => partition_index INT32 error_code INT16
// (No throttle_time_ms: the API is broker-to-broker.)
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface WritableTxnMarker {
  producerId: number;
  producerEpoch: number;
  /** true: COMMIT, false: ABORT. */
  transactionResult: boolean;
  topics: { name: string; partitionIndexes: number[] }[];
  coordinatorEpoch: number;
}
export interface WriteTxnMarkersRequest {
  markers: WritableTxnMarker[];
}
export interface WriteTxnMarkersResponse {
  markers: {
    producerId: number;
    topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
  }[];
}

export const writeTxnMarkersCodec: ApiCodec<WriteTxnMarkersRequest, WriteTxnMarkersResponse> = {
  apiKey: 27,
  name: 'WriteTxnMarkers',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 1,

  decodeRequest(r: ProtocolReader, version: number): WriteTxnMarkersRequest {
    const f = version >= 1;
    const markers = r.arr(f, (m) => {
      const producerId = m.int64();
      const producerEpoch = m.int16();
      const transactionResult = m.bool();
      const topics = m.arr(f, (t) => {
        const topic = { name: t.str(f), partitionIndexes: t.arr(f, (p) => p.int32()) };
        t.tags(f);
        return topic;
      });
      const coordinatorEpoch = m.int32();
      m.tags(f);
      return { producerId, producerEpoch, transactionResult, topics, coordinatorEpoch };
    });
    r.tags(f);
    return { markers };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: WriteTxnMarkersResponse): void {
    const f = version >= 1;
    w.arr(f, res.markers, (mw, m) => {
      mw.int64(m.producerId);
      mw.arr(f, m.topics, (tw, t) => {
        tw.str(f, t.name);
        tw.arr(f, t.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode).tags(f));
        tw.tags(f);
      });
      mw.tags(f);
    });
    w.tags(f);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: WriteTxnMarkersRequest): void {
    const f = version >= 1;
    w.arr(f, req.markers, (mw, m) => {
      mw.int64(m.producerId).int16(m.producerEpoch).bool(m.transactionResult);
      mw.arr(f, m.topics, (tw, t) => {
        tw.str(f, t.name).arr(f, t.partitionIndexes, (pw, p) => pw.int32(p));
        tw.tags(f);
      });
      mw.int32(m.coordinatorEpoch).tags(f);
    });
    w.tags(f);
  },

  decodeResponse(r: ProtocolReader, version: number): WriteTxnMarkersResponse {
    const f = version >= 1;
    const markers = r.arr(f, (m) => {
      const producerId = m.int64();
      const topics = m.arr(f, (t) => {
        const name = t.str(f);
        const partitions = t.arr(f, (p) => {
          const out = { partitionIndex: p.int32(), errorCode: p.int16() };
          p.tags(f);
          return out;
        });
        t.tags(f);
        return { name, partitions };
      });
      m.tags(f);
      return { producerId, topics };
    });
    r.tags(f);
    return { markers };
  },
};
